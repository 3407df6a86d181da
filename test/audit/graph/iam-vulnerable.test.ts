// Bishop Fox iam-vulnerable, as deployed in the Cloudsplaining example account (../shared/data): every
// principal it builds to be exploitable is found by privilege-escalation, and none of the test cases built to
// have no path. The labels are ours, written from iam-vulnerable's own Terraform modules and README
// (github.com/BishopFox/iam-vulnerable: modules/free-resources/privesc-paths/*.tf, tool-testing/*.tf, and the
// README's "Supported Privilege Escalation Paths" table), not from any tool's output.
import { readFileSync } from 'node:fs';
import { auditAccount } from '../../../lib/audit/audit';
import * as privilegeEscalation from '../../../lib/audit/rules/privilege-escalation';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import { loadCatalog } from '../../../lib/catalog';
import { CLOUDSPLAINING_AUTHZ } from '../../support/shared-data';

/** Why a principal is (true) or is not (false) exploitable, by iam-vulnerable's construction. */
const EXPLOITABLE: Readonly<Record<string, readonly [boolean, string]>> = {};
const label = (names: readonly string[], exploitable: boolean, why: string) => {
  for (const name of names) (EXPLOITABLE as Record<string, readonly [boolean, string]>)[name] = [exploitable, why];
};
const both = (prefix: string) => [`${prefix}-user`, `${prefix}-role`];

// README "Supported Privilege Escalation Paths": the 21 original paths, each attached to a user and a role.
label(
  [
    'privesc1-CreateNewPolicyVersion',
    'privesc2-SetExistingDefaultPolicyVersion',
    'privesc3-CreateEC2WithExistingInstanceProfile',
    'privesc4-CreateAccessKey',
    'privesc5-CreateLoginProfile',
    'privesc6-UpdateLoginProfile',
    'privesc7-AttachUserPolicy',
    'privesc8-AttachGroupPolicy',
    'privesc9-AttachRolePolicy',
    'privesc10-PutUserPolicy',
    'privesc11-PutGroupPolicy',
    'privesc12-PutRolePolicy',
    'privesc13-AddUserToGroup',
    'privesc14-UpdatingAssumeRolePolicy',
    'privesc15-PassExistingRoleToNewLambdaThenInvoke',
    'privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo',
    'privesc17-EditExistingLambdaFunctionWithRole',
    'privesc18-PassExistingRoleToNewGlueDevEndpoint',
    'privesc19-UpdateExistingGlueDevEndpoint',
    'privesc20-PassExistingRoleToCloudFormation',
    'privesc21-PassExistingRoleToNewDataPipeline',
  ].flatMap(both),
  true,
  'one of the 21 original paths (README table; privesc-paths/privescN-*.tf attach the path policy to the user and the role)',
);
// README: the service paths added later, each to a user and a role.
label(
  [
    'privesc-CloudFormationUpdateStack',
    'privesc-codeBuildCreateProjectPassRole',
    'privesc-ec2InstanceConnect',
    'privesc-sageMakerCreateNotebookPassRole',
    'privesc-sageMakerCreatePresignedNotebookURL',
    'privesc-sageMakerCreateProcessingJobPassRole',
    'privesc-sageMakerCreateTrainingJobPassRole',
    'privesc-ssmSendCommand',
    'privesc-ssmStartSession',
  ].flatMap(both),
  true,
  'a service path of the README table (privesc-paths/privesc-<service>*.tf)',
);
label(
  ['privesc-AssumeRole-starting-role', 'privesc-AssumeRole-intermediate-role'],
  true,
  'privesc-AssumeRole.tf: starting role → intermediate role → ending role, each trusting the previous one by ARN',
);
label(['privesc-AssumeRole-ending-role'], true, 'privesc-AssumeRole.tf: the end of the chain holds Action "*"');
label(['privesc-sre-user', 'privesc-sre-role'], true, 'sre.tf: iam:*, ec2:* and s3:* on the role and the group');
label(['privesc-high-priv-service-role'], true, 'the high-privilege role the PassRole paths pass');
label(
  [
    'fn1-privesc3-partial',
    'fn2-exploitableResourceConstraint',
    'fn3-exploitableConditionConstraint',
    'fn4-exploitableNotAction',
  ].flatMap(both),
  true,
  'tool-testing fnN: exploitable, built to be missed (a path split over two policies, a resource pattern that matches its own policy, a date condition that holds, NotAction that leaves IAM writes)',
);
label(
  [
    'fp1-allow-and-deny',
    'fp2-allow-and-deny-multiple-policies',
    'fp3-deny-iam',
    'fp4-nonExploitableResourceConstraint',
    'fp5-nonExploitableConditionConstraint',
  ].flatMap(both),
  false,
  'tool-testing fpN: built to have no path (a Deny that wins, a resource pattern matching only AWS managed policies, a date condition that can never hold)',
);
label(
  ['privesc-AssumeRole-start-user'],
  false,
  'privesc-AssumeRole.tf gives the user no policy, and the starting role trusts the deploying principal, not the user',
);
label(
  ['privesc-permissive-role-trust'],
  false,
  'tool-testing/privesc-permissive-role-trust.tf: a role with no policies (it shows a bad trust, it cannot escalate)',
);

