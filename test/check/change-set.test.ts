// `leash check --change-set`, on outputs built from the documented shape of DescribeChangeSet
// (ChangeSetName, ChangeSetId, StackName, Status, Changes[].ResourceChange with Action, Replacement,
// PolicyAction, Details[].Target.RequiresRecreation, ChangeSetId of nested change sets, Before/AfterContext).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../lib/audit/rules/types';
import { loadCatalog } from '../../lib/catalog';
import { runCheck } from '../../lib/check/check';
import { runCli, memoryIo } from '../../lib/cli/program';
import { LeashConfig } from '../../lib/config/schema';

const catalog = loadCatalog();
const now = new Date('2026-11-24T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'leash-change-set-'));
const ARN = 'arn:aws:cloudformation:eu-west-1:111122223333';
const ROOT_ID = `${ARN}:changeSet/leash-pr-42/0a1b2c3d-0000-4000-8000-000000000001`;
const NESTED_ID = `${ARN}:changeSet/leash-pr-42-Storage-1ABC/0a1b2c3d-0000-4000-8000-000000000002`;

function describeOutput(overrides: Record<string, unknown>) {
  return {
    Changes: [],
    ChangeSetName: 'leash-pr-42',
    ChangeSetId: ROOT_ID,
    StackId: `${ARN}:stack/Shop/6f3c1e40-0000-4000-8000-00000000aaaa`,
    StackName: 'Shop',
    Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'production' }],
    CreationTime: '2026-11-24T11:58:00.000Z',
    ExecutionStatus: 'AVAILABLE',
    Status: 'CREATE_COMPLETE',
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: ['CAPABILITY_IAM'],
    Tags: [{ Key: 'environment', Value: 'production' }],
    IncludeNestedStacks: true,
    ...overrides,
  };
}

function resourceChange(change: Record<string, unknown>) {
  return {
    Type: 'Resource',
    HookInvocationCount: 0,
    ResourceChange: { Scope: ['Properties'], Details: [], ...change },
  };
}

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

const recreate = (name: string, how: 'Always' | 'Conditionally' = 'Always') => ({
  Target: { Attribute: 'Properties', Name: name, RequiresRecreation: how, AttributeChangeType: 'Modify' },
  Evaluation: 'Static',
  ChangeSource: 'DirectModification',
});

const root = describeOutput({
  Changes: [
    resourceChange({
      PolicyAction: 'ReplaceAndDelete',
      Action: 'Modify',
      LogicalResourceId: 'OrdersTable',
      PhysicalResourceId: 'Shop-OrdersTable-1Q2W3E',
      ResourceType: 'AWS::DynamoDB::Table',
      Replacement: 'True',
      Details: [recreate('KeySchema')],
    }),
    resourceChange({
      PolicyAction: 'Snapshot',
      Action: 'Remove',
      LogicalResourceId: 'Reports',
      PhysicalResourceId: 'shop-reports',
      ResourceType: 'AWS::RDS::DBInstance',
    }),
    resourceChange({
      Action: 'Modify',
      LogicalResourceId: 'Handler',
      PhysicalResourceId: 'Shop-Handler-9Z8Y',
      ResourceType: 'AWS::Lambda::Function',
      Replacement: 'False',
      Details: [{ Target: { Attribute: 'Properties', Name: 'Code', RequiresRecreation: 'Never' } }],
    }),
    resourceChange({ Action: 'Add', LogicalResourceId: 'NewQueue', ResourceType: 'AWS::SQS::Queue' }),
    resourceChange({
      Action: 'Modify',
      LogicalResourceId: 'Storage',
      PhysicalResourceId: `${ARN}:stack/Shop-Storage-1ABC/aaaa`,
      ResourceType: 'AWS::CloudFormation::Stack',
      Replacement: 'False',
      ChangeSetId: NESTED_ID,
      Details: [{ Target: { Attribute: 'Properties', Name: 'TemplateURL', RequiresRecreation: 'Never' } }],
    }),
  ],
});

