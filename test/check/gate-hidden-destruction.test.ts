// Destruction hidden where the gate used to guess: an environment the template does not name, a tag key
// written in another case, tags behind an undecided condition, a nested stack whose template is elsewhere,
// a macro that rewrites the template, and an approval that names no change.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../lib/audit/rules/types';
import { loadStacks } from '../../lib/check/assembly';
import { parseTemplateText } from '../../lib/check/template-file';
import { gate, prodTags, stack, table } from './gate-helpers';

const failing = (findings: Finding[]) =>
  findings.filter((finding) => !finding.suppressed && ['critical', 'high'].includes(finding.severity));
const topic = (tags: unknown) => ({ Type: 'AWS::SNS::Topic', Properties: { Tags: tags } });

describe('an account or Region the template does not name is not guessed', () => {
  const isProdAccount = { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '111122223333'] };

  it('removing a table that exists only in the production account deletes it there', () => {
    const template = (withTable: boolean) => ({
      Conditions: { IsProd: isProdAccount },
      Resources: withTable ? { Ledger: table({}, { Condition: 'IsProd' }) } : {},
    });
    const [finding] = failing(gate(template(true), template(false)));
    expect(finding).toMatchObject({ ruleId: 'destructive-change', title: 'Deletes AWS::DynamoDB::Table Ledger' });
  });

  it('removing a queue that exists only in eu-west-1 deletes it there', () => {
    const before = {
      Conditions: { InEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
      Resources: { Jobs: { Type: 'AWS::SQS::Queue', Condition: 'InEu', Properties: {} } },
    };
    expect(failing(gate(before, { Resources: {} })).map((finding) => finding.title)).toEqual([
      'Deletes AWS::SQS::Queue Jobs',
    ]);
  });

  it('a production tag chosen by the account is production in that account', () => {
    const template = (withTopic: boolean) => ({
      Conditions: { IsProd: isProdAccount },
      Resources: withTopic
        ? { Alerts: topic([{ Key: 'environment', Value: { 'Fn::If': ['IsProd', 'production', 'dev'] } }]) }
        : {},
    });
    const [finding] = failing(gate(template(true), template(false)));
    expect(finding.title).toBe('Deletes AWS::SNS::Topic Alerts');
  });

  it('moving the production account in the condition deletes the table in the old one', () => {
    const template = (account: string) => ({
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, account] } },
      Resources: { Ledger: table({}, { Condition: 'IsProd' }) },
    });
    expect(failing(gate(template('111122223333'), template('444455556666')))).toHaveLength(1);
  });

  it('an unchanged template with account conditions passes', () => {
    const template = {
      Conditions: { IsProd: isProdAccount },
      Resources: {
        Ledger: table({ TableName: { 'Fn::If': ['IsProd', 'ledger', 'ledger-dev'] } }, { Condition: 'IsProd' }),
      },
    };
    expect(gate(template, template)).toEqual([]);
  });

  it('a table name that depends on the account, changed in one branch, replaces the table', () => {
    const template = (name: string) => ({
      Conditions: { IsProd: isProdAccount },
      Resources: { Ledger: table({ TableName: { 'Fn::If': ['IsProd', name, 'ledger-dev'] } }) },
    });
    expect(failing(gate(template('ledger'), template('ledger-v2'))).map((finding) => finding.title)).toEqual([
      'Replaces AWS::DynamoDB::Table Ledger',
    ]);
  });

  it('a stack whose account and Region are known decides the condition', () => {
    const template = (withTable: boolean) => ({
      Conditions: { IsProd: isProdAccount },
      Resources: withTable ? { Ledger: table({}, { Condition: 'IsProd' }) } : {},
    });
    const at = (withTable: boolean) => [
      stack(template(withTable), 'Data', { accountId: '999988887777', region: 'us-east-1', cdkPaths: new Map() }),
    ];
    expect(gate(at(true), at(false))).toEqual([]);
  });
});

