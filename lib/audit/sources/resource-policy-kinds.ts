// The kinds of resource policy a live read takes, by the names snapshots (`resourcePolicyKinds`) and reports use.
// Apart from the readers, so a report can name the kinds not read without loading the AWS SDK.

export const FUNCTION_POLICIES = 'Lambda function policies';
export const KEY_POLICIES = 'KMS key policies';
export const QUEUE_POLICIES = 'SQS queue policies';
export const TOPIC_POLICIES = 'SNS topic policies';
export const SECRET_POLICIES = 'Secrets Manager secret policies';
export const BUCKET_POLICIES = 'S3 bucket policies';

/** Every kind a live read takes, in the order a caveat names those not read. */
export const LIVE_RESOURCE_POLICY_KINDS = [
  BUCKET_POLICIES,
  KEY_POLICIES,
  FUNCTION_POLICIES,
  QUEUE_POLICIES,
  TOPIC_POLICIES,
  SECRET_POLICIES,
] as const;
