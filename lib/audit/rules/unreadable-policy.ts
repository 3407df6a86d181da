// A statement the audit cannot read (`"Action": 7`, `"Condition": null`, a policy that is not JSON) may
// grant or deny anything: the rest of the policy is still analysed, and the principals it reaches are
// flagged high so a run never passes on input it did not understand.
import { salvagePolicy, type UnreadableStatement } from '../../policy';
import { compileAccount, CompileCache } from '../evaluate';
import type { Catalog } from '../../catalog/types';
import { memoize2, newWeakMap } from '../../util/memo';
import type { PolicyType } from '../../policy/types';
import { shareParseCache, snapshotParseCache } from '../sources/parse-cache';
import { principalLookup } from '../sources/principal-lookup';
import type { AccountSnapshot, Principal } from '../sources/snapshot';
import type { Evidence, Finding, RuleContext, RuleFinding, RuleMeta } from './types';
import { docsUrl } from './support/meta';
import { reachedPrincipals } from './support/policies';
import { productionDeletions } from './support/production';
import { rawStatement } from './support/meta';

export const meta: RuleMeta = {
  id: 'unreadable-policy',
  category: 'invalid-policy',
  severity: 'high',
  title: 'Policy statement that cannot be read',
  help:
    'A statement of a policy in use does not follow the IAM policy grammar (a number where an action should ' +
    'be, a null Condition, a principal in an unknown form) or the document is not readable JSON at all. ' +
    'What it grants or denies is unknown, so the audit treats it as the worst case: the rest of the policy is ' +
    'still analysed and every principal it reaches gets this finding, which fails the run at the default ' +
    '--fail-on high. So does a managed policy or group a principal has that the input leaves out. Fix the statement (`leash validate` names the problem) or the export that damaged it.',
  docsUrl: docsUrl('unreadable-policy'),
};

const KIND_NAMES: Record<Evidence['policyKind'], string> = {
  inline: 'inline policy',
  'group-inline': 'group inline policy',
  managed: 'managed policy',
  boundary: 'permissions boundary',
  trust: 'trust policy',
  scp: 'SCP',
  rcp: 'RCP',
  template: 'template policy',
  resource: 'resource policy',
};

interface Unreadable {
  readonly kind: Evidence['policyKind'];
  readonly name: string;
  readonly evidencePolicy: string;
  readonly document: unknown;
  readonly statements: readonly UnreadableStatement[];
}

function describe(statements: readonly UnreadableStatement[]): string {
  return statements
    .map(({ path, problems }) => {
      const first = problems[0];
      const where = first?.path || path || '(document)';
      const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
      return `${where}: ${first?.message ?? 'cannot be read'}${more}`;
    })
    .join('; ');
}