describe('production tags the guardrails see are production to the gate', () => {
  it('a tag key in another case (IAM compares aws:ResourceTag keys without case)', () => {
    const before = { Resources: { Alerts: topic([{ Key: 'Environment', Value: 'Production' }]) } };
    const [finding] = failing(gate(before, { Resources: {} }));
    expect(finding).toMatchObject({ severity: 'high', title: 'Deletes AWS::SNS::Topic Alerts' });
    expect(finding.message).toMatch(/tagged Environment=Production/);
  });

  const undecided = (tags: unknown) => ({
    Parameters: { Stage: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Resources: { Alerts: topic(tags) },
  });
  it.each([
    ['the whole tag list', { 'Fn::If': ['IsProd', prodTags, []] }],
    ['one tag of the list', [{ 'Fn::If': ['IsProd', prodTags[0], { Ref: 'AWS::NoValue' }] }]],
  ])('behind an Fn::If only deployment decides: %s', (_, tags) => {
    const [finding] = failing(gate(undecided(tags), { Resources: {} }));
    expect(finding.title).toBe('Deletes AWS::SNS::Topic Alerts');
    expect(finding.message).toMatch(/treated as production/);
  });

  it('but not when no branch can make it production', () => {
    const tags = { 'Fn::If': ['IsProd', [{ Key: 'environment', Value: 'staging' }], [{ Key: 'team', Value: 'a' }]] };
    expect(gate(undecided(tags), { Resources: {} })).toEqual([]);
  });
});

describe('a production tag taken off is the first half of a deletion in two steps', () => {
  it.each([
    ['removed', []],
    ['changed to another value', [{ Key: 'environment', Value: 'dev' }]],
  ])('the production tag %s: the untagging itself fails the gate', (_name, tags) => {
    const before = { Resources: { Alerts: topic(prodTags) } };
    const [finding] = failing(gate(before, { Resources: { Alerts: topic(tags) } }));
    expect(finding).toMatchObject({
      ruleId: 'data-destroying-setting',
      severity: 'critical',
      title: 'Takes out of production AWS::SNS::Topic Alerts',
    });
    expect(finding.message).toMatch(/its production tag environment=production is removed/);
  });

  it.each([
    ['a parameter without a default', { Ref: 'Env' }],
    ['a parameter whose default is production, which deployment may override', { Ref: 'EnvProd' }],
    ['a value that is not text', true],
  ])('the production value replaced by %s: it may be taken off, which fails the gate', (_name, value) => {
    const parameters = { Env: { Type: 'String' }, EnvProd: { Type: 'String', Default: 'production' } };
    const before = { Parameters: parameters, Resources: { Alerts: topic(prodTags) } };
    const after = { Parameters: parameters, Resources: { Alerts: topic([{ Key: 'environment', Value: value }]) } };
    const [finding] = failing(gate(before, after));
    expect(finding).toMatchObject({ ruleId: 'data-destroying-setting', severity: 'critical' });
    expect(finding.message).toMatch(
      /its production tag environment=production may be taken off: it is now environment=/,
    );
  });

  it('not when a value only deployment knows was there before and is unchanged', () => {
    const template = {
      Parameters: { Env: { Type: 'String' } },
      Resources: { Alerts: topic([{ Key: 'environment', Value: { Ref: 'Env' } }]) },
    };
    expect(failing(gate(template, template))).toEqual([]);
  });

  it('not when the value only changes case, or the stack tag still makes it production', () => {
    const before = { Resources: { Alerts: topic(prodTags) } };
    expect(gate(before, { Resources: { Alerts: topic([{ Key: 'Environment', Value: 'PRODUCTION' }]) } })).toEqual([]);
    const tagged = { stackTags: { environment: 'production' } };
    expect(
      gate([stack(before, 'Data', tagged)], [stack({ Resources: { Alerts: topic([]) } }, 'Data', tagged)]),
    ).toEqual([]);
  });
});

describe('a production stack tag taken off takes the whole stack out of production', () => {
  const template = { Resources: { Alerts: topic([{ Key: 'team', Value: 'payments' }]) } };
  const before = [stack(template, 'Shop', { stackTags: { Environment: 'production' } })];
  const after = [stack(template, 'Shop', { stackTags: { team: 'payments' } })];

  it('is critical, though no resource of the stack changes', () => {
    const [finding] = failing(gate(before, after));
    expect(finding).toMatchObject({ ruleId: 'data-destroying-setting', title: 'Takes out of production stack Shop' });
    expect(finding.severity).toBe('critical');
    expect(finding.message).toMatch(/its production stack tag Environment=production is removed/);
  });

  it('passes with two approvers naming the stack and the change', () => {
    const hash = String(gate(before, after)[0].details?.changeHash);
    const approved = {
      suppressions: [
        {
          ruleId: 'data-destroying-setting',
          logicalId: 'Shop',
          reason: 'the shop moves to the staging account',
          expires: '2099-01-01',
          approvedBy: ['alice', 'bob'],
          changes: [hash],
        },
      ],
    };
    expect(failing(gate(before, after, approved))).toEqual([]);
  });
});

describe('a value read from a mapping by Region is judged in every Region the mapping names', () => {
  it('editing the eu-west-1 row of a table name replaces the table there', () => {
    const template = (euName: string) => ({
      Mappings: { Names: { 'us-east-1': { Ledger: 'ledger-us' }, 'eu-west-1': { Ledger: euName } } },
      Resources: { Ledger: table({ TableName: { 'Fn::FindInMap': ['Names', { Ref: 'AWS::Region' }, 'Ledger'] } }) },
    });
    expect(failing(gate(template('ledger-eu'), template('ledger-eu-2'))).map((finding) => finding.title)).toEqual([
      'Replaces AWS::DynamoDB::Table Ledger',
    ]);
    expect(gate(template('ledger-eu'), template('ledger-eu'))).toEqual([]);
  });
});

describe('a nested stack whose template is not in the baseline', () => {
  const nestedStack = (url: string, parameters: object = {}, tags?: unknown) => ({
    Type: 'AWS::CloudFormation::Stack',
    Properties: { TemplateURL: url, Parameters: parameters, ...(tags ? { Tags: tags } : {}) },
  });
  it.each([
    ['points at another template', nestedStack('https://s3.amazonaws.com/b/db-v2.yaml')],
    ['gets other parameters', nestedStack('https://s3.amazonaws.com/b/db-v1.yaml', { KeepTables: 'false' })],
  ])('fails the gate when it %s: what it deletes is not visible', (_, after) => {
    const before = { Resources: { Db: nestedStack('https://s3.amazonaws.com/b/db-v1.yaml') } };
    const [finding] = failing(gate(before, { Resources: { Db: after } }));
    expect(finding).toMatchObject({ ruleId: 'change-not-visible', severity: 'high' });
    expect(finding.message).toMatch(/Not visible here: run with --change-set.*template of nested stack Db/);
  });

  it('a StackSet given by TemplateURL whose template changes', () => {
    const stackSet = (url: string) => ({
      Resources: {
        Baseline: {
          Type: 'AWS::CloudFormation::StackSet',
          Properties: { StackSetName: 'baseline', PermissionModel: 'SERVICE_MANAGED', TemplateURL: url },
        },
      },
    });
    const [finding] = failing(gate(stackSet('https://x/a.yaml'), stackSet('https://x/b.yaml')));
    expect(finding).toMatchObject({ ruleId: 'change-not-visible', severity: 'high' });
  });

  it('tags on the nested stack resource make what it holds production', () => {
    const parent = stack({ Resources: { Child: nestedStack('x', {}, prodTags) } }, 'App');
    const child = (resources: object) =>
      stack({ Resources: resources }, 'App/Child', { nestedIn: { parentKey: 'App', logicalId: 'Child' } });
    const [finding] = failing(gate([parent, child({ Alerts: topic(undefined) })], [parent, child({})]));
    expect(finding.title).toBe('Deletes AWS::SNS::Topic Alerts');
    expect(finding.message).toMatch(/environment=production \(stack tag\)/);
  });
});

describe('a macro rewrites the template at deployment', () => {
  it.each([
    ['a Transform macro', { Transform: ['MyMacro'] }, {}],
    [
      'AWS::Include',
      {},
      { Snippet: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/x' } } } },
    ],
  ])('%s in a changed template is not visible, and fails the gate', (_, top, properties) => {
    const template = (name: string) => ({
      ...top,
      Resources: {
        Orders: table({ TableName: 'orders' }),
        Hook: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: name, ...properties } },
      },
    });
    const findings = failing(gate(template('a'), template('b')));
    expect(findings.map((finding) => finding.ruleId)).toEqual(['change-not-visible']);
    expect(findings[0].message).toMatch(/rewrites the template at deployment/);
  });

  it('AWS::Include in place of resources is refused with the JSON path (exit 2), not read as a resource', () => {
    const text = JSON.stringify({
      Resources: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/tables.yaml' } } },
    });
    expect(() => parseTemplateText(text, 't.json')).toThrow(
      /t\.json: Resources\.Fn::Transform: a macro adds these resources at deployment.*--change-set/,
    );
  });

  it('the SAM transform is read as written', () => {
    const template = (name: string) => ({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: { Alerts: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: name } } },
    });
    expect(gate(template('a'), template('b'))).toEqual([]);
  });
});

