// A replacement cascades across nested stacks: a parent passes a replaced resource to a child as a parameter,
// or one nested stack's output (reading a replaced resource) reaches another through the parent. The reader is
// replaced at deployment although its own template text is the same on both sides.
import type { LoadedStack } from '../../lib/check/assembly';
import { gate, prodTags, stack } from './gate-helpers';

const nested = (parentKey: string, logicalId: string): Partial<LoadedStack> => ({ nestedIn: { parentKey, logicalId } });
const network = (cidr: string) => ({
  Network: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } },
  Private: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Network' }, CidrBlock: '10.0.1.0/24' } },
});
const nestedStack = (parameters: object = {}) => ({
  Type: 'AWS::CloudFormation::Stack',
  Properties: { TemplateURL: 'https://example.com/t.json', Parameters: parameters },
});
// A production instance in the child, placed by a parameter: its template is the same before and after.
const child = stack(
  {
    Parameters: { SubnetId: { Type: 'String' } },
    Resources: {
      Ledger: {
        Type: 'AWS::EC2::Instance',
        Properties: { ImageId: 'ami-1', SubnetId: { Ref: 'SubnetId' }, Tags: prodTags },
      },
    },
  },
  'App/Child',
  nested('App', 'Child'),
);
const destructive = (findings: ReturnType<typeof gate>) =>
  findings.filter((finding) => finding.ruleId === 'destructive-change');

describe('a replacement cascades into a nested stack through its parameters', () => {
  const parent = (cidr: string) =>
    stack({ Resources: { ...network(cidr), Child: nestedStack({ SubnetId: { Ref: 'Private' } }) } }, 'App');

  it('a production instance in a subnet the parent replaces may be replaced', () => {
    const [finding] = destructive(gate([parent('10.0.0.0/16'), child], [parent('10.1.0.0/16'), child]));
    expect(finding).toMatchObject({ severity: 'high', title: 'May replace AWS::EC2::Instance Ledger' });
    expect(finding.message).toMatch(
      /SubnetId \(may: reads parameter SubnetId, passed from stack App: Private, which is replaced\)/,
    );
  });

  it('nothing replaced in the parent, nothing cascades', () => {
    expect(destructive(gate([parent('10.0.0.0/16'), child], [parent('10.0.0.0/16'), child]))).toEqual([]);
  });
});

describe("a replacement cascades from one nested stack's outputs to another", () => {
  const parent = stack(
    {
      Resources: {
        Net: nestedStack(),
        Child: nestedStack({ SubnetId: { 'Fn::GetAtt': ['Net', 'Outputs.SubnetId'] } }),
      },
    },
    'App',
  );
  const net = (cidr: string) =>
    stack(
      { Resources: network(cidr), Outputs: { SubnetId: { Value: { Ref: 'Private' } } } },
      'App/Net',
      nested('App', 'Net'),
    );

  it('a production instance in a sibling stack whose subnet is replaced may be replaced', () => {
    const [finding] = destructive(gate([parent, net('10.0.0.0/16'), child], [parent, net('10.1.0.0/16'), child]));
    expect(finding).toMatchObject({ severity: 'high', title: 'May replace AWS::EC2::Instance Ledger' });
    expect(finding.message).toMatch(/an output of nested stack Net that reads Private, which is replaced/);
  });

  it('its change hash differs from the not-visible finding an unchanged deployment shows', () => {
    const unchanged = gate([parent, net('10.0.0.0/16'), child], [parent, net('10.0.0.0/16'), child]);
    const changed = gate([parent, net('10.0.0.0/16'), child], [parent, net('10.1.0.0/16'), child]);
    const hashes = (findings: ReturnType<typeof gate>) =>
      new Set(findings.map((finding) => finding.details?.changeHash));
    const [cascade] = destructive(changed);
    expect(hashes(unchanged).has(cascade.details?.changeHash)).toBe(false);
  });
});

describe('a type the specification does not describe may be replaced by what it reads', () => {
  const template = (cidr: string) => ({
    Resources: {
      ...network(cidr),
      Atlas: {
        Type: 'MongoDB::Atlas::Cluster',
        Properties: { Name: 'orders', SubnetId: { Ref: 'Private' }, Tags: prodTags },
      },
    },
  });

  it('a production registry-type cluster in a replaced subnet may be replaced', () => {
    const [finding] = destructive(gate(template('10.0.0.0/16'), template('10.1.0.0/16')));
    // Production, and taken as holding data (whether a registry type does is unknown): critical.
    expect(finding).toMatchObject({ severity: 'critical', title: 'May replace MongoDB::Atlas::Cluster Atlas' });
    expect(finding.message).toMatch(/SubnetId \(may: reads Private, which is replaced\)/);
  });
});
