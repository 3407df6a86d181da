// The live compute inventory: every region enabled for the account, every page, read-only; any failed read is
// a reported problem and leaves its list unknown (absent), never empty.
import { auditAccount } from '../../../lib/audit/audit';
import { compileAccount } from '../../../lib/audit/evaluate';
import { loadLiveInput } from '../../../lib/audit/sources/live-input';
import { loadCatalog } from '../../../lib/catalog';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { useAwsMock } from '../../support/aws-mock/harness';
import { credentialsFor, type MockCompute, type MockWorld } from '../../support/aws-mock/model';
import { MANAGEMENT, PROD, PROD_COMPUTE, smallOrganization } from '../../support/aws-mock/worlds';

const aws = useAwsMock();

/**
 * The small organization with three more functions in eu-west-1, so pages of one make several pages; `policies`
 * gives functions, by name, their resource policy, and `more` replaces other lists of the production account.
 */
function world(policies: Readonly<Record<string, unknown>> = {}, more: Partial<MockCompute> = {}): MockWorld {
  const base = smallOrganization();
  return {
    ...base,
    accounts: base.accounts.map((account) =>
      account.id === PROD
        ? {
            ...account,
            compute: {
              ...PROD_COMPUTE,
              functions: [
                ...(PROD_COMPUTE.functions ?? []),
                ...['a', 'b', 'c'].map((name) => ({
                  name: `extra-${name}`,
                  region: 'eu-west-1',
                  role: `arn:aws:iam::${PROD}:role/app-1`,
                })),
              ].map((fn) => (fn.name in policies ? { ...fn, policy: policies[fn.name] } : fn)),
              ...more,
            },
          }
        : account,
    ),
  };
}

/** Problems besides the SCP chain a member account may not read (the management account audit reads that). */
const inventoryProblems = (account: AccountSnapshot) =>
  account.problems.filter((problem) => !problem.where.startsWith('organizations:'));

const role = (name: string) => `arn:aws:iam::${PROD}:role/${name}`;

async function readProd(options: Parameters<typeof aws.serve>[0] = {}, policies: Parameters<typeof world>[0] = {}) {
  const endpoints = await aws.serve({ computePageSize: 1, ...options }, world(policies));
  const { accounts } = await loadLiveInput({ endpoints, credentials: credentialsFor(PROD), maxAttempts: 2 });
  return accounts[0];
}