const nested = describeOutput({
  ChangeSetName: 'leash-pr-42-Storage-1ABC',
  ChangeSetId: NESTED_ID,
  StackName: 'Shop-Storage-1ABC',
  ParentChangeSetId: ROOT_ID,
  RootChangeSetId: ROOT_ID,
  Tags: [],
  Changes: [
    resourceChange({
      PolicyAction: 'Delete',
      Action: 'Remove',
      LogicalResourceId: 'Sessions',
      PhysicalResourceId: 'Shop-Storage-Sessions-77',
      ResourceType: 'AWS::MemoryDB::Cluster',
    }),
    resourceChange({
      Action: 'Modify',
      LogicalResourceId: 'AuditLogs',
      PhysicalResourceId: '/shop/audit',
      ResourceType: 'AWS::Logs::LogGroup',
      Replacement: 'False',
      BeforeContext: JSON.stringify({ Properties: { RetentionInDays: '3653' } }),
      AfterContext: JSON.stringify({ Properties: { RetentionInDays: '1' } }),
      Details: [{ Target: { Attribute: 'Properties', Name: 'RetentionInDays', RequiresRecreation: 'Never' } }],
    }),
  ],
});

function check(files: string[], config: object = {}): Finding[] {
  return runCheck([], undefined, { catalog, now, config: LeashConfig.parse(config) }, files).findings.filter(
    (finding) => finding.category === 'destructive-change',
  );
}
const find = (findings: Finding[], logicalId: string) => findings.find((f) => f.location?.logicalId === logicalId);

