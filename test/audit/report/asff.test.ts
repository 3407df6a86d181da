// ASFF: every finding valid against the AwsSecurityFinding shape of the Security Hub API model (BatchImportFindings
// input), with ids that stay the same from run to run.
import { renderReport, type ReportInput } from '../../../lib/audit/report';
import { AsffError } from '../../../lib/audit/report/asff';
import { checkShape, loadBotocoreModel } from '../../support/botocore-shape';
import { auditFinding, reportInput, suppressedFinding } from './fixtures';

const options = { asff: { region: 'eu-west-1', now: new Date('2026-01-02T03:04:05Z') } };
const auditOnly: ReportInput = { ...reportInput, findings: [auditFinding, suppressedFinding] };
const findingsOf = (input: ReportInput) =>
  JSON.parse(renderReport(input, 'asff', options)) as Record<string, unknown>[];

const securityHub = loadBotocoreModel('securityhub');
const withModel = securityHub ? describe : describe.skip;
if (!securityHub) {
  console.warn('asff schema check skipped: the Security Hub API model is missing (apt-get install python3-botocore)');
}

withModel('asff against the Security Hub API model (botocore securityhub service-2.json)', () => {
  // Jest runs a skipped describe's body too (to list its tests): without the model this must not throw.
  const model = securityHub?.model as NonNullable<typeof securityHub>['model'];

  it('gives AwsSecurityFinding objects the model accepts', () => {
    const findings = findingsOf(auditOnly);
    expect(findings).toHaveLength(2);
    for (const finding of findings) expect(checkShape(model, 'AwsSecurityFinding', finding)).toEqual([]);
  });

  it('really checks the shape: a misspelt member, a wrong enum and a missing field fail', () => {
    const [finding] = findingsOf(auditOnly);
    expect(checkShape(model, 'AwsSecurityFinding', { ...finding, Titel: 'x' })).not.toEqual([]);
    expect(checkShape(model, 'AwsSecurityFinding', { ...finding, Severity: { Label: 'SEVERE' } })).not.toEqual([]);
    const { Resources: _resources, ...withoutResources } = finding;
    expect(checkShape(model, 'AwsSecurityFinding', withoutResources)).not.toEqual([]);
  });

  it('stays valid with text past the documented limits (Title 256, Description 1,024 characters)', () => {
    const long = { ...auditFinding, title: 't'.repeat(600), message: 'm'.repeat(5000), remediation: 'r'.repeat(900) };
    const [finding] = findingsOf({ ...auditOnly, findings: [long] });
    expect(checkShape(model, 'AwsSecurityFinding', finding)).toEqual([]);
    expect((finding.Title as string).length).toBe(256);
    expect((finding.Description as string).length).toBe(1024);
  });
});

describe('asff', () => {
  it('names the account, the product of that account in the region, the severity and the IAM resource', () => {
    const [finding] = findingsOf(auditOnly);
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      AwsAccountId: '111122223333',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'agent-leash/can-delete-production',
      CreatedAt: '2026-01-02T03:04:05.000Z',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      Resources: [{ Type: 'AwsIamRole', Id: auditFinding.principalArn, Partition: 'aws', Region: 'eu-west-1' }],
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
  });

  it('marks a suppressed finding SUPPRESSED', () => {
    expect(findingsOf(auditOnly)[1].Workflow).toEqual({ Status: 'SUPPRESSED' });
  });

  it('keeps ids stable across runs and unique within one, even for two findings of one rule and principal', () => {
    const twice = {
      ...auditOnly,
      findings: [auditFinding, { ...auditFinding, message: 'another' }, suppressedFinding],
    };
    const first = findingsOf(twice).map((f) => f.Id);
    expect(new Set(first).size).toBe(3);
    const later = JSON.parse(renderReport(twice, 'asff', { asff: { ...options.asff, now: new Date() } })) as {
      Id: string;
    }[];
    expect(later.map((f) => f.Id)).toEqual(first);
  });

  it('cuts a long description between characters, never inside one (no half of a surrogate pair)', () => {
    const message = '\u{1F600}'.repeat(600);
    const [finding] = findingsOf({ ...auditOnly, findings: [{ ...auditFinding, message }] });
    const description = finding.Description as string;
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(description).toBe(`${'\u{1F600}'.repeat(511)}…`);
  });

  it('refuses findings without an AWS account (template findings) instead of inventing one', () => {
    expect(() => renderReport(reportInput, 'asff', options)).toThrow(/1 finding\(s\) carry no AWS account id/);
  });

  it('refuses a missing or malformed region', () => {
    expect(() => renderReport(auditOnly, 'asff')).toThrow(AsffError);
    expect(() => renderReport(auditOnly, 'asff', { asff: { ...options.asff, region: 'Ireland' } })).toThrow(
      /not an AWS Region name/,
    );
  });
});
