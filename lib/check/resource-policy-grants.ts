// A resource policy of a production resource that starts to let anyone delete or disarm it: `Principal: "*"`
// (or `{"AWS": "*"}`) on an Allow that names a destructive action, with no condition that narrows who. SCPs never
// bind principals of other accounts, so only an RCP (where the service has them) would still stop the call.
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { Catalog } from '../catalog/types';
import type { ProductionSelector } from '../guardrails/spec';
import { lambdaPermissionStatement } from '../audit/sources/lambda-permission';
import { compileActionMatcher, normalizeConditions } from '../policy';
import type { NormalizedCondition } from '../policy/types';
import { awsPrincipal } from '../policy/principals';
import { strangerAlwaysMeets, strangerMeets } from '../audit/evaluate/stranger';
import { NO } from '../audit/evaluate/tri';
import type { ResourceLookup } from './backup-coverage';
import { changeHash } from './change-hash';
import { canonicalStatement, guards, policyDocuments } from './resource-policy-denies';
import { PLACEHOLDER, type ResourcePair } from './stack-pairs';
import type { CfnResource } from './template-file';

export const OPEN_GRANT_RULE: RuleMeta = {
  id: 'production-open-to-anyone',
  category: 'destructive-change',
  severity: 'critical',
  title: 'A resource policy lets anyone delete or disarm a production resource',
  help:
    'A resource policy of a production resource gains an Allow whose principal is everyone ("*") for an action ' +
    'that deletes, recreates or disarms (the action catalog), with no condition that keeps out a caller of another ' +
    'account (StringNotEquals or ...IfExists on aws:PrincipalOrgID, a wildcard account in aws:PrincipalArn and a ' +
    'network condition alone all let one in). SCPs do not bind principals of other accounts. Critical for ' +
    'production, high when the target is not in the templates.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#resource-policies-open-to-anyone',
};

export const NAMED_GRANT_RULE: RuleMeta = {
  id: 'production-granted-directly',
  category: 'destructive-change',
  severity: 'critical',
  title: 'A resource policy grants a principal the deletion, disarming or running of a production resource',
  help:
    "A resource policy of a production resource gains an Allow that names a principal (a role, a user, a role's " +
    'sessions, another account, a service no condition ties to a source) for an action that deletes, recreates, ' +
    'disarms, escalates or runs code (the action catalog); a Lambda permission is read as its statement. ' +
    'Within the account such a grant needs no identity policy, and no permissions boundary caps it where it names a ' +
    "user or a session; another account is bound by none of this organization's SCPs. Naming the account itself " +
    '(its root) leaves the decision to IAM and is not reported. Critical for production, high when the target is not ' +
    'in the templates.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#resource-policies-that-name-a-principal',
};

/** A condition value only deployment knows (an intrinsic): a value no caller of another account sends. */
const SET_AT_DEPLOYMENT = 'leash-value-set-at-deployment';

/**
 * A statement's conditions as IAM reads them, an intrinsic value read as one only deployment knows; undefined
 * when the Condition is not an operator-to-keys map (what it asks cannot be read).
 */
function templateConditions(condition: unknown): NormalizedCondition[] | undefined {
  if (condition === undefined) return [];
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
  const plain: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return undefined;
    plain[operator] = {};
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      plain[operator][key] = (Array.isArray(value) ? value : [value]).map((v) =>
        v !== null && typeof v === 'object' ? SET_AT_DEPLOYMENT : String(v),
      );
    }
  }
  return normalizeConditions(plain);
}

/**
 * Whether a caller of another account can meet the statement's conditions (evaluate/stranger): a role or user of
 * its own, or with `service` a service acting for a resource of its own. Where it calls from counts as its pick
 * (an agent on the corporate network, or in the VPC, meets a network condition), and a Condition that cannot be
 * read is taken as met.
 */
function openToStrangers(statement: Record<string, unknown>, now: Date, service = false): boolean {
  const conditions = templateConditions(statement.Condition);
  if (conditions === undefined) return true;
  return strangerMeets({ conditions }, now, { network: true, service }).tri !== NO;
}

function toEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const aws = (principal as Record<string, unknown>).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

