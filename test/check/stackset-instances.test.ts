// Removing an OU, an account or a region from a StackSet's StackInstancesGroup deletes the stack instances
// there, with every resource of the StackSet's template: the template is unchanged, so only the targets tell.
import type { Finding } from '../../lib/audit/rules/types';
import { gate, table } from './gate-helpers';

const stackSet = (
  targets: object,
  regions = ['us-east-1'],
  body: object | null = { Resources: { Ledger: table() } },
) => ({
  Resources: {
    Fleet: {
      Type: 'AWS::CloudFormation::StackSet',
      Properties: {
        StackSetName: 'fleet',
        PermissionModel: 'SERVICE_MANAGED',
        StackInstancesGroup: [{ DeploymentTargets: targets, Regions: regions }],
        ...(body ? { TemplateBody: JSON.stringify(body) } : { TemplateURL: 'https://example.com/fleet.json' }),
      },
    },
  },
});
const instanceFindings = (findings: Finding[]) =>
  findings.filter((finding) => finding.title.startsWith('Deletes stack instances'));

describe('stack instances removed from a StackSet', () => {
  it('an OU removed deletes the production table in each of its accounts: critical', () => {
    const [finding] = instanceFindings(
      gate(stackSet({ OrganizationalUnitIds: ['ou-a', 'ou-b'] }), stackSet({ OrganizationalUnitIds: ['ou-a'] })),
    );
    expect(finding).toMatchObject({ ruleId: 'destructive-change', severity: 'critical' });
    expect(finding.message).toMatch(/stack instances of OU "ou-b" in "us-east-1"/);
    expect(finding.message).toMatch(/Ledger \(AWS::DynamoDB::Table, environment=production\)/);
  });

  it('a region removed is the same deletion', () => {
    const targets = { Accounts: ['111111111111'] };
    const [finding] = instanceFindings(gate(stackSet(targets, ['us-east-1', 'eu-west-1']), stackSet(targets)));
    expect(finding?.message).toMatch(/account "111111111111" in "eu-west-1"/);
  });

  it('a template not visible here (TemplateURL) fails closed', () => {
    const [finding] = instanceFindings(
      gate(stackSet({ Accounts: ['1', '2'] }, undefined, null), stackSet({ Accounts: ['1'] }, undefined, null)),
    );
    expect(finding?.severity).toBe('critical');
    expect(finding.message).toMatch(/not visible here/);
  });

  it('a changed account filter may remove accounts', () => {
    const filtered = (type: string) => ({ OrganizationalUnitIds: ['ou-a'], Accounts: ['1'], AccountFilterType: type });
    expect(instanceFindings(gate(stackSet(filtered('DIFFERENCE')), stackSet(filtered('INTERSECTION'))))).toHaveLength(
      1,
    );
  });

  it('targets added, or the same targets in another order, delete nothing', () => {
    const ous = (ids: string[]) => stackSet({ OrganizationalUnitIds: ids });
    expect(instanceFindings(gate(ous(['ou-a']), ous(['ou-b', 'ou-a'])))).toEqual([]);
    expect(instanceFindings(gate(ous(['ou-a', 'ou-b']), ous(['ou-b', 'ou-a'])))).toEqual([]);
  });
});