describe('iam-vulnerable in the Cloudsplaining example account', () => {
  const catalog = loadCatalog();
  const snapshot = parseAuthorizationDetails(JSON.parse(readFileSync(CLOUDSPLAINING_AUTHZ, 'utf8')), 'example');
  const result = auditAccount(snapshot, {
    catalog,
    rules: [privilegeEscalation],
    now: new Date('2026-12-01T00:00:00Z'),
  });
  const flagged = new Map(result.findings.map((f) => [f.principalArn!.split('/').pop()!, f]));
  const names = snapshot.principals.filter((p) => p.kind !== 'group').map((p) => p.name);

  it('labels every principal iam-vulnerable made (privesc*, fn*, fp*)', () => {
    const made = names.filter((n) => /^(privesc|fn\d|fp\d)/.test(n));
    expect(made.filter((n) => !(n in EXPLOITABLE))).toEqual([]);
    expect(Object.keys(EXPLOITABLE).filter((n) => !names.includes(n))).toEqual([]);
    // 74 exploitable, 12 not: the 72 the issue counted plus the two targets (ending role, high-privilege role).
    expect(Object.values(EXPLOITABLE).filter(([e]) => e)).toHaveLength(74);
    expect(Object.values(EXPLOITABLE).filter(([e]) => !e)).toHaveLength(12);
  });

  it('finds every exploitable principal', () => {
    const missed = Object.entries(EXPLOITABLE).filter(([name, [exploitable]]) => exploitable && !flagged.has(name));
    expect(missed.map(([name, [, why]]) => `${name}: ${why}`)).toEqual([]);
  });

  it('finds none of the principals built to have no path', () => {
    const alarms = Object.entries(EXPLOITABLE).filter(([name, [exploitable]]) => !exploitable && flagged.has(name));
    expect(alarms.map(([name]) => `${name}: ${flagged.get(name)!.message}`)).toEqual([]);
  });

  it('shows the AssumeRole chain hop by hop, each trust naming the previous role', () => {
    const starting = flagged.get('privesc-AssumeRole-starting-role')!;
    const path = starting.details!.path as { hops: { from: string; to: string; kind: string }[] };
    expect(path.hops.map((h) => [h.kind, h.to.split('/').pop()])).toEqual([
      ['assume-role', 'privesc-AssumeRole-intermediate-role'],
      ['assume-role', 'privesc-AssumeRole-ending-role'],
    ]);
    expect(starting.severity).toBe('high');
    expect(starting.message).toContain(
      'role/privesc-AssumeRole-starting-role → assume role/privesc-AssumeRole-intermediate-role → assume role/privesc-AssumeRole-ending-role',
    );
  });

  it('reports escalation on compute the snapshot cannot show at info, naming what it needs', () => {
    const update = flagged.get('privesc17-EditExistingLambdaFunctionWithRole-user')!;
    expect(update.severity).toBe('info');
    expect(update.message).toContain('a Lambda function that runs as the role');
  });
});