describe('leash check --change-set', () => {
  const files = [write('root.json', root), write('nested.json', nested)];

  it('gates a Replacement: True of a production table, naming the property that forces it', () => {
    const orders = find(check(files), 'OrdersTable');
    expect(orders).toMatchObject({ severity: 'critical', title: 'Replaces AWS::DynamoDB::Table OrdersTable' });
    expect(orders?.message).toMatch(
      /because KeySchema changed; tagged environment=production \(stack tag\); nothing is retained/,
    );
  });

  it('keeps a Remove of a production database critical though PolicyAction is Snapshot', () => {
    const reports = find(check(files), 'Reports');
    expect(reports).toMatchObject({ severity: 'critical', title: 'Deletes AWS::RDS::DBInstance Reports' });
    expect(reports?.message).toMatch(/a final snapshot is taken/);
  });

  it('follows the nested change set: its removed data store is found, with the production tag of the root', () => {
    const sessions = find(check(files), 'Sessions');
    expect(sessions).toMatchObject({ severity: 'critical', title: 'Deletes AWS::MemoryDB::Cluster Sessions' });
    expect(sessions?.details?.stack).toBe('Shop/Storage');
  });

  it('reads data-destroying settings from Before/AfterContext', () => {
    const logs = check(files).find((f) => f.ruleId === 'data-destroying-setting');
    expect(logs?.message).toMatch(/RetentionInDays cut from 3653 days to 1 day/);
    expect(logs?.severity).toBe('critical');
  });

  it('leaves Replacement: False and Add alone', () => {
    const ids = check(files).map((f) => f.location?.logicalId);
    expect(ids).not.toContain('Handler');
    expect(ids).not.toContain('NewQueue');
    expect(ids).not.toContain('Storage');
  });

  it('a Remove described without property values may be of a production-tagged resource: high, saying why', () => {
    const bare = describeOutput({
      ChangeSetId: `${ARN}:changeSet/leash-pr-43/0a1b2c3d-0000-4000-8000-000000000003`,
      Tags: [{ Key: 'team', Value: 'payments' }],
      Changes: [
        resourceChange({ Action: 'Remove', LogicalResourceId: 'Checkout', ResourceType: 'AWS::Lambda::Function' }),
        resourceChange({ Action: 'Remove', LogicalResourceId: 'Policy', ResourceType: 'AWS::SQS::QueuePolicy' }),
      ],
    });
    const findings = check([write('no-property-values.json', bare)]);
    expect(find(findings, 'Checkout')).toMatchObject({
      severity: 'high',
      title: 'Deletes AWS::Lambda::Function Checkout',
    });
    expect(find(findings, 'Checkout')?.message).toMatch(/describe the change set with --include-property-values/);
    // A type that takes no tags is production only through its stack's tags, which the change set gives.
    expect(find(findings, 'Policy')).toBeUndefined();
  });

  it('reports a nested change set that was not given as not visible (high in production)', () => {
    const [finding] = check([write('root-only.json', root)]).filter((f) => f.ruleId === 'change-not-visible');
    expect(finding).toMatchObject({ severity: 'high', location: expect.objectContaining({ logicalId: 'Storage' }) });
    expect(finding.message).toMatch(/nested change set .* was not given/);
  });

  it('reports a nested change set that was not given as high outside production too: the stack may delete anything', () => {
    const untagged = describeOutput({
      Tags: [],
      Changes: [
        {
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'Storage',
            PhysicalResourceId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/App-Storage/1',
            ResourceType: 'AWS::CloudFormation::Stack',
            Replacement: 'False',
            Scope: ['Properties'],
            ChangeSetId: 'arn:aws:cloudformation:us-east-1:111122223333:changeSet/nested/2',
            Details: [],
          },
        },
      ],
    });
    const [finding] = check([write('untagged-root.json', untagged)]).filter((f) => f.ruleId === 'change-not-visible');
    expect(finding).toMatchObject({ severity: 'high', location: expect.objectContaining({ logicalId: 'Storage' }) });
  });

  it('gates Replacement: Conditional and Dynamic as "may replace"', () => {
    const file = write(
      'conditional.json',
      describeOutput({
        Tags: [],
        Changes: [
          resourceChange({
            Action: 'Modify',
            LogicalResourceId: 'Jobs',
            ResourceType: 'AWS::SQS::Queue',
            Replacement: 'Conditional',
            Details: [recreate('FifoQueue', 'Conditionally')],
            BeforeContext: JSON.stringify({ Properties: { FifoQueue: false } }),
          }),
          resourceChange({
            Action: 'Dynamic',
            LogicalResourceId: 'Index',
            ResourceType: 'AWS::OpenSearchServerless::Collection',
          }),
        ],
      }),
    );
    const findings = check([file]);
    expect(find(findings, 'Jobs')).toMatchObject({ severity: 'medium', title: 'May replace AWS::SQS::Queue Jobs' });
    expect(find(findings, 'Index')?.message).toMatch(/decided at execution \(Dynamic\)/);
  });

  it('passes SyncWithActual (only the record changes), unless it says it replaces', () => {
    const sync = (replacement?: string) =>
      write(
        `sync-${replacement ?? 'none'}.json`,
        describeOutput({
          Tags: [],
          Changes: [
            resourceChange({
              Action: 'SyncWithActual',
              LogicalResourceId: 'Jobs',
              ResourceType: 'AWS::SQS::Queue',
              ...(replacement ? { Replacement: replacement } : {}),
            }),
          ],
        }),
      );
    expect(find(check([sync()]), 'Jobs')).toBeUndefined();
    expect(find(check([sync('True')]), 'Jobs')).toMatchObject({ title: 'Replaces AWS::SQS::Queue Jobs' });
    expect(find(check([sync('True')]), 'Jobs')?.message).toContain('SyncWithActual with Replacement True');
  });

  it('reads a Modify whose Replacement False contradicts a detail that always recreates as "may replace"', () => {
    const modify = (recreation: string) =>
      write(
        `contradiction-${recreation}.json`,
        describeOutput({
          Tags: [],
          Changes: [
            resourceChange({
              Action: 'Modify',
              LogicalResourceId: 'Jobs',
              ResourceType: 'AWS::SQS::Queue',
              Replacement: 'False',
              Details: [
                {
                  Target: { Attribute: 'Properties', Name: 'FifoQueue', RequiresRecreation: recreation },
                  Evaluation: 'Static',
                  ChangeSource: 'DirectModification',
                },
              ],
            }),
          ],
        }),
      );
    expect(find(check([modify('Never')]), 'Jobs')).toBeUndefined();
    const contradiction = find(check([modify('Always')]), 'Jobs');
    expect(contradiction).toMatchObject({ title: 'May replace AWS::SQS::Queue Jobs' });
    expect(contradiction?.message).toContain('Replacement False, yet a detail says RequiresRecreation Always');
  });

  it('reads a Modify that does not say whether it replaces (Replacement missing or misspelt) as "may replace"', () => {
    const file = write(
      'unsaid.json',
      describeOutput({
        Changes: [
          resourceChange({
            Action: 'Modify',
            LogicalResourceId: 'OrdersTable',
            ResourceType: 'AWS::DynamoDB::Table',
            Replacment: 'True',
            Details: [recreate('KeySchema')],
          }),
        ],
      }),
    );
    const orders = find(check([file]), 'OrdersTable');
    expect(orders).toMatchObject({ title: 'May replace AWS::DynamoDB::Table OrdersTable' });
    expect(['critical', 'high']).toContain(orders?.severity);
    expect(orders?.message).toMatch(/Replacement not given: it may replace/);
  });

  it('merges the pages of one change set', () => {
    const [first, second] = [root.Changes.slice(0, 2), root.Changes.slice(2)];
    const pages = [
      write('page1.json', { ...root, Changes: first, NextToken: 'token-2' }),
      write('page2.json', { ...root, Changes: second }),
    ];
    expect(
      check(pages)
        .map((f) => f.location?.logicalId)
        .sort(),
    ).toEqual(['OrdersTable', 'Reports', 'Storage']);
  });

  it('accepts an empty change set that CloudFormation marked FAILED for having no changes', () => {
    const file = write(
      'empty.json',
      describeOutput({
        Status: 'FAILED',
        StatusReason:
          "The submitted information didn't contain changes. Submit different information to create a change set.",
      }),
    );
    expect(check([file])).toEqual([]);
  });

  it('applies the same two-person rule, bound to the change', () => {
    const hash = find(check(files), 'OrdersTable')?.details?.changeHash as string;
    const config = {
      suppressions: [
        {
          ruleId: 'destructive-change',
          logicalId: 'Shop/OrdersTable',
          reason: 'Re-keying the orders table (CHG-42).',
          expires: '2026-12-31',
          approvedBy: ['alice'],
          changes: [hash],
        },
      ],
    };
    expect(find(check(files, config), 'OrdersTable')?.message).toMatch(/only alice approved it/);
    config.suppressions[0].approvedBy = ['alice', 'bob'];
    expect(find(check(files, config), 'OrdersTable')?.suppressed).toBeDefined();
  });
});