describe('live compute inventory', () => {
  it('reads functions, instance profiles and running tasks in every enabled region, every page', async () => {
    const account = await readProd();
    expect(AccountSnapshot.parse(account)).toEqual(account);
    const inventory = account.inventory!;
    expect(inventory.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(inventory.lambdaFunctions!.map((fn) => [fn.name, fn.role])).toEqual([
      ['extra-a', role('app-1')],
      ['extra-b', role('app-1')],
      ['extra-c', role('app-1')],
      ['orders', role('app-0')],
    ]);
    expect(inventory.instanceProfileAssociations).toEqual([
      {
        instanceId: 'i-0prod0000000001',
        region: 'us-east-1',
        instanceProfileArn: `arn:aws:iam::${PROD}:instance-profile/app-1-profile`,
        state: 'associated',
      },
    ]);
    // The override wins over the task definition's role; exec is per task.
    expect(
      inventory.ecsTasks!.map((t) => [t.taskArn.split('/').pop(), t.taskRoleArn, t.executeCommandEnabled]),
    ).toEqual([
      ['task0001', role('app-0'), true],
      ['task0002', role('ci/deployer'), false],
    ]);
    expect(inventoryProblems(account)).toEqual([]);
    // Pages of one: four functions in eu-west-1 take four ListFunctions calls there, one in us-east-1.
    const listFunctions = aws.mock.calls.filter((c) => c.operation === 'ListFunctions');
    expect(listFunctions.filter((c) => c.region === 'eu-west-1')).toHaveLength(4);
    expect(listFunctions.filter((c) => c.region === 'us-east-1')).toHaveLength(1);
    // One task definition shared by both tasks is described once.
    expect(aws.mock.calls.filter((c) => c.operation === 'DescribeTaskDefinition')).toHaveLength(1);
    // Every build project with its service role; every Glue job with its role as Glue gives it (a name here).
    expect(inventory.codeBuildProjects!.map((p) => [p.name, p.roleArn])).toEqual([
      ['build-a', role('ci/deployer')],
      ['build-b', role('app-0')],
      ['build-c', undefined],
    ]);
    expect(inventory.glueJobs).toEqual([
      { arn: `arn:aws:glue:us-east-1:${PROD}:job/etl`, name: 'etl', region: 'us-east-1', role: 'app-1' },
    ]);
    // Each state machine with its role and type, each pipeline with its service role (one describe call each).
    expect(inventory.stateMachines!.map((m) => [m.name, m.roleArn, m.express])).toEqual([
      ['orders-flow', role('app-0'), false],
      ['quick', role('app-1'), true],
    ]);
    expect(inventory.codePipelines).toEqual([
      {
        arn: `arn:aws:codepipeline:us-east-1:${PROD}:release`,
        name: 'release',
        region: 'us-east-1',
        roleArn: role('ci/deployer'),
      },
    ]);
    // Each notebook instance with its role; each active job definition with the roles its containers run as.
    expect(inventory.notebookInstances).toEqual([
      {
        arn: `arn:aws:sagemaker:eu-west-1:${PROD}:notebook-instance/research`,
        name: 'research',
        region: 'eu-west-1',
        roleArn: role('app-1'),
      },
    ]);
    expect(inventory.jobDefinitions!.map((d) => [d.name, d.roleArns])).toEqual([
      ['mpi', [role('app-0'), role('app-1')]],
      ['nightly', [role('app-0')]],
    ]);
    // Three projects in eu-west-1, pages of one: three ListProjects calls, then one BatchGetProjects for all.
    const projectCalls = aws.mock.calls.filter((c) => c.service === 'codebuild' && c.region === 'eu-west-1');
    expect(projectCalls.map((c) => c.operation)).toEqual([
      'ListProjects',
      'ListProjects',
      'ListProjects',
      'BatchGetProjects',
    ]);
    // Every stack of every region with its service role, if it has one.
    expect(inventory.cloudFormationStacks!.map((s) => [s.name, s.region, s.roleArn])).toEqual([
      ['payments', 'eu-west-1', role('ci/deployer')],
      ['search', 'us-east-1', role('app-1')],
      ['web', 'us-east-1', undefined],
    ]);
  });

  it('reads every page of stacks and leaves out a stack already deleted', async () => {
    const stacks = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, region: 'us-east-1', role: role('app-0') }));
    const endpoints = await aws.serve(
      {},
      world(
        {},
        { stacks: [...stacks, { name: 'gone', region: 'us-east-1', role: role('app-1'), status: 'DELETE_COMPLETE' }] },
      ),
    );
    const { accounts } = await loadLiveInput({ endpoints, credentials: credentialsFor(PROD), maxAttempts: 2 });
    expect(accounts[0].inventory!.cloudFormationStacks!.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Two stacks a page (the mock's page size): three pages in us-east-1.
    const calls = aws.mock.calls.filter((c) => c.operation === 'DescribeStacks' && c.region === 'us-east-1');
    expect(calls).toHaveLength(3);
  });

  it('reads each member through the audit role when auditing the organization', async () => {
    const endpoints = await aws.serve({}, world());
    const { accounts } = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    const prod = accounts.find((a) => a.accountId === PROD)!;
    expect(prod.inventory?.lambdaFunctions).toHaveLength(4);
    const memberCalls = aws.mock.calls.filter((c) => c.service === 'lambda' && c.callerAccountId === PROD);
    expect(memberCalls.length).toBeGreaterThan(0);
    expect(memberCalls.every((c) => c.callerKind === 'assumed-role')).toBe(true);
  });

  it.each([
    [
      'access denied',
      { kind: 'access-denied' as const, service: 'lambda' as const, region: 'us-east-1' },
      'lambdaFunctions',
      { where: `lambda:ListFunctions (${PROD}, us-east-1)`, message: /^AccessDeniedException: .*Lambda functions/ },
    ],
    [
      'throttling that outlasts the retries',
      { kind: 'throttle' as const, service: 'ecs' as const, operation: 'ListTasks' },
      'ecsTasks',
      {
        where: expect.stringMatching(
          new RegExp(`^ecs:ListClusters/ListTasks/DescribeTasks/DescribeTaskDefinition \\(${PROD}, `),
        ),
        message: /^ThrottlingException: .*ecs:ExecuteCommand hops stay unresolved/,
      },
    ],
    [
      'a region that answers as not enabled',
      {
        kind: 'region-disabled' as const,
        service: 'ec2' as const,
        region: 'eu-west-1',
        operation: 'DescribeIamInstanceProfileAssociations',
      },
      'instanceProfileAssociations',
      {
        where: `ec2:DescribeIamInstanceProfileAssociations (${PROD}, eu-west-1)`,
        message: /^AuthFailure: .*ssm:SendCommand/,
      },
    ],
    [
      'states:DescribeStateMachine denied',
      { kind: 'access-denied' as const, service: 'states' as const, operation: 'DescribeStateMachine' },
      'stateMachines',
      {
        where: `states:ListStateMachines/DescribeStateMachine (${PROD}, eu-west-1)`,
        message: /^AccessDeniedException: .*states:UpdateStateMachine/,
      },
    ],
    [
      'codepipeline:ListPipelines denied',
      { kind: 'access-denied' as const, service: 'codepipeline' as const, region: 'us-east-1' },
      'codePipelines',
      {
        where: `codepipeline:ListPipelines/GetPipeline (${PROD}, us-east-1)`,
        message: /^AccessDeniedException: .*codepipeline:UpdatePipeline/,
      },
    ],
    [
      'sagemaker:DescribeNotebookInstance denied',
      { kind: 'access-denied' as const, service: 'sagemaker' as const, operation: 'DescribeNotebookInstance' },
      'notebookInstances',
      {
        where: `sagemaker:ListNotebookInstances/DescribeNotebookInstance (${PROD}, eu-west-1)`,
        message: /^AccessDeniedException: .*CreatePresignedNotebookInstanceUrl/,
      },
    ],
    [
      'batch:DescribeJobDefinitions throttled past the retries',
      { kind: 'throttle' as const, service: 'batch' as const, region: 'us-east-1' },
      'jobDefinitions',
      {
        where: `batch:DescribeJobDefinitions (${PROD}, us-east-1)`,
        message: /^TooManyRequestsException: .*batch:SubmitJob/,
      },
    ],
    [
      'glue:GetJobs denied',
      { kind: 'access-denied' as const, service: 'glue' as const, region: 'us-east-1' },
      'glueJobs',
      { where: `glue:GetJobs (${PROD}, us-east-1)`, message: /^AccessDeniedException: .*glue:StartJobRun/ },
    ],
    [
      'codebuild:BatchGetProjects denied',
      { kind: 'access-denied' as const, service: 'codebuild' as const, operation: 'BatchGetProjects' },
      'codeBuildProjects',
      {
        where: `codebuild:ListProjects/BatchGetProjects (${PROD}, eu-west-1)`,
        message: /^AccessDeniedException: .*codebuild:StartBuild/,
      },
    ],
    [
      'cloudformation:DescribeStacks denied',
      { kind: 'access-denied' as const, service: 'cloudformation' as const, region: 'eu-west-1' },
      'cloudFormationStacks',
      {
        where: `cloudformation:DescribeStacks (${PROD}, eu-west-1)`,
        message: /^AccessDenied: .*cloudformation:UpdateStack/,
      },
    ],
  ])('reports %s and leaves only that list unknown', async (_name, fault, unknown, problem) => {
    const account = await readProd({ faults: [fault] });
    const inventory = account.inventory!;
    expect(inventory[unknown as keyof typeof inventory]).toBeUndefined();
    const known = [
      'lambdaFunctions',
      'instanceProfileAssociations',
      'ecsTasks',
      'cloudFormationStacks',
      'codeBuildProjects',
      'glueJobs',
      'stateMachines',
      'codePipelines',
      'notebookInstances',
      'jobDefinitions',
    ].filter((key) => key !== unknown);
    for (const key of known) expect(inventory[key as keyof typeof inventory]).toBeDefined();
    expect(inventoryProblems(account)).toEqual([
      {
        where: problem.where,
        message: expect.stringMatching(problem.message),
      },
    ]);
  });

  it('reads no list, and says so, when the enabled regions cannot be listed', async () => {
    const account = await readProd({ faults: [{ kind: 'access-denied', operation: 'DescribeRegions' }] });
    expect(account.inventory).toEqual({ regions: [], readAt: expect.any(String) });
    expect(inventoryProblems(account)).toEqual([
      {
        where: `ec2:DescribeRegions (${PROD}, us-east-1)`,
        message: expect.stringMatching(/^UnauthorizedOperation: .*no compute inventory was read/),
      },
    ]);
    expect(aws.mock.calls.some((c) => c.service === 'lambda' || c.service === 'ecs')).toBe(false);
  });

  it('keeps a snapshot file without inventory valid (inventory unknown)', () => {
    const parsed = AccountSnapshot.parse({
      schemaVersion: 1,
      accountId: PROD,
      source: { kind: 'live', location: 'old file' },
      principals: [],
      managedPolicies: [],
    });
    expect(parsed.inventory).toBeUndefined();
  });
});

