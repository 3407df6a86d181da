// Fn::ForEach (AWS::LanguageExtensions) written out before the gate and the IAM rules judge a template: the
// resources a loop makes are deleted, replaced and granted like any other, and a loop whose items only
// deployment knows is refused with its JSON path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';
import { expandForEach, MAX_LOOP_OUTPUTS } from '../../lib/check/for-each';
import { locateLogicalId, parseTemplateText } from '../../lib/check/template-file';
import { InputError } from '../../lib/util/read-input';
import { gate, stack, table } from './gate-helpers';

const LANG = 'AWS::LanguageExtensions';
const parsed = (template: object, file = 't.json') => parseTemplateText(JSON.stringify(template), file).template;
const tables = (names: string[]) => ({
  Transform: LANG,
  Resources: { 'Fn::ForEach::Tables': ['Name', names, { '${Name}Table': table({ TableName: { Ref: 'Name' } }) }] },
});

describe('Fn::ForEach is written out as CloudFormation writes it out', () => {
  it('one resource per item, with ${Identifier} in the key and Ref Identifier in the value', () => {
    const template = parsed({
      Transform: LANG,
      Resources: {
        'Fn::ForEach::Topics': [
          'TopicName',
          ['Success', 'Failure'],
          { 'SnsTopic${TopicName}': { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'TopicName' } } } },
        ],
      },
    });
    expect(template.Resources).toEqual({
      SnsTopicSuccess: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'Success' } },
      SnsTopicFailure: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'Failure' } },
    });
  });

  it('&{Identifier} drops non-alphanumeric characters; Fn::Sub gets the item; plain strings stay as written', () => {
    const template = parsed({
      Transform: LANG,
      Resources: {
        'Fn::ForEach::Buckets': [
          'Domain',
          ['shop.example.com'],
          {
            'Bucket&{Domain}': {
              Type: 'AWS::S3::Bucket',
              Properties: {
                BucketName: { 'Fn::Sub': 'site-${Domain}' },
                Tags: [{ Key: 'note', Value: 'literal ${Domain}' }],
                WebsiteConfiguration: { IndexDocument: { 'Fn::Sub': '${Domain}/${AWS::Region}.html' } },
              },
            },
          },
        ],
      },
    });
    expect(template.Resources).toEqual({
      Bucketshopexamplecom: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketName: 'site-shop.example.com',
          Tags: [{ Key: 'note', Value: 'literal ${Domain}' }],
          WebsiteConfiguration: { IndexDocument: { 'Fn::Sub': 'shop.example.com/${AWS::Region}.html' } },
        },
      },
    });
  });

  it('nested loops, loops inside properties, in Conditions and Outputs, and a collection from Fn::FindInMap', () => {
    const template = parsed({
      Transform: LANG,
      Mappings: { Envs: { All: { Names: ['Blue', 'Green'] } } },
      Conditions: { 'Fn::ForEach::Is': ['E', ['Blue'], { 'Is${E}': { 'Fn::Equals': [{ Ref: 'E' }, 'Blue'] } }] },
      Resources: {
        'Fn::ForEach::Envs': [
          'Env',
          { 'Fn::FindInMap': ['Envs', 'All', 'Names'] },
          {
            'Fn::ForEach::Kinds': [
              'Kind',
              ['Orders', 'Users'],
              {
                '${Env}${Kind}': {
                  Type: 'AWS::SQS::Queue',
                  Properties: {
                    QueueName: { 'Fn::Sub': '${Env}-${Kind}' },
                    RedriveAllowPolicy: { 'Fn::ForEach::Keys': ['K', ['a'], { '${K}${Env}': { Ref: 'Kind' } }] },
                  },
                },
              },
            ],
          },
        ],
      },
      Outputs: { 'Fn::ForEach::Out': ['O', ['X'], { 'Out${O}': { Value: { Ref: 'O' } } }] },
    });
    expect(Object.keys(template.Resources ?? {}).sort()).toEqual([
      'BlueOrders',
      'BlueUsers',
      'GreenOrders',
      'GreenUsers',
    ]);
    expect(template.Resources?.GreenUsers.Properties).toEqual({
      QueueName: 'Green-Users',
      RedriveAllowPolicy: { aGreen: 'Users' },
    });
    expect(template.Conditions).toEqual({ IsBlue: { 'Fn::Equals': ['Blue', 'Blue'] } });
    expect(template.Outputs).toEqual({ OutX: { Value: 'X' } });
  });

  it('YAML with short tags reads the same as JSON', () => {
    const yaml = [
      'Transform: AWS::LanguageExtensions',
      'Resources:',
      "  'Fn::ForEach::Tables':",
      '    - Name',
      '    - [A, B]',
      "    - '${Name}Table':",
      '        Type: AWS::DynamoDB::Table',
      '        Properties:',
      '          TableName: !Sub "${Name}-table"',
    ].join('\n');
    const template = parseTemplateText(yaml, 't.yaml').template;
    expect(template.Resources).toEqual({
      ATable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'A-table' } },
      BTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'B-table' } },
    });
  });

  it('a template without loops is returned as it is', () => {
    const template = { Resources: { T: table() } };
    expect(expandForEach(template, 't.json')).toBe(template);
  });
});

