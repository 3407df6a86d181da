// Reads the compute that runs as roles (Lambda functions, EC2 instance profiles, running ECS tasks, and the
// CloudFormation stacks with a service role) in every region enabled for the account, read-only, so the access graph can resolve "run code on existing compute".
// A list is kept only when every region answered it; any failure is a reported problem and leaves it unknown.
// The resource policies that grant principals directly (Lambda function, KMS key, SQS queue, SNS topic, Secrets
// Manager secret and S3 bucket policies) are read in the same pass over the regions: a kind whose list fails is
// left unknown; a policy that cannot be read on its own is named, and the rest of its kind is kept.
import { BatchClient, paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';
import { CloudFormationClient, paginateDescribeStacks } from '@aws-sdk/client-cloudformation';
import { BatchGetProjectsCommand, CodeBuildClient, paginateListProjects } from '@aws-sdk/client-codebuild';
import { CodePipelineClient, GetPipelineCommand, paginateListPipelines } from '@aws-sdk/client-codepipeline';
import { DescribeRegionsCommand, EC2Client, paginateDescribeIamInstanceProfileAssociations } from '@aws-sdk/client-ec2';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  paginateListClusters,
  paginateListTasks,
} from '@aws-sdk/client-ecs';
import { GlueClient, paginateGetJobs } from '@aws-sdk/client-glue';
import {
  DescribeNotebookInstanceCommand,
  paginateListNotebookInstances,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DescribeStateMachineCommand, paginateListStateMachines, SFNClient } from '@aws-sdk/client-sfn';
