// CloudFormation modules (`Org::Service::UseCase::MODULE`) make their resources at deployment from a registry
// template no input holds: removing one deletes what it made, and a new or changed one deploys what nobody saw.
import { unseenTemplateCaveats } from '../../lib/check/unseen-templates';
import { isModuleType, statefulReason } from '../../lib/check/stateful-types';
import { gate, stack } from './gate-helpers';

const moduleResource = (properties: object = { TableName: 'orders' }) => ({
  Type: 'MyCo::Data::Table::MODULE',
  Properties: properties,
});
const topic = { Type: 'AWS::SNS::Topic' };
const rows = (findings: ReturnType<typeof gate>) => findings.map((f) => [f.ruleId, f.severity, f.title]);

describe('CloudFormation modules in the change gate', () => {
  it('a removed module deletes what it made: high, critical in a production stack, naming what is not visible', () => {
    const before = { Resources: { Data: moduleResource(), T: topic } };
    const after = { Resources: { T: topic } };
    const findings = gate(before, after);
    expect(rows(findings)).toEqual([['destructive-change', 'high', 'Deletes MyCo::Data::Table::MODULE Data']]);
    expect(findings[0].message).toContain('what it holds is not in the baseline: not visible here');
    const production = { environment: 'production' };
    const inProduction = gate(
      [stack(before, 'Data', { stackTags: production })],
      [stack(after, 'Data', { stackTags: production })],
    );
    expect(inProduction.map((f) => f.severity)).toEqual(['critical']);
  });

  it('a changed or a new module is not visible here (high) until a change set answers it; an unchanged one is quiet', () => {
    const before = { Resources: { Data: moduleResource() } };
    const changed = gate(before, { Resources: { Data: moduleResource({ TableName: 'orders-v2' }) } });
    expect(rows(changed)).toEqual([['change-not-visible', 'high', 'Not visible here: MyCo::Data::Table::MODULE Data']]);
    expect(changed[0].message).toContain('module Data makes its resources at deployment and its definition changes');
    const added = gate(
      { Resources: { T: topic } },
      { Resources: { T: topic, Net: { Type: 'MyCo::Net::Vpc::MODULE' } } },
    );
    expect(rows(added)).toEqual([['change-not-visible', 'high', 'Not visible here: MyCo::Net::Vpc::MODULE Net']]);
    expect(gate(before, before)).toEqual([]);
  });

  it('a module turned into another type is also a replacement', () => {
    const after = { Resources: { Data: { Type: 'AWS::SNS::Topic' } } };
    expect(rows(gate({ Resources: { Data: moduleResource() } }, after))).toContainEqual([
      'destructive-change',
      'high',
      'Replaces MyCo::Data::Table::MODULE Data',
    ]);
  });

  it('the IAM rules say the roles a module deploys are not judged', () => {
    const caveats = unseenTemplateCaveats([stack({ Resources: { Data: moduleResource() } })]);
    expect(caveats).toEqual([expect.stringContaining('Module Data (MyCo::Data::Table::MODULE, Data.json)')]);
  });

  it('knows module types by their four-part name ending in MODULE', () => {
    expect(isModuleType('MyCo::Data::Table::MODULE')).toBe(true);
    expect(isModuleType('AWS::DynamoDB::Table')).toBe(false);
    expect(isModuleType('MyCo::Data::MODULE')).toBe(false);
    expect(statefulReason('MyCo::Data::Table::MODULE')).toMatch(/CloudFormation module/);
  });
});

describe('types the bundled specification does not describe', () => {
  const atlas = { Type: 'MongoDB::Atlas::Cluster', Properties: { Name: 'orders' } };

  it('are taken as holding data: removing an untagged third-party cluster is high, not passed over', () => {
    const findings = gate({ Resources: { Atlas: atlas, T: topic } }, { Resources: { T: topic } });
    expect(rows(findings)).toEqual([['destructive-change', 'high', 'Deletes MongoDB::Atlas::Cluster Atlas']]);
    expect(findings[0].message).toContain('stateful');
    expect(statefulReason('MongoDB::Atlas::Cluster')).toMatch(/does not describe .* it may hold data/);
  });

  it('but not custom resources (judged by their handler) or types the specification knows', () => {
    expect(statefulReason('Custom::Seed')).toBeUndefined();
    expect(statefulReason('AWS::SNS::Topic')).toBeUndefined();
    expect(statefulReason('AWS::Serverless::Function')).toBeUndefined();
    // CDK's metadata resource: gone when an app turns version reporting off, which deletes nothing.
    expect(statefulReason('AWS::CDK::Metadata')).toBeUndefined();
    const metadata = { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:x' } };
    expect(gate({ Resources: { CDKMetadata: metadata, T: topic } }, { Resources: { T: topic } })).toEqual([]);
  });
});