/**
 * Whether a principal value is the stack's own account (its root, or its id, also as written with
 * `AWS::AccountId`): that leaves the decision to the account's identity policies.
 */
function ownAccount(value: unknown, accountId: string | undefined): boolean {
  // YAML reads an unquoted account id as a number.
  if (typeof value === 'string' || typeof value === 'number') {
    const named = awsPrincipal(String(value));
    return named.kind === 'account' && named.accountId === accountId;
  }
  // CDK writes arn:${AWS::Partition}:iam::${AWS::AccountId}:root as a Fn::Join (or Fn::Sub) of these parts.
  const text = JSON.stringify(value) ?? '';
  return /AWS::AccountId/.test(text) && /:root"/.test(text) && !/:(role|user|assumed-role|federated-user)\//.test(text);
}

/**
 * Whether an Allow names a principal other than everyone and the stack's own account. A service counts only
 * when no condition ties it to a source (an S3 notification's bucket, a rule's ARN): narrowed, it is the
 * deployment's own wiring; unnarrowed, any account's resource could have the service call.
 */
function namedOthers(statement: Record<string, unknown>, accountId: string | undefined, now: Date): boolean {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || toEveryone(principal)) return false;
  return Object.entries(principal as Record<string, unknown>).some(([kind, who]) =>
    kind === 'AWS'
      ? (Array.isArray(who) ? who : [who]).some((value) => !ownAccount(value, accountId))
      : openToStrangers(statement, now, true),
  );
}

type GrantKind = 'everyone' | 'named';

/**
 * The resource's policy documents; a Lambda permission is the one statement it adds to its function's policy
 * (Principal an account, ARN, `*` or service; SourceArn, SourceAccount and PrincipalOrgID as conditions).
 */
function grantDocuments(resource: CfnResource | undefined): Record<string, unknown>[] {
  if (resource?.Type !== 'AWS::Lambda::Permission') return policyDocuments(resource?.Properties);
  const statement = lambdaPermissionStatement(resource.Properties ?? {}, '*');
  return [{ Version: '2012-10-17', Statement: [statement] }];
}

/** A statement field as a list of its JSON texts (`Resource` written as a string or a list). */
function texts(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) => JSON.stringify(item));
}

/**
 * The Deny statements of the documents that stop every caller of another account whatever it picks, wherever it
 * calls from: everyone as principal, on every resource the Allow names, conditioned only on what AWS assigns
 * (`StringNotEquals aws:PrincipalOrgID`, a data perimeter). Each as a test of the destructive actions it covers.
 */
function strangerDenies(
  documents: readonly Record<string, unknown>[],
): { covers: (action: string) => boolean; resources: readonly string[] }[] {
  const out: { covers: (action: string) => boolean; resources: readonly string[] }[] = [];
  for (const document of documents) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    for (const raw of statements) {
      if (!raw || typeof raw !== 'object') continue;
      const statement = raw as Record<string, unknown>;
      if (statement.Effect !== 'Deny' || !toEveryone(statement.Principal) || statement.NotAction !== undefined)
        continue;
      if (statement.NotResource !== undefined) continue;
      const conditions = templateConditions(statement.Condition);
      if (conditions === undefined || !strangerAlwaysMeets({ conditions }, { network: true })) continue;
      const patterns = texts(statement.Action).map((text) => JSON.parse(text) as unknown);
      if (!patterns.every((pattern) => typeof pattern === 'string')) continue;
      out.push({ covers: compileActionMatcher(patterns as string[]), resources: texts(statement.Resource) });
    }
  }
  return out;
}