describe('an approval of what the template cannot show names that change too', () => {
  const invisible = (name: string) => ({ Resources: { Orders: table({ TableName: `{{resolve:ssm:${name}}}` }) } });
  const standing = (changes?: string[]) => ({
    suppressions: [
      {
        ruleId: '*',
        logicalId: '*',
        reason: 'Standing approval for the ops team',
        expires: '2026-12-31',
        approvedBy: ['alice', 'bob'],
        ...(changes ? { changes } : {}),
      },
    ],
  });
  it('a blanket suppression without a change hash is refused with the config, before it can pass anything', () => {
    expect(() => gate(invisible('/orders/name'), invisible('/orders/name'), standing())).toThrow(
      /every rule.*matches every resource/,
    );
  });

  it('a suppression of every rule on one resource, without a change hash, does not pass what cannot be seen', () => {
    const named = { suppressions: [{ ...standing().suppressions[0], logicalId: 'Orders' }] };
    const [finding] = gate(invisible('/orders/name'), invisible('/orders/name'), named);
    expect(finding).toMatchObject({ ruleId: 'change-not-visible', severity: 'high' });
    expect(finding.suppressed).toBeUndefined();
    expect(finding.message).toMatch(/does not say which change it approves/);
  });

  it('the hash approved passes it, and a different unknown value later does not', () => {
    const hash = gate(invisible('/a'), invisible('/a'))[0].details?.changeHash as string;
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(gate(invisible('/a'), invisible('/a'), standing([hash]))[0].suppressed).toBeDefined();
    expect(gate(invisible('/a'), invisible('/b'), standing([hash])).some((f) => !f.suppressed)).toBe(true);
  });
});