describe('the gate judges what loops make', () => {
  const asStack = (template: object) => {
    const text = JSON.stringify(template);
    return stack(parseTemplateText(text, 'Data.json').template, 'Data', { text });
  };

  it('an item dropped from a loop deletes its production table: critical', () => {
    const findings = gate([asStack(tables(['Orders', 'Users']))], [asStack(tables(['Orders']))]);
    expect(findings.map((f) => [f.severity, f.title])).toEqual([
      ['critical', 'Deletes AWS::DynamoDB::Table UsersTable'],
    ]);
  });

  it('an item renamed in a loop replaces the table it made (new logical id, new name)', () => {
    const titles = gate([asStack(tables(['Orders']))], [asStack(tables(['Order']))]).map((f) => f.title);
    expect(titles).toContain('Deletes AWS::DynamoDB::Table OrdersTable');
  });

  it('the same loop on both sides is no change', () => {
    expect(gate([asStack(tables(['Orders', 'Users']))], [asStack(tables(['Orders', 'Users']))])).toEqual([]);
  });

  it('a finding on a resource a loop made points at the loop output key line', () => {
    const text = JSON.stringify(tables(['Orders']), null, 2);
    const at = locateLogicalId(text, 'OrdersTable');
    expect(at?.line).toBe(text.split('\n').findIndex((line) => line.includes('"${Name}Table"')) + 1);
  });
});