import { GetPolicyCommand, LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import {
  type AwsClientSettings,
  clientConfig,
  customEndpoint,
  errorMessage,
  isAbort,
  resolveRegion,
} from './aws-clients';
import {
  partitionOfRegion,
  type PoliciesRead,
  policiesOf,
  policyDocument,
  readBucketPolicies,
  REGIONAL_POLICY_READS,
  type UnreadPolicy,
} from './live-resource-policies';
import { BUCKET_POLICIES, FUNCTION_POLICIES } from './resource-policy-kinds';
import type { ComputeInventory, ResourcePolicy, SnapshotProblem, UnreadKindPolicy } from './snapshot';
import { firstFew } from '../../util/count-text';
import { compareText } from '../../util/text-order';

/** Regions read at the same time for one account. */
const REGION_CONCURRENCY = 4;
/** The most tasks ecs:DescribeTasks takes in one call. */
const DESCRIBE_TASKS_BATCH = 100;

type LambdaFunction = NonNullable<ComputeInventory['lambdaFunctions']>[number];
type Association = NonNullable<ComputeInventory['instanceProfileAssociations']>[number];
type EcsTask = NonNullable<ComputeInventory['ecsTasks']>[number];
type Stack = NonNullable<ComputeInventory['cloudFormationStacks']>[number];
type Project = NonNullable<ComputeInventory['codeBuildProjects']>[number];
type GlueJob = NonNullable<ComputeInventory['glueJobs']>[number];
type StateMachine = NonNullable<ComputeInventory['stateMachines']>[number];
type Pipeline = NonNullable<ComputeInventory['codePipelines']>[number];
type Notebook = NonNullable<ComputeInventory['notebookInstances']>[number];
type JobDefinition = NonNullable<ComputeInventory['jobDefinitions']>[number];
/** The most names codebuild:BatchGetProjects takes in one call. */
const BATCH_GET_PROJECTS = 100;

export interface ComputeInventoryRead {
  readonly inventory: ComputeInventory;
  /** One per failed read (region and operation named); the list it belongs to is left unknown. */
  readonly problems: SnapshotProblem[];
  /**
   * The resource policies read as grants, by kind (`KMS key policies`, ...): each kind's policies and the
   * resources whose policy could not be read; `policies` absent when the kind is unknown (a list failed).
   */
  readonly resourcePolicies: readonly {
    readonly kind: string;
    readonly policies?: ResourcePolicy[];
    readonly unread: UnreadPolicy[];
  }[];
  /** Each bucket's region by its ARN, from the bucket list (empty when it could not be read). */
  readonly bucketRegions: Readonly<Record<string, string>>;
}

/**
 * The account's compute inventory, read with `settings`' credentials. Never throws for AWS errors (they become
 * problems); rethrows an abort.
 */
export async function readComputeInventory(
  settings: AwsClientSettings,
  accountId: string,
  signal?: AbortSignal,
): Promise<ComputeInventoryRead> {
  const readAt = new Date().toISOString();
  const problems: SnapshotProblem[] = [];
  const home = resolveRegion(settings);
  let regions: string[];
  const ec2Home = new EC2Client({ ...clientConfig(settings, home), ...customEndpoint(settings.endpoints?.ec2) });
  try {
    // Without AllRegions, the regions enabled for the account: opted-out regions cannot hold compute.
    const answer = await ec2Home.send(new DescribeRegionsCommand({}), { abortSignal: signal });
    regions = (answer.Regions ?? []).flatMap((region) => (region.RegionName ? [region.RegionName] : [])).sort();
    if (regions.length === 0) throw new Error('ec2:DescribeRegions returned no region');
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    problems.push({
      where: `ec2:DescribeRegions (${accountId}, ${home})`,
      message: `${errorMessage(err)}; which regions hold compute is unknown, so no compute inventory was read (run-code hops stay unresolved), nor any resource policy`,
    });
    return { inventory: { regions: [], readAt }, problems, resourcePolicies: [], bucketRegions: {} };
  } finally {
    ec2Home.destroy();
  }

  const lambdaFunctions: LambdaFunction[] = [];
  const associations: Association[] = [];
  const ecsTasks: EcsTask[] = [];
  const stacks: Stack[] = [];
  const projects: Project[] = [];
  const glueJobs: GlueJob[] = [];
  const stateMachines: StateMachine[] = [];
  const pipelines: Pipeline[] = [];
  const notebooks: Notebook[] = [];
  const jobDefinitions: JobDefinition[] = [];
  const failed = {
    lambda: false,
    ec2: false,
    ecs: false,
    cloudformation: false,
    codebuild: false,
    glue: false,
    states: false,
    codepipeline: false,
    sagemaker: false,
    batch: false,
  };
  let bucketRegions: Record<string, string> = {};
  /** The resource policies by kind; a kind is dropped (undefined) when one of its lists fails. */
  const byKind = new Map<string, PoliciesRead | undefined>(
    [FUNCTION_POLICIES, ...REGIONAL_POLICY_READS.map((read) => read.kind), BUCKET_POLICIES].map((kind) => [
      kind,
      { policies: [], unread: [] },
    ]),
  );
  const fail = (operation: string, region: string, err: unknown, unknown: string) => {
    if (isAbort(err, signal)) throw err;
    problems.push({ where: `${operation} (${accountId}, ${region})`, message: `${errorMessage(err)}; ${unknown}` });
  };
  const attempt = async (kind: keyof typeof failed, operation: string, region: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (err) {
      fail(operation, region, err, UNKNOWN[kind]);
      failed[kind] = true;
    }
  };
  const attemptPolicies = async (
    kind: string,
    operations: string,
    region: string,
    read: () => Promise<PoliciesRead>,
  ) => {
    try {
      const { policies, unread } = await read();
      const kept = byKind.get(kind);
      kept?.policies.push(...policies);
      kept?.unread.push(...unread);
      if (unread.length > 0) {
        problems.push({
          where: `${operations} (${accountId}, ${region})`,
          message:
            `${unread.length} of the ${kind} could not be read: ${unreadText(unread)}; ` +
            'what they grant principals of the account directly is not shown (the others were read)',
        });
      }
    } catch (err) {
      fail(
        operations,
        region,
        err,
        `the ${kind} are unknown: what they grant principals of the account directly is not shown`,
      );
      byKind.set(kind, undefined);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < regions.length && !signal?.aborted) {
      const region = regions[next++];
      const config = clientConfig(settings, region);
      const lambda = new LambdaClient({ ...config, ...customEndpoint(settings.endpoints?.lambda) });
      const ec2 = new EC2Client({ ...config, ...customEndpoint(settings.endpoints?.ec2) });
      const ecs = new ECSClient({ ...config, ...customEndpoint(settings.endpoints?.ecs) });
      const cloudFormation = new CloudFormationClient({
        ...config,
        ...customEndpoint(settings.endpoints?.cloudformation),
      });
      const codeBuild = new CodeBuildClient({ ...config, ...customEndpoint(settings.endpoints?.codebuild) });
      const glue = new GlueClient({ ...config, ...customEndpoint(settings.endpoints?.glue) });
      const states = new SFNClient({ ...config, ...customEndpoint(settings.endpoints?.states) });
      const codePipeline = new CodePipelineClient({ ...config, ...customEndpoint(settings.endpoints?.codepipeline) });
      const sageMaker = new SageMakerClient({ ...config, ...customEndpoint(settings.endpoints?.sagemaker) });
      const batch = new BatchClient({ ...config, ...customEndpoint(settings.endpoints?.batch) });
      try {
        await Promise.all([
          attempt('lambda', 'lambda:ListFunctions', region, async () => {
            let functions: LambdaFunction[];
            try {
              functions = await readFunctions(lambda, signal);
            } catch (err) {
              // Without the list, which functions have a policy is unknown too.
              byKind.set(FUNCTION_POLICIES, undefined);
              throw err;
            }
            lambdaFunctions.push(...functions);
            await attemptPolicies(FUNCTION_POLICIES, 'lambda:GetPolicy', region, () =>
              readFunctionPolicies(lambda, functions, signal),
            );
          }),
          attempt('ec2', 'ec2:DescribeIamInstanceProfileAssociations', region, async () => {
            associations.push(...(await readAssociations(ec2, region, signal)));
          }),
          attempt('ecs', 'ecs:ListClusters/ListTasks/DescribeTasks/DescribeTaskDefinition', region, async () => {
            ecsTasks.push(...(await readRunningTasks(ecs, signal)));
          }),
          attempt('cloudformation', 'cloudformation:DescribeStacks', region, async () => {
            stacks.push(...(await readStacks(cloudFormation, region, signal)));
          }),
          attempt('codebuild', 'codebuild:ListProjects/BatchGetProjects', region, async () => {
            projects.push(...(await readProjects(codeBuild, region, signal)));
          }),
          attempt('glue', 'glue:GetJobs', region, async () => {
            glueJobs.push(...(await readGlueJobs(glue, region, accountId, signal)));
          }),
          attempt('states', 'states:ListStateMachines/DescribeStateMachine', region, async () => {
            stateMachines.push(...(await readStateMachines(states, region, signal)));
          }),
          attempt('codepipeline', 'codepipeline:ListPipelines/GetPipeline', region, async () => {
            pipelines.push(...(await readPipelines(codePipeline, region, signal)));
          }),
          attempt('sagemaker', 'sagemaker:ListNotebookInstances/DescribeNotebookInstance', region, async () => {
            notebooks.push(...(await readNotebooks(sageMaker, region, signal)));
          }),
          attempt('batch', 'batch:DescribeJobDefinitions', region, async () => {
            jobDefinitions.push(...(await readJobDefinitions(batch, region, signal)));
          }),
          ...REGIONAL_POLICY_READS.map(({ kind, operations, read }) =>
            attemptPolicies(kind, operations, region, () => read(settings, region, signal)),
          ),
        ]);
      } finally {
        lambda.destroy();
        ec2.destroy();
        ecs.destroy();
        cloudFormation.destroy();
        codeBuild.destroy();
        glue.destroy();
        states.destroy();
        codePipeline.destroy();
        sageMaker.destroy();
        batch.destroy();
      }
    }
  };
  await Promise.all([
    ...Array.from({ length: Math.min(REGION_CONCURRENCY, regions.length) }, worker),
    attemptPolicies(BUCKET_POLICIES, 's3:ListBuckets/GetBucketPolicy', home, async () => {
      const read = await readBucketPolicies(settings, signal);
      bucketRegions = read.bucketRegions;
      return read;
    }),
  ]);
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');

  const byText =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      compareText(key(a), key(b));
  return {
    inventory: {
      regions,
      readAt,
      ...(failed.lambda ? {} : { lambdaFunctions: lambdaFunctions.sort(byText((f) => f.arn)) }),
      ...(failed.ec2 ? {} : { instanceProfileAssociations: associations.sort(byText((a) => a.instanceId)) }),
      ...(failed.ecs ? {} : { ecsTasks: ecsTasks.sort(byText((t) => t.taskArn)) }),
      ...(failed.codebuild ? {} : { codeBuildProjects: projects.sort(byText((p) => p.arn)) }),
      ...(failed.glue ? {} : { glueJobs: glueJobs.sort(byText((j) => j.arn)) }),
      ...(failed.states ? {} : { stateMachines: stateMachines.sort(byText((m) => m.arn)) }),
      ...(failed.codepipeline ? {} : { codePipelines: pipelines.sort(byText((p) => p.arn)) }),
      ...(failed.sagemaker ? {} : { notebookInstances: notebooks.sort(byText((n) => n.arn)) }),
      ...(failed.batch ? {} : { jobDefinitions: jobDefinitions.sort(byText((d) => d.arn)) }),
      ...(failed.cloudformation ? {} : { cloudFormationStacks: stacks.sort(byText((s) => s.arn)) }),
    },
    // Reads run at the same time: sorted, so the same failures read the same in every report.
    problems: problems.sort(byText((p) => p.where)),
    resourcePolicies: [...byKind].map(([kind, read]) => ({
      kind,
      ...(read ? { policies: read.policies.sort(byText((p) => p.name)) } : {}),
      unread: (read?.unread ?? []).sort(byText((u) => u.resource)),
    })),
    bucketRegions,
  };
}

const UNKNOWN = {
  lambda:
    'which Lambda functions exist is unknown: lambda:UpdateFunctionCode / UpdateFunctionConfiguration hops stay ' +
    'unresolved, and the Lambda function policies are unknown: what they grant principals of the account directly is not shown',
  ec2: 'which instances run with which instance profile is unknown: ssm:SendCommand / StartSession hops stay unresolved',
  ecs: 'which ECS tasks run as which task role is unknown: ecs:ExecuteCommand hops stay unresolved',
  cloudformation:
    'which CloudFormation stacks run with which service role is unknown: cloudformation:UpdateStack / ' +
    'CreateChangeSet hops stay unresolved',
  codebuild:
    'which CodeBuild projects run with which service role is unknown: codebuild:StartBuild hops stay unresolved',
  glue: 'which Glue jobs run with which role is unknown: glue:StartJobRun hops stay unresolved',
  states: 'which state machines run with which role is unknown: states:UpdateStateMachine hops stay unresolved',
  codepipeline:
    'which pipelines run with which service role is unknown: codepipeline:UpdatePipeline hops stay unresolved',
  sagemaker:
    'which notebook instances run with which role is unknown: sagemaker:CreatePresignedNotebookInstanceUrl hops ' +
    'stay unresolved',
  batch: 'which Batch job definitions run with which role is unknown: batch:SubmitJob hops stay unresolved',
} as const;

/** How many unread resources a problem names before counting the rest. */
const UNREAD_NAMED = 5;

/** `arn:… (AccessDenied: …), …` for a problem: the first few resources and the reason each failed. */
function unreadText(unread: readonly UnreadPolicy[]): string {
  return firstFew(
    unread.map((u) => `${u.resource} (${u.reason})`),
    UNREAD_NAMED,
  );
}

/**
 * The snapshot fields for what a live read learned of resource policies: the kinds read (their lists in full),
 * their policies, and the resources of those kinds whose policy could not be read.
 */
export function liveResourcePolicies(
  read: ComputeInventoryRead,
):
  | { resourcePolicies: ResourcePolicy[]; resourcePolicyKinds: string[]; unreadResourcePolicies?: UnreadKindPolicy[] }
  | Record<string, never> {
  const kinds = read.resourcePolicies.filter(
    (entry): entry is { kind: string; policies: ResourcePolicy[]; unread: UnreadPolicy[] } =>
      entry.policies !== undefined,
  );
  if (kinds.length === 0) return {};
  const unread = kinds.flatMap((entry) => entry.unread.map((u) => ({ kind: entry.kind, ...u })));
  return {
    resourcePolicies: kinds.flatMap((entry) => entry.policies),
    resourcePolicyKinds: kinds.map((entry) => entry.kind),
    ...(unread.length > 0 ? { unreadResourcePolicies: unread } : {}),
  };
}

/** Every function, every page ($LATEST only: the version UpdateFunctionCode and UpdateFunctionConfiguration change). */
async function readFunctions(lambda: LambdaClient, signal?: AbortSignal): Promise<LambdaFunction[]> {
  const out: LambdaFunction[] = [];
  for await (const page of paginateListFunctions({ client: lambda, pageSize: 50 }, {}, { abortSignal: signal })) {
    for (const fn of page.Functions ?? []) {
      if (!fn.FunctionArn || !fn.FunctionName) continue;
      out.push({ arn: fn.FunctionArn, name: fn.FunctionName, ...(fn.Role ? { role: fn.Role } : {}) });
    }
  }
  return out;
}

/**
 * The resource policy of each function that has one (a function without one answers ResourceNotFoundException).
 * A policy that is not JSON is kept as its text: the audit then reports it unreadable, never as no grant.
 */
async function readFunctionPolicies(
  lambda: LambdaClient,
  functions: readonly LambdaFunction[],
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  const read = async (fn: LambdaFunction) => {
    const { Policy: text } = await lambda.send(new GetPolicyCommand({ FunctionName: fn.arn }), { abortSignal: signal });
    // Text that is not JSON is kept as text: unreadable for every principal (evaluate/resource-policy-grants).
    return text === undefined
      ? undefined
      : { name: `function policy of ${fn.arn}`, resourceArns: [fn.arn, `${fn.arn}:*`], document: policyDocument(text) };
  };
  // A function without a policy answers ResourceNotFoundException, as one deleted since it was listed does.
  return policiesOf(functions, read, new Set(['ResourceNotFoundException']), (fn) => fn.arn, signal);
}

/** Every instance-profile association of the region, every page, except those already disassociated. */
async function readAssociations(ec2: EC2Client, region: string, signal?: AbortSignal): Promise<Association[]> {
  const out: Association[] = [];
  for await (const page of paginateDescribeIamInstanceProfileAssociations(
    { client: ec2, pageSize: 1000 },
    {},
    { abortSignal: signal },
  )) {
    for (const association of page.IamInstanceProfileAssociations ?? []) {
      const arn = association.IamInstanceProfile?.Arn;
      if (!association.InstanceId || !arn || association.State === 'disassociated') continue;
      out.push({
        instanceId: association.InstanceId,
        region,
        instanceProfileArn: arn,
        ...(association.State ? { state: association.State } : {}),
      });
    }
  }
  return out;
}

/** Every project of the region with its service role: the names a page at a time, then 100 names a call. */
async function readProjects(codeBuild: CodeBuildClient, region: string, signal?: AbortSignal): Promise<Project[]> {
  const names: string[] = [];
  for await (const page of paginateListProjects({ client: codeBuild }, {}, { abortSignal: signal })) {
    names.push(...(page.projects ?? []));
  }
  const out: Project[] = [];
  for (let start = 0; start < names.length; start += BATCH_GET_PROJECTS) {
    const batch = names.slice(start, start + BATCH_GET_PROJECTS);
    const answer = await codeBuild.send(new BatchGetProjectsCommand({ names: batch }), { abortSignal: signal });
    // A project deleted between the two calls is not found, and no longer builds.
    for (const project of answer.projects ?? []) {
      if (!project.arn || !project.name) continue;
      out.push({
        arn: project.arn,
        name: project.name,
        region,
        ...(project.serviceRole ? { roleArn: project.serviceRole } : {}),
      });
    }
  }
  return out;
}

/** Every state machine of the region with its role (one DescribeStateMachine each: the list does not give it). */
async function readStateMachines(states: SFNClient, region: string, signal?: AbortSignal): Promise<StateMachine[]> {
  const out: StateMachine[] = [];
  for await (const page of paginateListStateMachines({ client: states }, {}, { abortSignal: signal })) {
    for (const listed of page.stateMachines ?? []) {
      if (!listed.stateMachineArn || !listed.name) continue;
      const described = await states.send(
        new DescribeStateMachineCommand({ stateMachineArn: listed.stateMachineArn }),
        {
          abortSignal: signal,
        },
      );
      out.push({
        arn: listed.stateMachineArn,
        name: listed.name,
        region,
        ...(described.roleArn ? { roleArn: described.roleArn } : {}),
        express: (described.type ?? listed.type) === 'EXPRESS',
      });
    }
  }
  return out;
}

/** Every notebook instance of the region with its role (one DescribeNotebookInstance each: the list does not give it). */
async function readNotebooks(sageMaker: SageMakerClient, region: string, signal?: AbortSignal): Promise<Notebook[]> {
  const out: Notebook[] = [];
  for await (const page of paginateListNotebookInstances({ client: sageMaker }, {}, { abortSignal: signal })) {
    for (const listed of page.NotebookInstances ?? []) {
      if (!listed.NotebookInstanceArn || !listed.NotebookInstanceName) continue;
      const described = await sageMaker.send(
        new DescribeNotebookInstanceCommand({ NotebookInstanceName: listed.NotebookInstanceName }),
        { abortSignal: signal },
      );
      out.push({
        arn: listed.NotebookInstanceArn,
        name: listed.NotebookInstanceName,
        region,
        ...(described.RoleArn ? { roleArn: described.RoleArn } : {}),
      });
    }
  }
  return out;
}

/** Every active job definition revision of the region with the roles its containers run as. */
async function readJobDefinitions(batch: BatchClient, region: string, signal?: AbortSignal): Promise<JobDefinition[]> {
  const out: JobDefinition[] = [];
  for await (const page of paginateDescribeJobDefinitions(
    { client: batch },
    { status: 'ACTIVE' },
    { abortSignal: signal },
  )) {
    for (const definition of page.jobDefinitions ?? []) {
      if (!definition.jobDefinitionArn || !definition.jobDefinitionName) continue;
      const roles = [
        definition.containerProperties?.jobRoleArn,
        ...(definition.nodeProperties?.nodeRangeProperties ?? []).map((range) => range.container?.jobRoleArn),
        ...(definition.ecsProperties?.taskProperties ?? []).map((task) => task.taskRoleArn),
      ].filter((role): role is string => typeof role === 'string' && role.length > 0);
      out.push({
        arn: definition.jobDefinitionArn,
        name: definition.jobDefinitionName,
        region,
        roleArns: [...new Set(roles)].sort(compareText),
      });
    }
  }
  return out;
}

/** Every pipeline of the region with its service role (one GetPipeline each: the list does not give it). */
async function readPipelines(
  codePipeline: CodePipelineClient,
  region: string,
  signal?: AbortSignal,
): Promise<Pipeline[]> {
  const out: Pipeline[] = [];
  for await (const page of paginateListPipelines({ client: codePipeline }, {}, { abortSignal: signal })) {
    for (const listed of page.pipelines ?? []) {
      if (!listed.name) continue;
      const answer = await codePipeline.send(new GetPipelineCommand({ name: listed.name }), { abortSignal: signal });
      const arn = answer.metadata?.pipelineArn;
      if (!arn) throw new Error(`codepipeline:GetPipeline ${listed.name} returned no pipeline ARN`);
      out.push({
        arn,
        name: listed.name,
        region,
        ...(answer.pipeline?.roleArn ? { roleArn: answer.pipeline.roleArn } : {}),
      });
    }
  }
  return out;
}

/** Every Glue job of the region with its role, and whether it pins its script against a run's arguments. */
async function readGlueJobs(
  glue: GlueClient,
  region: string,
  accountId: string,
  signal?: AbortSignal,
): Promise<GlueJob[]> {
  const out: GlueJob[] = [];
  for await (const page of paginateGetJobs({ client: glue }, {}, { abortSignal: signal })) {
    for (const job of page.Jobs ?? []) {
      if (!job.Name) continue;
      out.push({
        arn: `arn:${partitionOfRegion(region)}:glue:${region}:${accountId}:job/${job.Name}`,
        name: job.Name,
        region,
        ...(job.Role ? { role: job.Role } : {}),
        ...(job.NonOverridableArguments?.['--scriptLocation'] !== undefined ? { scriptPinned: true } : {}),
      });
    }
  }
  return out;
}

/** Every stack of the region (DescribeStacks leaves out deleted ones), with its service role. */
async function readStacks(
  cloudFormation: CloudFormationClient,
  region: string,
  signal?: AbortSignal,
): Promise<Stack[]> {
  const out: Stack[] = [];
  for await (const page of paginateDescribeStacks({ client: cloudFormation }, {}, { abortSignal: signal })) {
    for (const stack of page.Stacks ?? []) {
      if (!stack.StackId || !stack.StackName || stack.StackStatus === 'DELETE_COMPLETE') continue;
      out.push({
        arn: stack.StackId,
        name: stack.StackName,
        region,
        ...(stack.RoleARN ? { roleArn: stack.RoleARN } : {}),
      });
    }
  }
  return out;
}

/**
 * The tasks that run now, with the role each runs as. Tasks rather than services: standalone tasks (RunTask)
 * run too, a task's role can be overridden at launch, and exec is enabled per task. The calls are bounded by
 * what runs: one ListClusters page per 100 clusters, one ListTasks page and one DescribeTasks call per 100
 * running tasks, one DescribeTaskDefinition per distinct task definition of a running task (not every revision
 * ever registered, which ListTaskDefinitions would page through).
 */
async function readRunningTasks(ecs: ECSClient, signal?: AbortSignal): Promise<EcsTask[]> {
  const out: EcsTask[] = [];
  const definitionRoles = new Map<string, Promise<string | undefined>>();
  const definitionRole = (arn: string) => {
    let role = definitionRoles.get(arn);
    if (!role) {
      role = ecs
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }), { abortSignal: signal })
        .then((answer) => {
          if (!answer.taskDefinition) throw new Error(`ecs:DescribeTaskDefinition ${arn} returned no task definition`);
          return answer.taskDefinition.taskRoleArn || undefined;
        });
      definitionRoles.set(arn, role);
    }
    return role;
  };
  for await (const clusters of paginateListClusters({ client: ecs, pageSize: 100 }, {}, { abortSignal: signal })) {
    for (const cluster of clusters.clusterArns ?? []) {
      const taskArns: string[] = [];
      for await (const page of paginateListTasks(
        { client: ecs, pageSize: 100 },
        { cluster, desiredStatus: 'RUNNING' },
        { abortSignal: signal },
      )) {
        taskArns.push(...(page.taskArns ?? []));
      }
      for (let start = 0; start < taskArns.length; start += DESCRIBE_TASKS_BATCH) {
        const batch = taskArns.slice(start, start + DESCRIBE_TASKS_BATCH);
        const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal: signal });
        const failures = (answer.failures ?? []).filter((failure) => failure.reason !== 'MISSING');
        if (failures.length > 0) {
          // A task that stopped between the two calls is MISSING and no longer runs; anything else is unknown.
          throw new Error(
            `ecs:DescribeTasks failed for ${failures.map((f) => `${f.arn ?? '?'}: ${f.reason ?? '?'}`).join(', ')}`,
          );
        }
        for (const task of answer.tasks ?? []) {
          if (!task.taskArn || !task.taskDefinitionArn) continue;
          const role = task.overrides?.taskRoleArn || (await definitionRole(task.taskDefinitionArn));
          out.push({
            taskArn: task.taskArn,
            clusterArn: task.clusterArn ?? cluster,
            taskDefinitionArn: task.taskDefinitionArn,
            ...(role ? { taskRoleArn: role } : {}),
            executeCommandEnabled: task.enableExecuteCommand === true,
          });
        }
      }
    }
  }
  return out;
}