describe('a cloud assembly is read as cdk deploy reads it', () => {
  // The CDK app is code the pull request controls: it can add metadata and files to cdk.out. The nested
  // template that deploys is the asset TemplateURL names, whatever `aws:asset:path` claims.
  it('judges the nested template the TemplateURL asset names, not a decoy named in metadata', () => {
    const hash = 'a'.repeat(64);
    const assembly = (childResources: object, decoy: boolean) => {
      const dir = mkdtempSync(join(tmpdir(), 'leash-assembly-'));
      const write = (name: string, value: object) => writeFileSync(join(dir, name), JSON.stringify(value));
      write('manifest.json', {
        version: '36.0.0',
        artifacts: {
          App: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://unknown-account/unknown-region',
            properties: { templateFile: 'App.template.json', stackName: 'App' },
          },
          'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
        },
      });
      write('App.assets.json', {
        version: '36.0.0',
        files: { [hash]: { source: { path: 'Child.nested.template.json', packaging: 'file' }, destinations: {} } },
      });
      write('App.template.json', {
        Resources: {
          Child: {
            Type: 'AWS::CloudFormation::Stack',
            Properties: {
              TemplateURL: { 'Fn::Join': ['', ['https://s3.us-east-1.amazonaws.com/cdk-assets/', `${hash}.json`]] },
            },
            Metadata: decoy ? { 'aws:asset:path': 'Decoy.nested.template.json' } : {},
          },
        },
      });
      write('Child.nested.template.json', { Resources: childResources });
      write('Decoy.nested.template.json', { Resources: { Ledger: table() } });
      return loadStacks([dir], { allowEmpty: true });
    };
    const findings = gate(assembly({ Ledger: table() }, false), assembly({}, true));
    expect(failing(findings).map((finding) => finding.title)).toEqual(['Deletes AWS::DynamoDB::Table Ledger']);
  });
});