describe('a loop the template alone does not fix is refused with its JSON path (exit 2)', () => {
  const refused = (template: object, message: RegExp) => {
    expect(() => parsed(template)).toThrow(InputError);
    expect(() => parsed(template)).toThrow(message);
  };

  it('items from a parameter, with or without a default: deployment may set them', () => {
    for (const parameter of [{ Type: 'CommaDelimitedList' }, { Type: 'CommaDelimitedList', Default: 'a,b' }]) {
      refused(
        {
          Transform: LANG,
          Parameters: { Names: parameter },
          Resources: { 'Fn::ForEach::T': ['N', { Ref: 'Names' }, { '${N}T': table() }] },
        },
        /t\.json: Resources\.Fn::ForEach::T\[1\]: the loop's items are parameter Names, which deployment may set.*--change-set/,
      );
    }
  });

  it('without the AWS::LanguageExtensions transform, which CloudFormation requires', () => {
    refused(
      { Resources: { 'Fn::ForEach::T': ['N', ['a'], { '${N}T': table() }] } },
      /needs "Transform": "AWS::LanguageExtensions"/,
    );
  });

  it('a loop that writes a key twice, or of the wrong shape, or in a section CloudFormation does not expand', () => {
    refused(
      { Transform: LANG, Resources: { T: table(), 'Fn::ForEach::T': ['N', ['x'], { T: table() }] } },
      /Resources\.Fn::ForEach::T: writes the key "T" a second time/,
    );
    refused(
      { Transform: LANG, Resources: { 'Fn::ForEach::T': ['N', ['a', 'b'], { Fixed: table() }] } },
      /writes the key "Fixed" a second time/,
    );
    refused(
      { Transform: LANG, Resources: { 'Fn::ForEach::T': ['N', ['a']] } },
      /Resources\.Fn::ForEach::T: expected \[Identifier, Collection, \{OutputKey: OutputValue\}\]/,
    );
    refused(
      { Transform: LANG, Resources: { 'Fn::ForEach::T': ['N', [{ 'Fn::GetAZs': '' }], { '${N}T': table() }] } },
      /Resources\.Fn::ForEach::T\[1\]\[0\]: expected a string/,
    );
    refused(
      { Transform: LANG, Mappings: { 'Fn::ForEach::M': ['N', ['a'], { '${N}': {} }] }, Resources: { T: table() } },
      /Mappings: Fn::ForEach is allowed only in Resources, Conditions and Outputs/,
    );
    refused(
      {
        Transform: LANG,
        Resources: { 'Fn::ForEach::T': ['N', { 'Fn::FindInMap': ['No', 'Such', 'Map'] }, { '${N}T': table() }] },
      },
      /Fn::FindInMap this template does not resolve to a list of strings/,
    );
  });

  it('a Ref to a name an object inherits is no loop identifier', () => {
    refused(
      { Transform: LANG, Resources: { 'Fn::ForEach::T': ['N', [{ Ref: 'constructor' }], { '${N}T': table() }] } },
      /\[1\]\[0\]: expected a string/,
    );
  });

  it('loops that write more keys than any template holds', () => {
    const items = Array.from({ length: 400 }, (_, i) => `i${i}`);
    const loop = {
      Transform: LANG,
      Resources: {
        'Fn::ForEach::A': ['A', items, { 'Fn::ForEach::B': ['B', items, { '${A}x${B}': table() }] }],
      },
    };
    expect(items.length ** 2).toBeGreaterThan(MAX_LOOP_OUTPUTS);
    refused(loop, new RegExp(`write more than ${MAX_LOOP_OUTPUTS} keys`));
  });
});

describe('leash check on a template with loops', () => {
  it('judges the roles a loop makes (an administrator role is reported) and gates the tables it deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-for-each-'));
    const admin = {
      Transform: LANG,
      Resources: {
        'Fn::ForEach::Roles': [
          'Team',
          ['Ops'],
          {
            '${Team}Role': {
              Type: 'AWS::IAM::Role',
              Properties: {
                AssumeRolePolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
                  ],
                },
                ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
              },
            },
          },
        ],
      },
    };
    writeFileSync(join(dir, 'roles.json'), JSON.stringify(admin));
    // A baseline pairs with the template of the same stack name (the file name).
    for (const side of ['before', 'after']) mkdirSync(join(dir, side));
    writeFileSync(join(dir, 'before', 'Data.json'), JSON.stringify(tables(['Orders', 'Users'])));
    writeFileSync(join(dir, 'after', 'Data.json'), JSON.stringify(tables(['Orders'])));
    const run = async (...args: string[]) => {
      const io = memoryIo();
      const code = await runCli(['check', ...args, '--format', 'json'], io);
      return { code, findings: JSON.parse(io.out).findings as { ruleId: string; location?: { logicalId?: string } }[] };
    };
    const roles = await run(join(dir, 'roles.json'));
    expect(roles.code).toBe(1);
    expect(roles.findings.filter((f) => f.ruleId === 'full-admin').map((f) => f.location?.logicalId)).toEqual([
      'OpsRole',
    ]);
    const gated = await run(join(dir, 'after', 'Data.json'), '--baseline', join(dir, 'before', 'Data.json'));
    expect(gated.code).toBe(1);
    expect(gated.findings.filter((f) => f.ruleId === 'destructive-change').map((f) => f.location?.logicalId)).toEqual([
      'UsersTable',
    ]);
  });
});