const ALL_KINDS = [
  'Lambda function policies',
  'KMS key policies',
  'SQS queue policies',
  'SNS topic policies',
  'Secrets Manager secret policies',
  'S3 bucket policies',
];

describe('live Lambda function policies', () => {
  const orders = `arn:aws:lambda:eu-west-1:${PROD}:function:orders`;
  const grant = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:sts::${PROD}:assumed-role/app-1/worker` },
        Action: 'lambda:UpdateFunctionCode',
        Resource: orders,
      },
    ],
  };
  /** A policy on `orders`, and a policy that is not JSON on extra-a. */
  const read = (options: Parameters<typeof aws.serve>[0] = {}) =>
    readProd(options, { orders: grant, 'extra-a': '{"Statement": [' });

  it('reads the policy of every function that has one, and says which kinds of resource policy it read', async () => {
    const account = await read();
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS);
    expect(account.resourcePolicies?.filter((p) => p.name.startsWith('function policy'))).toEqual([
      {
        name: `function policy of arn:aws:lambda:eu-west-1:${PROD}:function:extra-a`,
        resourceArns: [
          `arn:aws:lambda:eu-west-1:${PROD}:function:extra-a`,
          `arn:aws:lambda:eu-west-1:${PROD}:function:extra-a:*`,
        ],
        // Not JSON: kept as text, for the audit to report unreadable rather than as no grant.
        document: '{"Statement": [',
      },
      { name: `function policy of ${orders}`, resourceArns: [orders, `${orders}:*`], document: grant },
    ]);
    expect(aws.mock.calls.filter((c) => c.operation === 'GetPolicy')).toHaveLength(4);
    const audit = auditAccount(account, { catalog: loadCatalog() });
    expect(audit.caveats).toContainEqual(
      expect.stringMatching(
        /^Of the resource-based policies only Lambda function policies, .*, S3 bucket policies were read; other resource policies \(ECR/,
      ),
    );
    // What a function policy grants a session of app-1 is app-1's own: it may change the code orders runs.
    const app1 = compileAccount(account, loadCatalog()).principal(role('app-1'))!;
    const update = app1.decide('lambda:UpdateFunctionCode', { resourceArn: orders });
    expect(update.decision).toBe('allowed');
    expect(update.allowedBy).toContainEqual(
      expect.objectContaining({ policy: `resource:function policy of ${orders}` }),
    );
    // The policy that is not JSON is unreadable for every principal of the account, never no grant.
    expect(audit.findings.filter((f) => f.ruleId === 'unreadable-policy').length).toBe(
      account.principals.filter((p) => p.kind !== 'group').length,
    );
  });

  it('names each function whose policy lambda:GetPolicy is denied on, and keeps the others', async () => {
    const account = await read({
      faults: [{ kind: 'access-denied', operation: 'GetPolicy', when: (r) => r.params.FunctionName === orders }],
    });
    // The policy of extra-a is read; the one of orders is not, and the kind stays with the function named.
    expect(account.resourcePolicies?.filter((p) => p.name.startsWith('function policy')).map((p) => p.name)).toEqual([
      `function policy of arn:aws:lambda:eu-west-1:${PROD}:function:extra-a`,
    ]);
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS);
    expect(account.unreadResourcePolicies).toEqual([
      { kind: 'Lambda function policies', resource: orders, reason: expect.stringMatching(/^AccessDeniedException/) },
    ]);
    expect(inventoryProblems(account)).toEqual([
      {
        where: `lambda:GetPolicy (${PROD}, eu-west-1)`,
        message: expect.stringMatching(
          new RegExp(`^1 of the Lambda function policies could not be read: ${orders} \\(AccessDeniedException`),
        ),
      },
    ]);
    const audit = auditAccount(account, { catalog: loadCatalog() });
    expect(audit.caveats).toContainEqual(
      expect.stringMatching(new RegExp(`^1 resource policy of the kinds read could not be read: ${orders} \\(`)),
    );
    // What the unread policy grants is not shown: app-1's session gets nothing on orders from it.
    const app1 = compileAccount(account, loadCatalog()).principal(role('app-1'))!;
    expect(app1.decide('lambda:UpdateFunctionCode', { resourceArn: orders }).decision).not.toBe('allowed');
  });

  it('leaves the function policies unknown, and says so, when lambda:ListFunctions fails', async () => {
    const account = await read({
      faults: [{ kind: 'access-denied', operation: 'ListFunctions', region: 'eu-west-1' }],
    });
    expect(account.resourcePolicies?.filter((p) => p.name.startsWith('function policy'))).toEqual([]);
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS.slice(1));
    expect(account.inventory?.lambdaFunctions).toBeUndefined();
    expect(inventoryProblems(account)).toEqual([
      {
        where: `lambda:ListFunctions (${PROD}, eu-west-1)`,
        message: expect.stringMatching(/^AccessDeniedException: .*Lambda function policies are unknown/),
      },
    ]);
  });
});

describe('live KMS key, SQS queue, SNS topic, secret and S3 bucket policies', () => {
  const key = (id: string, region: string) => `arn:aws:kms:${region}:${PROD}:key/${id}`;
  const agentSession = `arn:aws:sts::${PROD}:assumed-role/deployer/agent-run`;
  const grant = (action: string, resource: string) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: agentSession }, Action: action, Resource: resource }],
  });
  /**
   * Keys in both regions, a queue, a topic, two secrets (one scheduled for deletion) and three buckets; most
   * grant the agent's session a destructive write.
   */
  function policyWorld(): MockWorld {
    return world(
      {},
      {
        keys: [
          { id: 'k-eu', region: 'eu-west-1' },
          { id: 'k-us', region: 'us-east-1', policy: grant('kms:ScheduleKeyDeletion', '*') },
        ],
        queues: [{ name: 'orders', region: 'eu-west-1', policy: grant('sqs:PurgeQueue', '*') }],
        topics: [{ name: 'alerts', region: 'us-east-1', policy: grant('sns:DeleteTopic', '*') }],
        secrets: [
          { name: 'db', region: 'eu-west-1', policy: grant('secretsmanager:DeleteSecret', '*') },
          {
            name: 'old-db',
            region: 'eu-west-1',
            policy: grant('secretsmanager:DeleteSecret', '*'),
            scheduledForDeletion: true,
          },
        ],
        buckets: [
          {
            name: 'prod-orders',
            region: 'us-east-1',
            policy: grant('s3:DeleteBucket', 'arn:aws:s3:::prod-orders'),
          },
          { name: 'prod-broken', region: 'eu-west-1', policy: '{"Statement": [' },
          { name: 'prod-logs', region: 'eu-west-1' },
        ],
      },
    );
  }
  async function readPolicies(options: Parameters<typeof aws.serve>[0] = {}) {
    const endpoints = await aws.serve({ computePageSize: 1, ...options }, policyWorld());
    const { accounts } = await loadLiveInput({ endpoints, credentials: credentialsFor(PROD), maxAttempts: 2 });
    return accounts[0];
  }
  const named = (account: AccountSnapshot, prefix: string) =>
    (account.resourcePolicies ?? []).filter((p) => p.name.startsWith(prefix));

  it('reads every key policy of every region and every bucket policy, each in its bucket’s region', async () => {
    const account = await readPolicies();
    expect(AccountSnapshot.parse(account)).toEqual(account);
    expect(named(account, 'key policy').map((p) => p.resourceArns)).toEqual([
      [key('k-eu', 'eu-west-1')],
      [key('k-us', 'us-east-1')],
    ]);
    expect(named(account, 'bucket policy').map((p) => p.resourceArns)).toEqual([
      ['arn:aws:s3:::prod-broken', 'arn:aws:s3:::prod-broken/*'],
      ['arn:aws:s3:::prod-orders', 'arn:aws:s3:::prod-orders/*'],
    ]);
    // Each bucket's policy was asked in the region ListBuckets gave it (S3 would redirect otherwise).
    const asked = aws.mock.calls.filter((c) => c.operation === 'GetBucketPolicy');
    expect(asked.map((c) => [c.params.Bucket, c.region, c.error]).sort()).toEqual([
      ['prod-broken', 'eu-west-1', undefined],
      ['prod-logs', 'eu-west-1', 'NoSuchBucketPolicy'],
      ['prod-orders', 'us-east-1', undefined],
    ]);
    // ListKeys and ListBuckets were paged (one item per page).
    expect(aws.mock.calls.filter((c) => c.operation === 'ListBuckets').length).toBe(3);
  });

  it("makes what they grant the agent's session its own, past its boundary: deleting the bucket and the key", async () => {
    const account = await readPolicies();
    const agent = compileAccount(account, loadCatalog()).principal(role('ci/deployer'))!;
    const deleteBucket = agent.decide('s3:DeleteBucket', { resourceArn: 'arn:aws:s3:::prod-orders' });
    expect(deleteBucket.decision).toBe('allowed');
    expect(deleteBucket.allowedBy).toContainEqual(
      expect.objectContaining({ policy: 'resource:bucket policy of arn:aws:s3:::prod-orders' }),
    );
    const scheduleDeletion = agent.decide('kms:ScheduleKeyDeletion', { resourceArn: key('k-us', 'us-east-1') });
    expect(scheduleDeletion.decision).toBe('allowed');
    // Purging the queue, deleting the topic and the secret, each granted by its own policy on that resource only.
    for (const [action, arn] of [
      ['sqs:PurgeQueue', `arn:aws:sqs:eu-west-1:${PROD}:orders`],
      ['sns:DeleteTopic', `arn:aws:sns:us-east-1:${PROD}:alerts`],
      ['secretsmanager:DeleteSecret', `arn:aws:secretsmanager:eu-west-1:${PROD}:secret:db-AbCdEf`],
    ]) {
      expect({ action, decision: agent.decide(action, { resourceArn: arn }).decision }).toEqual({
        action,
        decision: 'allowed',
      });
      const elsewhere = arn.replace(/orders|alerts|db-AbCdEf/, 'other');
      expect({ action, decision: agent.decide(action, { resourceArn: elsewhere }).decision }).toEqual({
        action,
        decision: 'denied',
      });
    }
    // A secret scheduled for deletion is read too: a DeleteSecret without a recovery window ends it at once.
    const oldDb = `arn:aws:secretsmanager:eu-west-1:${PROD}:secret:old-db-AbCdEf`;
    expect(agent.decide('secretsmanager:DeleteSecret', { resourceArn: oldDb }).decision).toBe('allowed');
    // Not on the key whose policy leaves the decision to IAM.
    expect(agent.decide('kms:ScheduleKeyDeletion', { resourceArn: key('k-eu', 'eu-west-1') }).decision).toBe('denied');
    // The bucket policy that is not JSON is unreadable for every principal, never no grant.
    const audit = auditAccount(account, { catalog: loadCatalog() });
    expect(audit.findings.filter((f) => f.ruleId === 'unreadable-policy').length).toBe(
      account.principals.filter((p) => p.kind !== 'group').length,
    );
  });

  it('skips a resource deleted between the list and the read, and keeps its kind', async () => {
    const account = await readPolicies({
      faults: ['GetBucketPolicy', 'GetKeyPolicy', 'GetQueueAttributes', 'GetTopicAttributes', 'GetResourcePolicy'].map(
        (operation) => ({ kind: 'gone' as const, operation, times: 1 }),
      ),
    });
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS);
    expect(inventoryProblems(account)).toEqual([]);
    // One of each kind was gone when asked: the bucket policies read are one fewer than the buckets with one.
    expect(named(account, 'bucket policy')).toHaveLength(1);
    expect(named(account, 'key policy')).toHaveLength(1);
    expect(aws.mock.calls.filter((c) => c.error === 'NoSuchBucket')).toHaveLength(1);
  });

  it('names a policy it is denied, keeps the rest of its kind, and leaves a kind whose list fails unknown', async () => {
    const account = await readPolicies({
      faults: [
        { kind: 'access-denied', operation: 'GetBucketPolicy', when: (r) => r.params.Bucket === 'prod-orders' },
        { kind: 'access-denied', operation: 'ListKeys', region: 'us-east-1' },
      ],
    });
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS.filter((kind) => !/^KMS/.test(kind)));
    // The other bucket policy is still read; the one that could not be is named, with why.
    expect(named(account, 'bucket policy').map((p) => p.name)).toEqual(['bucket policy of arn:aws:s3:::prod-broken']);
    expect(account.unreadResourcePolicies).toEqual([
      {
        kind: 'S3 bucket policies',
        resource: 'arn:aws:s3:::prod-orders',
        reason: expect.stringMatching(/^AccessDenied/),
      },
    ]);
    expect(named(account, 'key policy')).toEqual([]);
    expect(inventoryProblems(account)).toEqual([
      {
        where: `kms:ListKeys/GetKeyPolicy (${PROD}, us-east-1)`,
        message: expect.stringMatching(/^AccessDeniedException: .*KMS key policies are unknown/),
      },
      {
        where: expect.stringMatching(new RegExp(`^s3:ListBuckets/GetBucketPolicy \\(${PROD}, `)),
        message: expect.stringMatching(
          /^1 of the S3 bucket policies could not be read: arn:aws:s3:::prod-orders \(AccessDenied.*the others were read\)$/,
        ),
      },
    ]);
    const audit = auditAccount(account, { catalog: loadCatalog() });
    expect(audit.caveats).toContainEqual(
      expect.stringMatching(
        /Secrets Manager secret policies, S3 bucket policies were read; KMS key policies and other/,
      ),
    );
    expect(audit.caveats).toContainEqual(
      expect.stringMatching(/^1 resource policy of the kinds read could not be read: arn:aws:s3:::prod-orders \(/),
    );
  });

  it('keeps every other key policy when one key policy shuts the auditor out', async () => {
    const account = await readPolicies({
      faults: [{ kind: 'access-denied', operation: 'GetKeyPolicy', when: (r) => r.params.KeyId === 'k-us' }],
    });
    expect(account.resourcePolicyKinds).toEqual(ALL_KINDS);
    expect(named(account, 'key policy').map((p) => p.resourceArns)).toEqual([[key('k-eu', 'eu-west-1')]]);
    expect(account.unreadResourcePolicies?.map((u) => u.resource)).toEqual([key('k-us', 'us-east-1')]);
  });
});