describe('YAML is read as CloudFormation reads it (YAML 1.1)', () => {
  const database = (protection: string, retention: string) =>
    `Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      DBInstanceClass: db.t3.micro\n      DeletionProtection: ${protection}\n      BackupRetentionPeriod: ${retention}\n`;
  const yamlStack = (text: string) => [stack(parseTemplateText(text, 'db.yaml').template)];

  it('`yes` is true: switching deletion protection from yes to false is reported', () => {
    const findings = gate(yamlStack(database('yes', '7')), yamlStack(database('false', '7')));
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringMatching(/deletion protection switched off/),
    ]);
  });

  it('but a date stays a string (CloudFormation has no timestamps) and `y` is no boolean', () => {
    const { template } = parseTemplateText('Resources: {}\nVersion: 2012-10-17\nShort: y\nLong: off\n', 't.yaml');
    expect(template).toMatchObject({ Version: '2012-10-17', Short: 'y', Long: false });
  });

  it('a leading zero is octal: 010 days is 8, a cut from 10', () => {
    const findings = gate(yamlStack(database('true', '10')), yamlStack(database('true', '010')));
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringMatching(
        /^Deploying stack Data may replace stateful resource Db .* because BackupRetentionPeriod \(may\)/,
      ),
      expect.stringMatching(/BackupRetentionPeriod cut from 10 to 8 days/),
    ]);
  });
});

describe('a CloudFormation Boolean in JSON is read as CloudFormation reads it', () => {
  const db = (protection: unknown) =>
    stack({
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', DeletionProtection: protection },
        },
      },
    });
  const ttlTable = (enabled: unknown) =>
    stack({
      Resources: {
        Ledger: table(
          enabled === undefined ? {} : { TimeToLiveSpecification: { Enabled: enabled, AttributeName: 'ttl' } },
        ),
      },
    });
  const messages = (before: ReturnType<typeof stack>, after: ReturnType<typeof stack>) =>
    gate([before], [after]).map((finding) => finding.message);

  it.each([['True'], ['TRUE'], [' true ']])(
    'deletion protection deployed as %j and now false is switched off',
    (deployed) => {
      expect(messages(db(deployed), db(false))).toEqual([expect.stringMatching(/deletion protection switched off/)]);
    },
  );

  it('deletion protection behind an intrinsic that becomes false may be switched off', () => {
    expect(messages(db({ Ref: 'Protect' }), db(false))).toEqual([
      expect.stringMatching(/deletion protection switched off/),
    ]);
  });

  it('the same intrinsic before and after, or "True" kept as true, is no change', () => {
    expect(messages(db({ Ref: 'Protect' }), db({ Ref: 'Protect' }))).toEqual([]);
    expect(messages(db(true), db('True'))).toEqual([]);
  });

  it.each([['True'], [{ Ref: 'EnableTtl' }]])('a time to live switched on as %j deletes items', (enabled) => {
    expect(messages(ttlTable(undefined), ttlTable(enabled))).toEqual([
      expect.stringMatching(/TimeToLiveSpecification enabled on ttl: items past it are deleted/),
    ]);
  });
});

