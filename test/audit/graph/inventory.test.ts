// Run-code hops against the live compute inventory: with the list a hop needs, an edge goes only to roles some
// function, instance or exec-enabled task runs as (and is then certain); an inventory that shows none means no
// edge and no finding; without the list (a file, a failed read) the hop stays `info`, naming what it needs.
import * as canDeleteProduction from '../../../lib/audit/rules/can-delete-production';
import type { Finding } from '../../../lib/audit/rules/types';
import { auditAccount } from '../../../lib/audit/audit';
import { compileAccount } from '../../../lib/audit/evaluate';
import { buildAccessGraph } from '../../../lib/audit/graph';
import { AccountSnapshot, type ComputeInventory } from '../../../lib/audit/sources/snapshot';
import { LeashConfig } from '../../../lib/config/schema';
import {
  about,
  ACCOUNT,
  allow,
  catalog,
  doc,
  roleArn,
  serviceTrust,
  snapshot,
  type AccountSpec,
} from '../rules/helpers';

const FUNCTION = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
const TASK = (id: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/${id}`;

/** `dev` may run code on existing compute; behind each service, one role that can delete databases. */
const ACCOUNT_SPEC: AccountSpec = {
  principals: [
    {
      name: 'dev',
      kind: 'user',
      policies: [
        doc(allow(['lambda:UpdateFunctionCode', 'ssm:SendCommand', 'ecs:ExecuteCommand', 'ecs:DescribeTasks'])),
      ],
    },
    { name: 'fn-deleter', trust: serviceTrust('lambda.amazonaws.com'), policies: [doc(allow('rds:DeleteDBInstance'))] },
    { name: 'ec2-deleter', trust: serviceTrust('ec2.amazonaws.com'), policies: [doc(allow('rds:DeleteDBInstance'))] },
    {
      name: 'task-deleter',
      trust: serviceTrust('ecs-tasks.amazonaws.com'),
      policies: [doc(allow('rds:DeleteDBInstance'))],
    },
  ],
};

function accountWith(inventory: ComputeInventory | undefined, instanceProfiles?: string[]): AccountSnapshot {
  const base = snapshot(ACCOUNT_SPEC);
  return AccountSnapshot.parse({
    ...base,
    principals: base.principals.map((p) =>
      p.name === 'ec2-deleter' && instanceProfiles ? { ...p, instanceProfiles } : p,
    ),
    ...(inventory ? { inventory } : {}),
  });
}

function findingsFor(account: AccountSnapshot): Finding[] {
  const result = auditAccount(account, { catalog, rules: [canDeleteProduction], config: LeashConfig.parse({}) });
  return about(result.findings, 'dev');
}

type Hop = { to: string; needs?: string; runsOn?: string[]; pathId?: string };
const hopsOf = (finding: Finding) => (finding.details?.path as { hops: Hop[] }).hops;

const EVERYTHING_RUNS: ComputeInventory = {
  regions: ['eu-west-1', 'us-east-1'],
  lambdaFunctions: [{ arn: FUNCTION('orders'), name: 'orders', role: roleArn('fn-deleter') }],
  instanceProfileAssociations: [
    {
      instanceId: 'i-0abc',
      region: 'us-east-1',
      instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/db-admin`,
      state: 'associated',
    },
  ],
  ecsTasks: [
    {
      taskArn: TASK('t1'),
      clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:3`,
      taskRoleArn: roleArn('task-deleter'),
      executeCommandEnabled: true,
    },
  ],
};

const NOTHING_RUNS: ComputeInventory = {
  regions: ['eu-west-1', 'us-east-1'],
  lambdaFunctions: [],
  instanceProfileAssociations: [],
  ecsTasks: [],
};

describe('run-code hops resolved by the live compute inventory', () => {
  it('without an inventory (a saved file): info, naming the compute the hop needs', () => {
    const [finding] = findingsFor(accountWith(undefined, ['db-admin']));
    expect(finding.severity).toBe('info');
    expect(finding.message).toMatch(/It needs what the snapshot cannot show: .*(Lambda function|EC2 instance|task)/);
    expect(hopsOf(finding)[0].needs).toBeDefined();
  });

  it('with compute running as the role: a certain hop that names the compute, at the rule’s full severity', () => {
    const [finding] = findingsFor(accountWith(EVERYTHING_RUNS, ['db-admin']));
    expect(finding.severity).toBe('critical');
    const [hop] = hopsOf(finding);
    expect(hop.needs).toBeUndefined();
    expect([
      [roleArn('fn-deleter'), [FUNCTION('orders')]],
      [roleArn('ec2-deleter'), ['us-east-1/i-0abc']],
      [roleArn('task-deleter'), [TASK('t1')]],
    ]).toContainEqual([hop.to, hop.runsOn]);
  });

  it.each([
    ['a Lambda function', 'lambdaFunctions', roleArn('fn-deleter'), FUNCTION('orders')],
    ['an instance with the role’s profile', 'instanceProfileAssociations', roleArn('ec2-deleter'), 'us-east-1/i-0abc'],
    ['an exec-enabled task', 'ecsTasks', roleArn('task-deleter'), TASK('t1')],
  ] as const)('reaches the role through %s alone when only that compute runs', (_name, list, role, compute) => {
    const inventory = { ...NOTHING_RUNS, [list]: EVERYTHING_RUNS[list] };
    const [finding] = findingsFor(accountWith(inventory, ['db-admin']));
    expect(finding.severity).toBe('critical');
    expect(hopsOf(finding)).toEqual([expect.objectContaining({ to: role, runsOn: [compute] })]);
  });

  it('draws no edge and reports nothing when the inventory shows no compute running as any of the roles', () => {
    expect(findingsFor(accountWith(NOTHING_RUNS, ['db-admin']))).toEqual([]);
  });

  it('ignores running tasks without exec and functions running as other roles', () => {
    const inventory: ComputeInventory = {
      ...NOTHING_RUNS,
      lambdaFunctions: [{ arn: FUNCTION('other'), name: 'other', role: roleArn('somebody-else') }],
      ecsTasks: [{ ...EVERYTHING_RUNS.ecsTasks![0], executeCommandEnabled: false }],
    };
    expect(findingsFor(accountWith(inventory, ['db-admin']))).toEqual([]);
  });

  it('keeps a hop unresolved (info) when its list is unknown, even if the other lists show nothing', () => {
    // The Lambda list failed to read: absent. Instances and tasks were read and none run.
    const { lambdaFunctions: _unknown, ...rest } = NOTHING_RUNS;
    const [finding] = findingsFor(accountWith(rest, ['db-admin']));
    expect(finding.severity).toBe('info');
    expect(hopsOf(finding)).toEqual([
      expect.objectContaining({ to: roleArn('fn-deleter'), needs: 'a Lambda function that runs as the role' }),
    ]);
  });

  it('keeps an instance hop unresolved when the role’s instance profiles are unknown (input without them)', () => {
    const [finding] = findingsFor(accountWith(NOTHING_RUNS, undefined));
    expect(finding.severity).toBe('info');
    expect(hopsOf(finding)[0]).toMatchObject({ to: roleArn('ec2-deleter'), needs: expect.stringContaining('EC2') });
  });
});

describe('CloudFormation updates resolved by the stacks of the live inventory', () => {
  const STACK = (name: string) => `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/${name}/0000`;
  const NOW = new Date('2026-12-01T00:00:00Z');
  /** `dev` may update stacks; behind CloudFormation, two roles. */
  const spec: AccountSpec = {
    principals: [
      { name: 'dev', kind: 'user', policies: [doc(allow(['cloudformation:UpdateStack']))] },
      ...['stack-role', 'idle-role'].map((name) => ({
        name,
        trust: serviceTrust('cloudformation.amazonaws.com'),
        policies: [doc(allow('rds:DeleteDBInstance'))],
      })),
    ],
  };
  /** dev's edges to the roles, with the snapshot's inventory holding these stacks (undefined: not read). */
  function edgesWith(stacks: ComputeInventory['cloudFormationStacks']) {
    const account = AccountSnapshot.parse({
      ...snapshot(spec),
      inventory: { regions: ['eu-west-1'], ...(stacks ? { cloudFormationStacks: stacks } : {}) },
    });
    const graph = buildAccessGraph([{ snapshot: account, account: compileAccount(account, catalog, undefined, NOW) }], {
      catalog,
      now: NOW,
    });
    return graph
      .edgesFrom(`arn:aws:iam::${ACCOUNT}:user/dev`)
      .filter((e) => e.pathId === 'cloudformation-update-stack')
      .map((e) => ({ to: e.to, decision: e.decision, needs: e.needs, runsOn: e.runsOn }));
  }

  it('reaches only the service role of a stack that exists, for certain, naming the stack', () => {
    expect(
      edgesWith([
        { arn: STACK('payments'), name: 'payments', region: 'eu-west-1', roleArn: roleArn('stack-role') },
        { arn: STACK('web'), name: 'web', region: 'eu-west-1' },
      ]),
    ).toEqual([{ to: roleArn('stack-role'), decision: 'allowed', needs: undefined, runsOn: [STACK('payments')] }]);
  });

  it('reaches no role when no stack holds one, and each role as needing a stack while the stacks are unknown', () => {
    expect(edgesWith([{ arn: STACK('web'), name: 'web', region: 'eu-west-1' }])).toEqual([]);
    expect(edgesWith(undefined).map((e) => [e.to, e.needs])).toEqual(
      expect.arrayContaining([
        [roleArn('idle-role'), 'a stack whose service role is the role'],
        [roleArn('stack-role'), 'a stack whose service role is the role'],
      ]),
    );
    expect(edgesWith(undefined)).toHaveLength(2);
  });
});

describe('builds and Glue job runs resolved by the projects and jobs of the live inventory', () => {
  const NOW = new Date('2026-12-01T00:00:00Z');
  const PROJECT = (name: string) => `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/${name}`;
  const JOB = (name: string) => `arn:aws:glue:eu-west-1:${ACCOUNT}:job/${name}`;
  /** `dev` may start builds and job runs; behind each service, a role with a project or job and one without. */
  const spec: AccountSpec = {
    principals: [
      {
        name: 'dev',
        kind: 'user',
        policies: [
          doc(
            allow([
              'codebuild:StartBuild',
              'glue:StartJobRun',
              'states:UpdateStateMachine',
              'states:StartExecution',
              'states:StartSyncExecution',
              'codepipeline:UpdatePipeline',
              'codepipeline:StartPipelineExecution',
              'sagemaker:CreatePresignedNotebookInstanceUrl',
              'batch:SubmitJob',
              's3:PutObject',
              'codecommit:GitPush',
            ]),
          ),
        ],
      },
      ...[
        ['build-role', 'codebuild.amazonaws.com'],
        ['idle-build-role', 'codebuild.amazonaws.com'],
        ['job-role', 'glue.amazonaws.com'],
        ['pinned-job-role', 'glue.amazonaws.com'],
        ['flow-role', 'states.amazonaws.com'],
        ['express-role', 'states.amazonaws.com'],
        ['pipeline-role', 'codepipeline.amazonaws.com'],
        ['idle-pipeline-role', 'codepipeline.amazonaws.com'],
        ['notebook-role', 'sagemaker.amazonaws.com'],
        ['idle-notebook-role', 'sagemaker.amazonaws.com'],
        ['batch-role', 'ecs-tasks.amazonaws.com'],
        ['idle-task-role', 'ecs-tasks.amazonaws.com'],
        ['stack-role', 'cloudformation.amazonaws.com'],
        ['idle-stack-role', 'cloudformation.amazonaws.com'],
      ].map(([name, service]) => ({
        name,
        trust: serviceTrust(service),
        policies: [doc(allow('rds:DeleteDBInstance'))],
      })),
    ],
  };
  function edgesWith(inventory: Omit<ComputeInventory, 'regions'>, pathId: string) {
    const account = AccountSnapshot.parse({ ...snapshot(spec), inventory: { regions: ['eu-west-1'], ...inventory } });
    const graph = buildAccessGraph([{ snapshot: account, account: compileAccount(account, catalog, undefined, NOW) }], {
      catalog,
      now: NOW,
    });
    return graph
      .edgesFrom(`arn:aws:iam::${ACCOUNT}:user/dev`)
      .filter((e) => e.pathId === pathId)
      .map((e) => ({ to: e.to, decision: e.decision, needs: e.needs, runsOn: e.runsOn }));
  }

  it('reaches the service role of each build project, for certain, and no other role', () => {
    const projects = [
      { arn: PROJECT('api'), name: 'api', region: 'eu-west-1', roleArn: roleArn('build-role') },
      { arn: PROJECT('docs'), name: 'docs', region: 'eu-west-1' },
    ];
    expect(edgesWith({ codeBuildProjects: projects }, 'codebuild-start-build')).toEqual([
      { to: roleArn('build-role'), decision: 'allowed', needs: undefined, runsOn: [PROJECT('api')] },
    ]);
  });

  it('reaches the role of a Glue job given by name or ARN, but not one whose job pins its script', () => {
    const glueJobs = [
      { arn: JOB('etl'), name: 'etl', region: 'eu-west-1', role: 'job-role' },
      { arn: JOB('pinned'), name: 'pinned', region: 'eu-west-1', role: roleArn('pinned-job-role'), scriptPinned: true },
    ];
    expect(edgesWith({ glueJobs }, 'glue-start-job-run')).toEqual([
      { to: roleArn('job-role'), decision: 'allowed', needs: undefined, runsOn: [JOB('etl')] },
    ]);
    const byArn = [{ arn: JOB('pinned'), name: 'pinned', region: 'eu-west-1', role: roleArn('pinned-job-role') }];
    expect(edgesWith({ glueJobs: byArn }, 'glue-start-job-run').map((e) => e.to)).toEqual([roleArn('pinned-job-role')]);
  });

  it('reaches the role of each state machine (of an Express one only, to run it synchronously) and pipeline', () => {
    const SM = (name: string) => `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:${name}`;
    const stateMachines = [
      { arn: SM('flow'), name: 'flow', region: 'eu-west-1', roleArn: roleArn('flow-role'), express: false },
      { arn: SM('quick'), name: 'quick', region: 'eu-west-1', roleArn: roleArn('express-role'), express: true },
    ];
    expect(
      edgesWith({ stateMachines }, 'stepfunctions-update-state-machine')
        .map((e) => e.to)
        .sort(),
    ).toEqual([roleArn('express-role'), roleArn('flow-role')]);
    expect(edgesWith({ stateMachines }, 'stepfunctions-update-state-machine-sync')).toEqual([
      { to: roleArn('express-role'), decision: 'allowed', needs: undefined, runsOn: [SM('quick')] },
    ]);
    const PIPELINE = `arn:aws:codepipeline:eu-west-1:${ACCOUNT}:release`;
    const codePipelines = [{ arn: PIPELINE, name: 'release', region: 'eu-west-1', roleArn: roleArn('pipeline-role') }];
    expect(edgesWith({ codePipelines }, 'codepipeline-update-pipeline')).toEqual([
      { to: roleArn('pipeline-role'), decision: 'allowed', needs: undefined, runsOn: [PIPELINE] },
    ]);
  });

  it('reaches the role of each notebook instance, and each role an active job definition runs as', () => {
    const NB = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:notebook-instance/research`;
    const notebookInstances = [{ arn: NB, name: 'research', region: 'eu-west-1', roleArn: roleArn('notebook-role') }];
    expect(edgesWith({ notebookInstances }, 'sagemaker-presigned-notebook-url')).toEqual([
      { to: roleArn('notebook-role'), decision: 'allowed', needs: undefined, runsOn: [NB] },
    ]);
    const JD = `arn:aws:batch:eu-west-1:${ACCOUNT}:job-definition/nightly:1`;
    const jobDefinitions = [{ arn: JD, name: 'nightly', region: 'eu-west-1', roleArns: [roleArn('batch-role')] }];
    expect(edgesWith({ jobDefinitions }, 'batch-submit-job')).toEqual([
      { to: roleArn('batch-role'), decision: 'allowed', needs: undefined, runsOn: [JD] },
    ]);
  });

  it('narrows code planted in a bucket or repository to the roles compute runs as, each still needing the source', () => {
    const projects = [{ arn: PROJECT('api'), name: 'api', region: 'eu-west-1', roleArn: roleArn('build-role') }];
    const fromSource =
      'a build project whose service role is the role, reading its source or buildspec from a bucket it may write';
    expect(edgesWith({ codeBuildProjects: projects }, 's3-put-build-source')).toEqual([
      { to: roleArn('build-role'), decision: 'allowed', needs: fromSource, runsOn: [PROJECT('api')] },
    ]);
    expect(edgesWith({ codeBuildProjects: projects }, 'codecommit-push-buildspec').map((e) => e.to)).toEqual([
      roleArn('build-role'),
    ]);
    // A job that pins its script still runs whatever the bucket holds.
    const glueJobs = [
      { arn: JOB('pinned'), name: 'pinned', region: 'eu-west-1', role: roleArn('pinned-job-role'), scriptPinned: true },
    ];
    expect(edgesWith({ glueJobs }, 's3-put-glue-script').map((e) => [e.to, e.needs])).toEqual([
      [roleArn('pinned-job-role'), 'a Glue job whose role is the role, running a script from a bucket it may write'],
    ]);
    const STACK = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/shop/1`;
    const cloudFormationStacks = [{ arn: STACK, name: 'shop', region: 'eu-west-1', roleArn: roleArn('stack-role') }];
    for (const pathId of ['s3-put-stack-template', 'codecommit-push-stack-template']) {
      expect(edgesWith({ cloudFormationStacks }, pathId).map((e) => [e.to, e.runsOn])).toEqual([
        [roleArn('stack-role'), [STACK]],
      ]);
    }
    // Without the lists, every role of the service is a target, needing the compute.
    expect(
      edgesWith({}, 's3-put-stack-template')
        .map((e) => e.to)
        .sort(),
    ).toEqual([roleArn('idle-stack-role'), roleArn('stack-role')]);
  });

  it('leaves each hop needing a project or job while those lists are unknown', () => {
    expect(edgesWith({}, 'codebuild-start-build').map((e) => e.needs)).toEqual([
      'a build project whose service role is the role',
      'a build project whose service role is the role',
    ]);
    expect(edgesWith({}, 'glue-start-job-run')).toHaveLength(2);
  });
});
