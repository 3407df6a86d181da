// The services the proof-sweep tests prove completely, in two halves so jest can run them in parallel.
export const PROVED_SERVICES_A = ['rds', 'dynamodb', 's3', 'lambda', 'kms', 'secretsmanager', 'sqs', 'logs'];
export const PROVED_SERVICES_B = ['cloudformation', 'iam', 'ecs', 'sns', 'ecr', 'elasticfilesystem', 'sts'];
export const PROVED_SERVICES = [...PROVED_SERVICES_A, ...PROVED_SERVICES_B];
