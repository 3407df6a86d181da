// The stranger: a caller of another account that picks what callers pick and nothing AWS assigns. Asked
// directly, condition by condition, as the trust rules and the gate ask it.
import { normalizeConditions } from '../../../lib/policy';
import { refusesEach, strangerAlwaysMeets, strangerMeets } from '../../../lib/audit/evaluate/stranger';
import { ABSENT, present } from '../../../lib/audit/evaluate/key-value';
import { MAYBE, NO, YES } from '../../../lib/audit/evaluate/tri';

const NOW = new Date('2026-12-06T12:00:00Z');
const statement = (condition: Record<string, Record<string, unknown>>) => ({
  conditions: normalizeConditions(condition as Parameters<typeof normalizeConditions>[0]),
});

describe('strangerMeets', () => {
  it.each([
    ['its own organization named', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, NO],
    ['every organization but one', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, YES],
    ['the organization ...IfExists', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } }, YES],
    ['some organization (Null false)', { Null: { 'aws:PrincipalOrgID': 'false' } }, YES],
    ['a role of this account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } }, NO],
    ['a role name in any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' } }, YES],
    ['this account', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }, NO],
    ['a tag it sets', { StringEquals: { 'aws:PrincipalTag/team': 'platform' } }, YES],
    ['a source account (a service key)', { StringEquals: { 'aws:SourceAccount': '111122223333' } }, NO],
    ['a corporate network', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, NO],
    ['any VPC endpoint', { StringLike: { 'aws:SourceVpce': 'vpce-*' } }, YES],
    ['a grant that ran out', { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, NO],
    ['a policy variable', { StringEquals: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/owner}' } }, MAYBE],
  ])('a caller of another account against %s', (_what, condition, expected) => {
    expect(strangerMeets(statement(condition), NOW).tri).toBe(expected);
  });

  it('meets a network condition when where it calls from is its pick', () => {
    const corporate = statement({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    expect(strangerMeets(corporate, NOW, { network: true }).tri).toBe(YES);
  });

  it('as a service acting for a resource of its own: a source only another account owns is no tie', () => {
    const anyBucket = statement({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } });
    const oneBucket = statement({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::uploads' } });
    const ownAccount = statement({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    expect(strangerMeets(anyBucket, NOW, { service: true }).tri).toBe(YES);
    expect(strangerMeets(oneBucket, NOW, { service: true }).tri).toBe(NO);
    expect(strangerMeets(ownAccount, NOW, { service: true }).tri).toBe(NO);
  });

  it('shows the values it sends, and null for a key it meets by sending none', () => {
    const answer = strangerMeets(statement({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } }), NOW);
    expect(answer.sent).toEqual({ 'aws:PrincipalOrgID': null });
  });
});

describe('strangerAlwaysMeets (a Deny that stops every stranger)', () => {
  it('holds for conditions on what AWS assigns, in every place the stranger may stand', () => {
    expect(strangerAlwaysMeets(statement({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }))).toBe(true);
    expect(strangerAlwaysMeets(statement({ StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } }))).toBe(true);
  });

  it('does not hold for what the stranger picks, nor for a network it may call from', () => {
    expect(strangerAlwaysMeets(statement({ StringNotEquals: { 'aws:PrincipalTag/team': 'x' } }))).toBe(false);
    const vpce = statement({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123' } });
    expect(strangerAlwaysMeets(vpce)).toBe(true);
    expect(strangerAlwaysMeets(vpce, { network: true })).toBe(false);
  });
});

describe('refusesEach', () => {
  const externalId = (condition: Record<string, Record<string, unknown>>) =>
    refusesEach(statement(condition), 'sts:externalid', [present(['another-customer']), ABSENT]);

  it('is a guard only when every value another caller sends is refused', () => {
    expect(externalId({ StringEquals: { 'sts:ExternalId': 's3cret' } })).toBe(true);
    expect(externalId({ StringEqualsIfExists: { 'sts:ExternalId': 's3cret' } })).toBe(false);
    expect(externalId({ StringNotEquals: { 'sts:ExternalId': 's3cret' } })).toBe(false);
    expect(externalId({})).toBe(false);
  });
});