function finding(
  policy: Unreadable,
  principal: Principal | undefined,
  consequence: string,
  severity: Finding['severity'] = meta.severity,
): Finding {
  const evidence: Evidence[] = policy.statements.slice(0, 8).map(({ index, problems }) => {
    const statement = index === undefined ? undefined : rawStatement(policy.document, index);
    return {
      policy: policy.evidencePolicy,
      policyKind: policy.kind,
      ...(index !== undefined ? { statementIndex: index } : {}),
      ...(statement !== undefined ? { statement } : {}),
      note: problems.map((p) => `${p.path || '(document)'}: ${p.message}`).join('; '),
    };
  });
  const whole = policy.statements.some((s) => s.index === undefined && s.path === '');
  return {
    ruleId: meta.id,
    category: meta.category,
    severity,
    title: meta.title,
    message:
      `${KIND_NAMES[policy.kind]} ${policy.name}: ${whole ? 'the policy' : `${policy.statements.length} statement(s)`} ` +
      `cannot be read (${describe(policy.statements)}); ${consequence}.`,
    ...(principal ? { principalArn: principal.arn, location: principal.location } : {}),
    evidence,
    details: {
      key: `${policy.kind}|${policy.evidencePolicy}`,
      ...(principal ? {} : { policyArn: policy.evidencePolicy }),
      paths: policy.statements.map((s) => s.path || '(document)'),
      problems: policy.statements.flatMap((s) => s.problems.map((p) => `${p.path || '(document)'}: ${p.message}`)),
    },
    remediation:
      'Correct the statement so it follows the IAM policy grammar (run `leash validate` on the document), or ' +
      're-export the account if the file was damaged; then run the audit again.',
    docsUrl: meta.docsUrl,
  };
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, snapshot } = context;
  const cache = snapshotParseCache(snapshot);
  const salvage = (document: unknown, type: PolicyType) => salvagePolicy(document, { type, cache });
  const findings: RuleFinding[] = [];
  for (const policy of [...analysis.policies, ...analysis.resourceGrants]) {
    const salvaged = salvage(policy.document, policy.type);
    const statements = salvaged.unreadable;
    if (statements.length === 0) continue;
    const unreadable: Unreadable = {
      kind: policy.kind,
      name: policy.name,
      evidencePolicy: policy.evidencePolicy,
      document: salvaged.document,
      statements,
    };
    if (policy.kind === 'scp' || policy.kind === 'rcp') {
      findings.push(
        finding(
          unreadable,
          undefined,
          'what it allows or denies in the organization is unknown, so no deny it may hold is counted on, and ' +
            'a statement not written as a Deny is taken as allowing everything at its level (its worst case)',
        ),
      );
      continue;
    }
    const onlyDenies = statements.every(
      (s) =>
        s.index !== undefined && (rawStatement(salvaged.document, s.index) as { Effect?: unknown })?.Effect === 'Deny',
    );
    const consequence =
      policy.kind === 'boundary'
        ? 'the boundary is treated as unknown, so it limits nothing the audit can count on'
        : onlyDenies
          ? 'the Deny was left out of the analysis: it protects nothing the audit can count on'
          : 'what it grants is unknown: the principal may have more access than this report shows';
    for (const principal of reachedPrincipals(policy, snapshot)) {
      // An unknown grant is taken at its worst, Allow *: critical when nothing else the audit read (the boundary,
      // the SCPs, the Deny statements it holds) would then stop the principal deleting production.
      const worst = !onlyDenies && policy.kind !== 'boundary' && worstCaseDeletes(context, principal);
      findings.push(
        finding(
          unreadable,
          principal,
          worst ? `${consequence}; taken as Allow *, it could delete production (${worst})` : consequence,
          worst ? 'critical' : meta.severity,
        ),
      );
    }
  }
  findings.push(...absentPolicyFindings(context));
  for (const role of snapshot.principals) {
    if (role.kind !== 'role' || role.serviceLinked || role.trustPolicy === undefined) continue;
    const salvaged = salvage(role.trustPolicy, 'trust');
    const statements = salvaged.unreadable;
    if (statements.length === 0) continue;
    findings.push(
      finding(
        {
          kind: 'trust',
          name: `of ${role.name}`,
          evidencePolicy: 'trust',
          document: salvaged.document,
          statements,
        },
        role,
        'who may assume the role is unknown: it may be anyone',
      ),
    );
  }
  return findings;
}

/**
 * A managed policy attached to a principal, or a group a user belongs to, that the input does not hold (a
 * filtered or hand-cut export, a policy without a default version, a template that imports a policy by ARN):
 * what it grants is as unknown as an unreadable statement's, so each principal it reaches gets the same
 * finding. AWS managed policies the bundled data knows are in the snapshot already (sources/bundled-policies).
 */