/** The destructive actions an Allow of the resource's policies names, by statement: to everyone, or to named principals. */
function openGrants(
  resource: CfnResource | undefined,
  catalog: Catalog,
  kind: GrantKind,
  accountId: string,
  now: Date,
): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const documents = grantDocuments(resource);
  const denies = kind === 'everyone' ? strangerDenies(documents) : [];
  for (const document of documents) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    for (const raw of statements) {
      if (!raw || typeof raw !== 'object') continue;
      const statement = raw as Record<string, unknown>;
      if (statement.Effect !== 'Allow') continue;
      // An Allow with NotPrincipal is to everyone but those it names.
      const everyone = statement.NotPrincipal !== undefined || toEveryone(statement.Principal);
      if (kind === 'everyone' && (!everyone || !openToStrangers(statement, now))) continue;
      if (kind === 'named' && !namedOthers(statement, accountId, now)) continue;
      const patterns = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
        (action): action is string => typeof action === 'string',
      );
      // NotAction with everyone as principal grants every other action, destructive ones among them.
      const matches = statement.NotAction !== undefined ? () => true : compileActionMatcher(patterns);
      // A Deny that stops every outsider on the resources this Allow names takes its actions back.
      const resources = texts(statement.Resource);
      const blocked = denies.filter(
        (deny) => deny.resources.includes(JSON.stringify('*')) || resources.every((r) => deny.resources.includes(r)),
      );
      const destructive = catalog.destructive
        .filter((action) => matches(action.action) && !blocked.some((deny) => deny.covers(action.action)))
        .map((action) => action.action);
      if (destructive.length > 0) found.set(canonicalStatement(statement), destructive);
    }
  }
  return found;
}

export function openGrantFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  lookup: ResourceLookup,
  catalog: Catalog,
  kind: GrantKind = 'everyone',
  now: Date = new Date(),
): Finding[] {
  const rule = kind === 'everyone' ? OPEN_GRANT_RULE : NAMED_GRANT_RULE;
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const { before, after } = pair;
    if (!pair.changed || !after) continue;
    // The templates compared are resolved: AWS::AccountId is the stack's account, or the placeholder.
    const accountId = pair.stack.accountId ?? PLACEHOLDER.accountId;
    const open = openGrants(after, catalog, kind, accountId, now);
    if (open.size === 0) continue;
    const was = openGrants(before, catalog, kind, accountId, now);
    const added = [...open].filter(([key]) => !was.has(key));
    if (added.length === 0) continue;
    const { production: why, unseen } = guards(pair, after, production, lookup);
    if (!why && !unseen) continue;
    const actions = [...new Set(added.flatMap(([, names]) => names))];
    const hash = changeHash(pair.stack.key, pair.logicalId, before ?? null, after);
    const shown = actions.slice(0, 4).join(', ') + (actions.length > 4 ? ` and ${actions.length - 4} more` : '');
    findings.push({
      ruleId: rule.id,
      category: rule.category,
      severity: why ? 'critical' : 'high',
      title: `${rule.title}: ${after.Type} ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName} ${before ? 'changes' : 'adds'} ${pair.logicalId} (${after.Type}) ` +
        `so that ${kind === 'everyone' ? 'anyone ("*", no condition that keeps out other accounts)' : `${namedText(added)}`} may ${shown}; ` +
        `${why ?? `${unseen}, so it may guard production`}. ` +
        `Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: added.slice(0, 4).map(([statement]) => ({
        policy: `template:${pair.stack.key}`,
        policyKind: 'template' as const,
        statement: JSON.parse(statement) as unknown,
        note: kind === 'everyone' ? 'Allow to everyone' : 'Allow to a named principal',
      })),
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: after.Type,
        action: before ? 'modify' : 'add',
        openActions: actions.slice(0, 100),
        openActionCount: actions.length,
        guards: why ?? unseen,
        changeHash: hash,
        statements: added.length,
      },
      remediation:
        kind === 'everyone'
          ? `Name the principals (or add aws:PrincipalOrgID); a deliberate grant needs a suppression naming change ${hash}, approved by two people.`
          : `Grant deletions through IAM (the account as principal) so that boundaries and SCPs apply; a deliberate grant needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: rule.docsUrl,
    });
  }
  return findings;
}

/** Who the added statements name, for the message. */
function namedText(added: readonly [string, string[]][]): string {
  const names = new Set<string>();
  for (const [statement] of added) {
    const principal = (JSON.parse(statement) as { Principal?: unknown }).Principal;
    for (const [kind, who] of Object.entries((principal ?? {}) as Record<string, unknown>)) {
      for (const value of Array.isArray(who) ? who : [who]) {
        names.add(
          kind === 'AWS' ? (typeof value === 'string' ? value : JSON.stringify(value)) : `${kind} ${String(value)}`,
        );
      }
    }
  }
  const list = [...names];
  return list.slice(0, 3).join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
}
