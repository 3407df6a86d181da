// Exemptions cannot be claimed: everyone but the exempt principals is denied creating, re-trusting,
// re-policying, re-bounding, re-tagging, passing and deleting a role whose ARN an exempt pattern matches.
// Decided by the independent simulator on the generated SCPs at their organization levels.
import { ACCOUNT, proofPolicies, simulate, type PrincipalKind, type ProofPolicies } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import type { CatalogAction } from '../../lib/catalog/types';
import { generateGuardrails, GuardrailSpec } from '../../lib/guardrails';
import { exemptIdentities, exemptionGuardActions } from '../../lib/guardrails/exemptions';

const catalog = loadCatalog();
const spec = GuardrailSpec.parse({
  exemptPrincipalArns: [
    'arn:aws:iam::*:role/leash-break-glass',
    'arn:aws:iam::*:role/leash-deployment-pipeline',
    'arn:aws:iam::*:role/stacksets-exec-*',
    'arn:aws:iam::*:user/emergency-operator',
    'arn:aws:sts::*:assumed-role/OrganizationAccountAccessRole/*',
  ],
});
let policies: ProofPolicies;
beforeAll(() => {
  policies = proofPolicies(generateGuardrails(spec, catalog));
});

function action(name: string): CatalogAction {
  const found = catalog.get(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
}

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const EXEMPT_ROLES = [
  role('leash-break-glass'),
  role('leash-deployment-pipeline'),
  role('stacksets-exec-0a1b2c3d'),
  role('OrganizationAccountAccessRole'),
  role('admin-path/OrganizationAccountAccessRole'),
];
/** What a takeover needs: make the role, let yourself assume it, give it power, or hand it to a service. */
const TAKEOVER = [
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PassRole',
  'iam:DeleteRole',
];
const NON_EXEMPT: PrincipalKind[] = ['ordinary', 'cloudformation', 'agent'];

const decide = (name: string, resourceArn: string, principal: PrincipalKind, principalArn?: string) =>
  simulate(policies, spec, { action: action(name), resource: 'untagged', principal, resourceArn, principalArn })
    .decision ?? 'error';

describe('exempt-named roles', () => {
  it(`deny all ${TAKEOVER.length * EXEMPT_ROLES.length * NON_EXEMPT.length} takeover attempts by an ordinary role, CloudFormation's execution role and an agent`, () => {
    const allowed: string[] = [];
    for (const name of TAKEOVER) {
      for (const target of EXEMPT_ROLES) {
        for (const principal of NON_EXEMPT) {
          if (decide(name, target, principal) !== 'denied') allowed.push(`${principal} ${name} ${target}`);
        }
      }
    }
    expect(allowed).toEqual([]);
  });

  it('let the exempt principals manage them (break-glass re-trusting the pipeline, a StackSet execution role creating its own)', () => {
    expect(decide('iam:UpdateAssumeRolePolicy', role('leash-deployment-pipeline'), 'exempt')).toBe('allowed');
    expect(decide('iam:CreateRole', role('stacksets-exec-99887766'), 'ordinary', role('stacksets-exec-0a1b2c3d'))).toBe(
      'allowed',
    );
    expect(
      decide('iam:PassRole', role('leash-deployment-pipeline'), 'ordinary', role('leash-deployment-pipeline')),
    ).toBe('allowed');
  });

  it('leave other roles alone, including a look-alike name the pattern does not match', () => {
    for (const target of [role('app-team-deployer'), role('leash-break-glass-2'), role('team/leash-break-glass')]) {
      expect(decide('iam:CreateRole', target, 'ordinary')).toBe('allowed');
      expect(decide('iam:UpdateAssumeRolePolicy', target, 'cloudformation')).toBe('allowed');
    }
  });

  it('deny credential and policy changes on an exempt-named user', () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/emergency-operator`;
    for (const name of ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:AttachUserPolicy']) {
      expect([name, decide(name, user, 'ordinary')]).toEqual([name, 'denied']);
    }
    expect(decide('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/someone-else`, 'ordinary')).toBe('allowed');
  });
});

describe('an exemption written as an assumed-role session', () => {
  // aws:PrincipalArn of a role session is the role's ARN (with its path), never arn:aws:sts::...:assumed-role/...
  const sessionOf = [role('OrganizationAccountAccessRole'), role('admin-path/OrganizationAccountAccessRole')];

  it.each(sessionOf)('exempts the sessions of %s from the production deny and the name guard', (principalArn) => {
    const production = simulate(policies, spec, {
      action: action('rds:DeleteDBInstance'),
      resource: 'production',
      principal: 'ordinary',
      principalArn,
    });
    expect(production.decision).toBe('allowed');
    expect(decide('iam:UpdateAssumeRolePolicy', role('OrganizationAccountAccessRole'), 'ordinary', principalArn)).toBe(
      'allowed',
    );
  });

  it('still leaves everyone else denied', () => {
    const production = simulate(policies, spec, {
      action: action('rds:DeleteDBInstance'),
      resource: 'production',
      principal: 'ordinary',
    });
    expect(production.decision).toBe('denied');
  });

  it('is refused when it names one session: aws:PrincipalArn cannot tell sessions apart', () => {
    expect(() =>
      generateGuardrails({ exemptPrincipalArns: ['arn:aws:sts::123456789012:assumed-role/Ops/alice'] }, catalog),
    ).toThrow(/exemptPrincipalArns\[0\].*aws:PrincipalArn.*assumed-role\/Ops\/\*/);
  });
});

describe('exemptIdentities', () => {
  it('maps an assumed-role session to its role at any path, and protects nothing for a root user', () => {
    expect(
      exemptIdentities(['arn:aws:sts::*:assumed-role/Ops/*', 'arn:aws:iam::123456789012:root']).map((i) => [
        i.kind,
        i.resources,
      ]),
    ).toEqual([
      ['role', ['arn:aws:iam::*:role/Ops', 'arn:aws:iam::*:role/*/Ops']],
      ['root', []],
    ]);
  });

  it.each(['*', 'arn:aws:iam::*:federated-user/ops', 'arn:aws:sts::*:federated-user/ops', 'arn:aws:iam:::role/x'])(
    'refuses %s, which it could not protect',
    (pattern) => {
      expect(() => exemptIdentities([pattern])).toThrow(/exemptPrincipalArns\[0\]/);
    },
  );

  it('guards every IAM write on a role the catalog lists, and no read', () => {
    const names = exemptionGuardActions(catalog, 'role').map((a) => a.action);
    expect(names).toEqual(expect.arrayContaining(TAKEOVER));
    expect(names.filter((n) => /:(Get|List)/.test(n))).toEqual([]);
  });
});
