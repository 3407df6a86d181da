// Which source identities no caller may set on a role's sessions: only a refusal that holds for every caller the
// trust admits, by an RCP (any caller) or an SCP (callers of the role's own account).
import { sessionChoices } from '../../../lib/audit/graph/trust';
import { policiesInUse } from '../../../lib/audit/rules/support/policies';
import { sourceIdentityRefusals } from '../../../lib/audit/rules/support/source-identity-refusals';
import { ACCOUNT, deny, FULL_AWS_ACCESS, policy, principal, snapshot } from '../evaluate/helpers';

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const OTHER_ROOT = 'arn:aws:iam::444455556666:root';
const onValue = { StringLike: { 'sts:SourceIdentity': 'breakglass-*' } };

function refusals(options: {
  callers?: string[];
  scps?: Record<string, unknown>;
  rcps?: Record<string, unknown>;
  management?: boolean;
}) {
  const role = {
    ...principal('admin'),
    trustPolicy: policy({
      Effect: 'Allow',
      Principal: { AWS: options.callers ?? [ROOT] },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    }),
  };
  const account = snapshot({
    principals: [role],
    scps: [{ full: FULL_AWS_ACCESS, ...(options.scps ?? {}) }],
    ...(options.rcps ? { rcps: [options.rcps] } : {}),
    isManagementAccount: options.management,
  });
  const admin = account.principals[0];
  return sourceIdentityRefusals(account, policiesInUse(account), admin, sessionChoices(account, admin));
}

describe('sourceIdentityRefusals', () => {
  const refuseInScp = { refuse: policy(deny('sts:SetSourceIdentity', '*', { Condition: onValue })) };

  it('an SCP refuses the value to callers of the account, and no other value', () => {
    const refused = refusals({ scps: refuseInScp })!;
    expect(refused('breakglass-x')).toBe(true);
    expect(refused('alice')).toBe(false);
  });

  it('not where the trust admits another account, whose SCPs are not these', () => {
    expect(refusals({ scps: refuseInScp, callers: [ROOT, OTHER_ROOT] })).toBeUndefined();
  });

  it('an RCP refuses it to every caller, of any account', () => {
    const rcp = policy({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:SetSourceIdentity',
      Resource: '*',
      Condition: onValue,
    });
    expect(refusals({ rcps: { rcp }, callers: [ROOT, OTHER_ROOT] })?.('breakglass-x')).toBe(true);
  });

  it('reads the Deny as AWS does: NotAction, a wildcard action, any case of the key, NotResource, no condition', () => {
    const statement = (extra: Record<string, unknown>) => ({ Effect: 'Deny', Resource: '*', ...extra });
    const refusedBy = (document: unknown) => refusals({ scps: { document } })?.('breakglass-x') ?? false;
    expect(refusedBy(policy(statement({ NotAction: 's3:*', Condition: onValue })))).toBe(true);
    expect(refusedBy(policy(statement({ NotAction: 'sts:*', Condition: onValue })))).toBe(false);
    expect(refusedBy(policy(statement({ Action: 'STS:Set*', Condition: onValue })))).toBe(true);
    const upperKey = { StringLike: { 'STS:sourceIDENTITY': 'breakglass-*' } };
    expect(refusedBy(policy(statement({ Action: 'sts:SetSourceIdentity', Condition: upperKey })))).toBe(true);
    const notOurs = {
      Effect: 'Deny',
      Action: 'sts:SetSourceIdentity',
      NotResource: `arn:aws:iam::${ACCOUNT}:role/admin`,
    };
    expect(refusedBy(policy({ ...notOurs, Condition: onValue }))).toBe(false);
    // No condition: no value may be set at all.
    expect(refusals({ scps: { document: policy(deny('sts:SetSourceIdentity')) } })?.('alice')).toBe(true);
    // The caller's own source identity (aws:SourceIdentity) is not the value set: it refuses nothing for sure.
    const callers = { StringLike: { 'aws:SourceIdentity': 'breakglass-*' } };
    expect(refusedBy(policy(statement({ Action: 'sts:SetSourceIdentity', Condition: callers })))).toBe(false);
  });

  it('not a Deny that lets some caller through, nor one on other roles, nor in the management account', () => {
    const exceptIdp = policy(
      deny('sts:SetSourceIdentity', '*', {
        Condition: { ...onValue, ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/idp` } },
      }),
    );
    expect(refusals({ scps: { exceptIdp } })?.('breakglass-x') ?? false).toBe(false);
    const otherRoles = policy(
      deny('sts:SetSourceIdentity', `arn:aws:iam::${ACCOUNT}:role/team-*`, { Condition: onValue }),
    );
    expect(refusals({ scps: { otherRoles } })).toBeUndefined();
    expect(refusals({ scps: refuseInScp, management: true })).toBeUndefined();
  });
});