function absentPolicyFindings(context: RuleContext): RuleFinding[] {
  const { snapshot } = context;
  const template = snapshot.source.kind === 'template';
  const known = new Set(snapshot.managedPolicies.map((policy) => policy.arn));
  const groups = new Map(snapshot.principals.filter((p) => p.kind === 'group').map((group) => [group.name, group]));
  const findings: RuleFinding[] = [];
  const absent = (principal: Principal, what: readonly string[], evidence: Evidence[]) => {
    const worst = worstCaseDeletes(context, principal);
    findings.push({
      severity: worst ? 'critical' : meta.severity,
      message:
        `${what.join('; ')}: not in the input, so what it grants is unknown: the principal may have more ` +
        `access than this report shows${worst ? `; taken as Allow *, it could delete production (${worst})` : ''}.`,
      principalArn: principal.arn,
      location: principal.location,
      evidence,
      details: { absent: evidence.map((e) => e.policy) },
      remediation: template
        ? 'The templates attach a policy they do not define (imported by ARN, or an AWS managed policy newer ' +
          'than the bundled data): define it in the app, or read what it grants and suppress this finding ' +
          'with a written reason.'
        : 'Export the account again without a --filter that leaves policies or groups out (`aws iam ' +
          'get-account-authorization-details` with no options), so every attached policy is in the file; then ' +
          'run the audit again.',
    });
  };
  for (const principal of snapshot.principals) {
    if (principal.kind === 'group') continue;
    const what: string[] = [];
    const evidence: Evidence[] = [];
    const policiesOf = (owner: Principal, via: string) => {
      for (const arn of owner.managedPolicyArns) {
        if (known.has(arn)) continue;
        what.push(`managed policy ${arn} attached${via}`);
        evidence.push({ policy: arn, policyKind: 'managed', note: `attached${via}; not in the input` });
      }
    };
    policiesOf(principal, '');
    for (const name of principal.groups) {
      const group = groups.get(name);
      if (group) {
        policiesOf(group, ` to its group ${name}`);
        continue;
      }
      what.push(`group ${name}, whose policies apply to it`);
      evidence.push({ policy: `group:${name}`, policyKind: 'group-inline', note: 'group not in the input' });
    }
    if (what.length > 0) absent(principal, what, evidence);
  }
  return findings;
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const worstCaseCaches = new WeakMap<Catalog, WeakMap<AccountSnapshot, CompileCache>>();

/**
 * Whether the principal could delete production if what the audit cannot read granted everything: its readable
 * policies, boundary and SCPs kept, Allow * added. Undefined when something read still stops it (or it is exempt);
 * else one of the deletions, for the message.
 */
function worstCaseDeletes(context: RuleContext, principal: Principal): string | undefined {
  const { snapshot, catalog, guardrails, analysis } = context;
  if (principal.serviceLinked || analysis.isExempt(principal.arn)) return undefined;
  const probe: Principal = {
    ...principal,
    inlinePolicies: [...principal.inlinePolicies, { name: 'leash-worst-case', document: ALLOW_ALL }],
  };
  const groups = [...new Set(principal.groups)].flatMap((name) => principalLookup(snapshot).group(name) ?? []);
  const alone: AccountSnapshot = { ...snapshot, principals: [probe, ...groups] };
  shareParseCache(snapshot, alone);
  // Through one compile cache of the account: the Allow * every principal is given is one statement, and the
  // principals asked share the evaluator's plans as the principals of one account do.
  const cache = memoize2<Catalog, AccountSnapshot, CompileCache>(
    worstCaseCaches,
    catalog,
    snapshot,
    newWeakMap,
    () => new CompileCache(catalog, { oneAccount: true }),
  );
  const compiled = compileAccount(alone, catalog, cache, context.now, principal.arn).principal(principal.arn);
  if (!compiled) return undefined;
  const { actions, requests } = productionDeletions(catalog, guardrails, analysis.productionTags(principal));
  for (const { request } of requests) {
    const runs = compiled.decisionRuns(actions, request);
    const k = runs.decisions.findIndex((d) => d.decision === 'allowed');
    if (k >= 0) return actions[k === 0 ? 0 : runs.ends[k - 1]].action;
  }
  return undefined;
}