describe('leash check --change-set on bad input: exit 2 with a clear message', () => {
  async function cli(args: string[]) {
    const io = memoryIo();
    const code = await runCli(['check', ...args], io);
    return { code, err: io.err };
  }

  it.each([
    ['a truncated file', '{"ChangeSetName": "x", "Changes": [', /truncated\.json.*(JSON|Unexpected|end)/i],
    ['an empty file', '', /empty; expected the JSON of aws cloudformation describe-change-set/],
    [
      'a template instead of a change set',
      JSON.stringify({ Resources: {} }),
      /ChangeSetName: .*expected the JSON of aws cloudformation describe-change-set/,
    ],
    [
      'an unknown Action',
      JSON.stringify(
        describeOutput({
          Changes: [resourceChange({ Action: 'Obliterate', LogicalResourceId: 'A', ResourceType: 'AWS::S3::Bucket' })],
        }),
      ),
      /Changes\[0\]\.ResourceChange\.Action/,
    ],
    [
      'a change set still being created',
      JSON.stringify(describeOutput({ Status: 'CREATE_IN_PROGRESS' })),
      /is CREATE_IN_PROGRESS; only a complete change set/,
    ],
    [
      'a resource context nested deeper than the limit (JSON text inside the file, never depth-checked with it)',
      JSON.stringify(
        describeOutput({
          Changes: [
            resourceChange({
              Action: 'Modify',
              LogicalResourceId: 'AuditLogs',
              ResourceType: 'AWS::Logs::LogGroup',
              Replacement: 'False',
              AfterContext: `{"Properties":{"RetentionInDays":"1","X":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
            }),
          ],
        }),
      ),
      /Changes\[0\]\.ResourceChange\.AfterContext: JSON text nested more than 256 levels deep/,
    ],
    [
      'an empty list of change sets',
      '[]',
      /an empty list; expected the JSON of aws cloudformation describe-change-set/,
    ],
    [
      'a change whose ResourceChange key is misspelt (it was skipped: a Remove of a table passed)',
      JSON.stringify(
        describeOutput({
          Changes: [
            {
              Type: 'Resource',
              resourceChange: { Action: 'Remove', LogicalResourceId: 'Orders', ResourceType: 'AWS::DynamoDB::Table' },
            },
          ],
        }),
      ),
      /Changes\[0\]\.ResourceChange: .*expected object, received undefined; expected the JSON of aws cloudformation describe-change-set/,
    ],
    [
      'a page with NextToken and no next page',
      JSON.stringify(describeOutput({ NextToken: 'abc' })),
      /truncated \(NextToken set/,
    ],
  ])('%s', async (_name, text, message) => {
    const file = write(`${_name.replace(/\W+/g, '-')}.json`.replace('a-truncated-file', 'truncated'), text);
    const { code, err } = await cli(['--change-set', file]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('neither templates nor change sets', async () => {
    const { code, err } = await cli([]);
    expect(code).toBe(2);
    expect(err).toMatch(/give --change-set/);
  });

  it('exit 1 on a destructive change set, 0 when it only adds', async () => {
    expect((await cli(['--change-set', write('cli-root.json', root), write('cli-nested.json', nested)])).code).toBe(1);
    const adds = write(
      'adds.json',
      describeOutput({
        Changes: [resourceChange({ Action: 'Add', LogicalResourceId: 'Q', ResourceType: 'AWS::SQS::Queue' })],
      }),
    );
    expect((await cli(['--change-set', adds])).code).toBe(0);
  });
});

describe('templates and change sets together', () => {
  it("answers the template's 'not visible' finding for a nested stack when its nested change set is given", async () => {
    const { checkStacks } = await import('../../lib/check/check');
    const { loadChangeSets } = await import('../../lib/check/change-set');
    const stackResource = {
      Type: 'AWS::CloudFormation::Stack',
      Properties: { TemplateURL: 'https://example.com/c.json' },
    };
    const loaded = (key: string, template: object, nestedIn?: { parentKey: string; logicalId: string }) => ({
      key,
      displayName: key,
      stackName: key.replace('/', '-'),
      file: `${key}.json`,
      text: '',
      template: template as never,
      stackTags: { environment: 'production' },
      nestedIn,
    });
    const current = [
      loaded('App', { Resources: { Child: stackResource } }),
      loaded('App/Child', { Resources: {} }, { parentKey: 'App', logicalId: 'Child' }),
    ];
    const baseline = [loaded('App', { Resources: { Child: stackResource } })];
    const visible = (changeSets?: ReturnType<typeof loadChangeSets>) =>
      checkStacks(current, baseline, 'test', { catalog, now, changeSets }).findings.filter(
        (finding) => finding.ruleId === 'change-not-visible',
      );
    expect(visible().map((finding) => finding.severity)).toEqual(['high']);
    const rootSet = describeOutput({
      StackName: 'App',
      Changes: [
        resourceChange({
          Action: 'Modify',
          LogicalResourceId: 'Child',
          ResourceType: 'AWS::CloudFormation::Stack',
          Replacement: 'False',
          ChangeSetId: NESTED_ID,
        }),
      ],
    });
    const nestedSet = describeOutput({
      StackName: 'App-Child-1XYZ',
      ChangeSetId: NESTED_ID,
      ParentChangeSetId: ROOT_ID,
    });
    const changeSets = loadChangeSets([write('app-root.json', rootSet), write('app-nested.json', nestedSet)]);
    const [answered] = visible(changeSets);
    expect(answered.severity).toBe('info');
    expect(answered.message).toMatch(/Answered by the change set given for this stack/);
  });
});