describe('the other functions of AWS::LanguageExtensions the gate resolves', () => {
  const named = (name: unknown, extra: object = {}) => ({
    Transform: LANG,
    Mappings: { Names: { eu: { table: 'orders' } } },
    ...extra,
    Resources: { Orders: table({ TableName: name }) },
  });

  it('Fn::FindInMap with a DefaultValue: the default when the keys find nothing, so a changed default replaces', () => {
    const lookup = (fallback: string) => ({ 'Fn::FindInMap': ['Names', 'us', 'table', { DefaultValue: fallback }] });
    // The table's name written out, or read through the default: the same name, no change.
    expect(gate(named('orders'), named(lookup('orders')))).toEqual([]);
    const findings = gate(named('orders'), named(lookup('orders-v2')));
    expect(findings.map((f) => [f.ruleId, f.severity, f.title])).toEqual([
      ['destructive-change', 'critical', 'Replaces AWS::DynamoDB::Table Orders'],
    ]);
    // Found keys win over the default.
    const found = { 'Fn::FindInMap': ['Names', 'eu', 'table', { DefaultValue: 'other' }] };
    expect(gate(named('orders'), named(found))).toEqual([]);
  });

  it('Fn::Length counts a list: a name built from it changes when the list does', () => {
    const length = (items: string[]) => ({ 'Fn::Join': ['-', ['orders', { 'Fn::Length': items }]] });
    expect(gate(named(length(['a', 'b'])), named('orders-2'))).toEqual([]);
    expect(gate(named(length(['a', 'b'])), named(length(['a', 'b', 'c']))).map((f) => f.title)).toEqual([
      'Replaces AWS::DynamoDB::Table Orders',
    ]);
  });
});

describe('a Condition attribute written as an intrinsic (AWS::LanguageExtensions)', () => {
  const loop = (condition?: object) => ({
    Transform: LANG,
    Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
    Mappings: { Keep: { Condition: { Users: 'Never' } } },
    Resources: {
      'Fn::ForEach::Tables': [
        'Name',
        ['Orders', 'Users'],
        {
          '${Name}Table': { ...table({ TableName: { Ref: 'Name' } }), ...(condition ? { Condition: condition } : {}) },
        },
      ],
    },
  });
  const byMap = { 'Fn::FindInMap': ['Keep', 'Condition', { Ref: 'Name' }, { DefaultValue: { Ref: 'AWS::NoValue' } }] };
  const asStack = (template: object) => {
    const text = JSON.stringify(template);
    return stack(parseTemplateText(text, 'Data.json').template, 'Data', { text });
  };

  it('Fn::FindInMap gives the condition; its DefaultValue AWS::NoValue leaves the resource unconditional', () => {
    // Users now has the condition Never (false): it is deleted; Orders finds no key and keeps no condition.
    const findings = gate([asStack(loop())], [asStack(loop(byMap))]);
    expect(findings.map((f) => [f.ruleId, f.severity, f.title])).toEqual([
      ['destructive-change', 'critical', 'Deletes AWS::DynamoDB::Table UsersTable'],
    ]);
  });

  it('one the template does not decide leaves the existence unknown, named in the finding', () => {
    const unknown = {
      Transform: LANG,
      Parameters: { C: { Type: 'String' } },
      Resources: { T: table({}, { Condition: { Ref: 'C' } }) },
    };
    const findings = gate([asStack({ Resources: { T: table() } })], [asStack(unknown)]);
    expect(findings.map((f) => f.ruleId)).toEqual(['change-not-visible']);
    expect(findings[0].message).toContain(
      'Condition {"Ref":"C"}: whether the resource exists is decided at deployment',
    );
  });
});