describe('an Auto Scaling group whose update policy replaces it', () => {
  const group = (version: string, willReplace: unknown) => ({
    Type: 'AWS::AutoScaling::AutoScalingGroup',
    Properties: {
      MinSize: '1',
      MaxSize: '2',
      LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: version },
      Tags: [{ Key: 'environment', Value: 'production', PropagateAtLaunch: true }],
    },
    UpdatePolicy: { AutoScalingReplacingUpdate: { WillReplace: willReplace } },
  });
  const replaced = (before: object, after: object) =>
    gate({ Resources: { Web: before } }, { Resources: { Web: after } }).filter(
      (f) => f.ruleId === 'destructive-change',
    );

  it('a new launch template version with WillReplace replaces the whole group and its instances', () => {
    const [finding] = replaced(group('1', true), group('2', true));
    expect(finding).toMatchObject({ severity: 'high', location: { logicalId: 'Web' } });
    expect(finding.message).toContain('would replace production resource Web');
    expect(finding.message).toContain('LaunchTemplate (UpdatePolicy AutoScalingReplacingUpdate WillReplace)');
  });

  it('without WillReplace the same change updates the group in place', () => {
    expect(replaced(group('1', false), group('2', false))).toEqual([]);
  });
});

describe('an Auto Scaling group that reads an edited launch template', () => {
  const stackWith = (imageId: string) => ({
    Resources: {
      Template: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { ImageId: imageId } } },
      Web: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '2',
          LaunchTemplate: {
            LaunchTemplateId: { Ref: 'Template' },
            Version: { 'Fn::GetAtt': ['Template', 'LatestVersionNumber'] },
          },
          Tags: [{ Key: 'environment', Value: 'production', PropagateAtLaunch: true }],
        },
        UpdatePolicy: { AutoScalingReplacingUpdate: { WillReplace: true } },
      },
    },
  });

  it('may be replaced with WillReplace, though its own text does not change', () => {
    const found = gate(stackWith('ami-1'), stackWith('ami-2')).filter((f) => f.location?.logicalId === 'Web');
    expect(found).toMatchObject([{ ruleId: 'destructive-change', severity: 'high' }]);
    expect(found[0].message).toContain('may replace production resource Web');
  });
});

describe('a search domain given a new engine version', () => {
  const domain = (version: string, upgrade?: boolean) => ({
    Type: 'AWS::OpenSearchService::Domain',
    Properties: { EngineVersion: version, Tags: prodTags },
    ...(upgrade === undefined ? {} : { UpdatePolicy: { EnableVersionUpgrade: upgrade } }),
  });
  const judged = (before: object, after: object) =>
    gate({ Resources: { Search: before } }, { Resources: { Search: after } }).filter(
      (f) => f.ruleId === 'destructive-change',
    );

  it('is replaced, indices and all, without EnableVersionUpgrade', () => {
    const [finding] = judged(domain('OpenSearch_2.11'), domain('OpenSearch_2.13'));
    expect(finding).toMatchObject({ severity: 'critical' });
    expect(finding.message).toContain('would replace stateful, production resource Search');
    expect(finding.message).toContain('EngineVersion (without UpdatePolicy EnableVersionUpgrade: true');
  });

  it('is upgraded in place with EnableVersionUpgrade: true', () => {
    expect(judged(domain('OpenSearch_2.11', true), domain('OpenSearch_2.13', true))).toEqual([]);
  });
});
