// Role trust policies read for the graph: who may assume the role, and on what terms. A same-account trust
// that names the caller's own ARN (or its role session) lets it in without any sts grant of its own; a trust
// of an account (its root or its id) lets in only those of that account whose own policies allow
// sts:AssumeRole on the role. Conditions are answered from what the snapshot knows about the caller and the
// audit time, and a session name or external ID are what the caller passes, as are session tags and a source
// identity where the trust lets it pass them (and are absent where it lets no caller pass them); the rest (MFA,
// ...) are kept as what the edge depends on.
import { parsePolicy, rawStatement, statementCoversAction, type NormalizedStatement } from '../../policy';
import type { NormalizedCondition } from '../../policy/types';
import { callerPickGroup, REQUESTED_REGION, VIA_AWS_SERVICE } from '../evaluate/caller-picks';
import { answerFromAuditTime, isAuditTimeKey } from '../evaluate/audit-time';
import { evaluateCondition, type ConditionResult } from '../evaluate/condition';
import { isPrincipalKey, principalKeyValue, type PrincipalFacts } from '../evaluate/context';
import { ABSENT, UNKNOWN, present, type KeyLookup, type KeyValue } from '../evaluate/key-value';
import { answerCondition, ORG_PATHS_KEY } from '../evaluate/org-paths';
import { roleSessionId } from '../evaluate/role-session-id';
import { parsePolicyValue, substitute } from '../evaluate/policy-variables';
import { MAYBE, NO, YES, type Tri } from '../evaluate/tri';
import type { Evidence } from '../findings';
import { snapshotParseCache } from '../sources/parse-cache';
import { awsPrincipal, patternNames } from '../../policy/principals';
import { hasWildcard, withWildcardsFilled } from '../../policy/wildcard';
import type { AccountSnapshot, Principal } from '../sources/snapshot';

/** What a trust statement lets in. */
export type TrustedParty =
  /** Any principal of this account whose own policies allow it (trust of `arn:aws:iam::<id>:root` or `<id>`). */
  | { readonly kind: 'account'; readonly accountId: string }
  /** Everyone (`"AWS": "*"`), each through its own policies. */
  | { readonly kind: 'everyone' }
  /** One IAM user or role, by ARN. */
  | { readonly kind: 'principal'; readonly arn: string }
  /** Sessions of one role (`arn:aws:sts::<id>:assumed-role/<name>/<session>`). */
  | { readonly kind: 'role-session'; readonly accountId: string; readonly roleName: string; readonly session: string }
  /** An AWS service principal, e.g. `lambda.amazonaws.com`. */
  | { readonly kind: 'service'; readonly service: string }
  /**
   * An `AWS` value with wildcards. IAM accepts none in a principal, but a template's principal that cannot be
   * resolved is read as one (`arn:aws:iam::123456789012:role/*`) so that an Allow covers no less than it may:
   * every user, role, role session and account root it may name (see patternNames).
   */
  | { readonly kind: 'pattern'; readonly pattern: string };

export interface TrustGrant {
  readonly role: Principal;
  readonly roleAccountId: string;
  readonly party: TrustedParty;
  readonly statement: NormalizedStatement;
  readonly evidence: Evidence;
  /** The statement has conditions on the caller (aws:PrincipalArn, PrincipalTag, ...): decided per caller. */
  readonly callerConditions: boolean;
  /** It has conditions on what a caller passes only where it may (session tags, a source identity). */
  readonly sessionConditions?: boolean;
  /**
   * The trust policy could not be read, so who may assume the role is unknown: read as everyone, each through
   * its own policies, and every edge through it depends on that policy (UNREADABLE_TRUST).
   */
  readonly unreadable?: true;
}

/** What an edge through a trust policy that could not be read depends on. */
export const UNREADABLE_TRUST = 'the trust policy, which could not be read (who may assume the role is unknown)';

/** The stand-in for such a policy: an Allow of sts:AssumeRole to everyone, without conditions. */
const ANYONE_MAY_ASSUME: NormalizedStatement = {
  index: 0,
  effect: 'Allow',
  actions: ['sts:AssumeRole'],
  principals: { AWS: ['*'] },
  conditions: [],
};

export interface ParsedTrust {
  readonly grants: readonly TrustGrant[];
  /** Deny statements of the trust policy that can apply to sts:AssumeRole. */
  readonly denies: readonly NormalizedStatement[];
  /** Statements (Allow or Deny) that can apply to sts:TagSession or sts:SetSourceIdentity. */
  readonly sessionStatements: readonly NormalizedStatement[];
  /** Some grant or Deny reads a session value (SESSION_VALUE_ACTIONS): it is answered caller by caller. */
  readonly readsSessionValues: boolean;
}

/**
 * What a caller of sts:AssumeRole may pass with its request beside the session name: session tags (read as
 * aws:RequestTag/*, aws:TagKeys, sts:TransitiveTagKeys) when sts:TagSession is allowed it, and a source identity
 * (sts:SourceIdentity) when sts:SetSourceIdentity is. AWS refuses a request that passes them otherwise, so a
 * request that gets through without that permission carries none.
 */
export type SessionAction = 'sts:TagSession' | 'sts:SetSourceIdentity';
export const SESSION_VALUE_ACTIONS: readonly SessionAction[] = ['sts:TagSession', 'sts:SetSourceIdentity'];

/** For each SessionAction, whether the caller may pass what it governs: YES any value, NO none, MAYBE unknown. */
export type SessionValues = Readonly<Record<SessionAction, Tri>>;

/** The action that governs a condition key's value in sts:AssumeRole, if a caller passes it. */
export function sessionValueAction(lowerKey: string): SessionAction | undefined {
  if (lowerKey.startsWith('aws:requesttag/') || lowerKey === 'aws:tagkeys' || lowerKey === 'sts:transitivetagkeys') {
    return 'sts:TagSession';
  }
  return lowerKey === 'sts:sourceidentity' ? 'sts:SetSourceIdentity' : undefined;
}

function readsSessionValue(statement: NormalizedStatement): boolean {
  return statement.conditions.some((c) => sessionValueAction(c.key.toLowerCase()) !== undefined);
}

/** What the graph knows about the request when it answers conditions: the audit time and the organization. */
export interface ConditionFacts {
  /** ISO time the audit answers date conditions at (aws:CurrentTime, aws:EpochTime, aws:TokenIssueTime). */
  readonly now: Date;
  /** Organization id of each account the snapshot knows it for. */
  readonly organizationOf?: (accountId: string) => string | undefined;
  /** The values aws:PrincipalOrgPaths may have for a principal of the account (org-paths.ts), where known. */
  readonly orgPathsOf?: (accountId: string) => readonly string[] | undefined;
}

function isCallerKey(lowerKey: string): boolean {
  return isPrincipalKey(lowerKey);
}

/**
 * Reads `AWS` and `Service` principal entries, which assume a role with sts:AssumeRole only: a statement that
 * allows them sts:AssumeRoleWithSAML or WithWebIdentity alone lets none of them in. Federated principals are not
 * principals of the graph, but for Cognito identity pools (sts:AssumeRoleWithWebIdentity).
 */
function parties(statement: NormalizedStatement): TrustedParty[] {
  if (!statementCoversAction(statement, 'sts:AssumeRole')) return cognitoParties(statement);
  const out = awsParties(statement);
  for (const service of statement.principals?.Service ?? [])
    out.push({ kind: 'service', service: service.toLowerCase() });
  return [...out, ...cognitoParties(statement)];
}

/** The IAM principals, accounts and patterns a statement's `AWS` principal entries name. */
function awsParties(statement: NormalizedStatement): TrustedParty[] {
  const out: TrustedParty[] = [];
  for (const value of statement.principals?.AWS ?? []) {
    // A wildcard anywhere but in `"*"` itself makes a pattern, even where the rest reads as one role's ARN.
    if (value !== '*' && hasWildcard(value)) {
      out.push({ kind: 'pattern', pattern: value.toLowerCase() });
      continue;
    }
    const named = awsPrincipal(value);
    if (named.kind === 'everyone' || named.kind === 'account' || named.kind === 'role-session') out.push(named);
    else if (named.kind === 'role' || named.kind === 'user') out.push({ kind: 'principal', arn: value });
  }
  return out;
}

/** Cognito identity pools pass roles through web identity federation. */
function cognitoParties(statement: NormalizedStatement): TrustedParty[] {
  if (!statementCoversAction(statement, 'sts:AssumeRoleWithWebIdentity')) return [];
  const federated = statement.principals?.Federated ?? [];
  return federated.some((f) => f.toLowerCase() === 'cognito-identity.amazonaws.com')
    ? [{ kind: 'service', service: 'cognito-identity.amazonaws.com' }]
    : [];
}

const parsedTrust = new WeakMap<Principal, ParsedTrust>();

/** What a trust statement grants, apart from the role it belongs to. */
interface StatementTrust {
  /** It covers sts:AssumeRole, the call of IAM users, roles and services (a Deny then stops them). */
  readonly assume: boolean;
  readonly parties: readonly TrustedParty[];
  readonly callerConditions: boolean;
  readonly sessionConditions: boolean;
}

const statementTrusts = new WeakMap<NormalizedStatement, StatementTrust>();

/**
 * Read once per statement object: roles whose trust policies say the same share one parsed policy (the parse
 * cache keeps them by content), and 10,000 roles hold about a thousand distinct ones.
 */
function statementTrust(statement: NormalizedStatement): StatementTrust {
  let trust = statementTrusts.get(statement);
  if (!trust) {
    trust = {
      assume: statementCoversAction(statement, 'sts:AssumeRole'),
      parties: parties(statement),
      // A condition on the caller, or one whose value names the caller (`${aws:username}` as the session name).
      callerConditions: statement.conditions.some(
        (c) =>
          isCallerKey(c.key.toLowerCase()) ||
          c.values.some((v) => parsePolicyValue(v).variableKeys.some((key) => isCallerKey(key))),
      ),
      // One on a value the caller passes only where it is allowed to (session tags, a source identity).
      sessionConditions: readsSessionValue(statement),
    };
    statementTrusts.set(statement, trust);
  }
  return trust;
}

/**
 * The role's trust policy, parsed once. One that cannot be read (the problem is reported by unreadable-policy,
 * which says it may let in anyone) is taken as letting in everyone, each through its own policies, and each
 * such edge depends on it: an unknown trust must not cut the paths through the role.
 */
/** A role's trust policy parsed as the snapshot's readers parse it (one parse per document, shared). */
function parsedTrustPolicy(snapshot: AccountSnapshot, roleArn: string, document: unknown) {
  return parsePolicy(document, {
    type: 'trust',
    where: `${roleArn} trust policy`,
    cache: snapshotParseCache(snapshot),
  });
}

export function roleTrust(snapshot: AccountSnapshot, role: Principal): ParsedTrust {
  let trust = parsedTrust.get(role);
  if (trust) return trust;
  const grants: TrustGrant[] = [];
  const denies: NormalizedStatement[] = [];
  const sessionStatements: NormalizedStatement[] = [];
  if (role.kind === 'role' && role.trustPolicy !== undefined) {
    const parsed = parsedTrustPolicy(snapshot, role.arn, role.trustPolicy);
    if (parsed.ok) {
      for (const statement of parsed.policy.statements) {
        if (SESSION_VALUE_ACTIONS.some((action) => statementCoversAction(statement, action)))
          sessionStatements.push(statement);
        const { assume, parties: trusted, callerConditions, sessionConditions } = statementTrust(statement);
        if (statement.effect === 'Deny') {
          if (assume) denies.push(statement);
          continue;
        }
        if (!assume && trusted.length === 0) continue;
        const evidence = trustStatementEvidence(role, statement);
        for (const party of trusted) {
          grants.push({
            role,
            roleAccountId: snapshot.accountId,
            party,
            statement,
            evidence,
            callerConditions,
            sessionConditions,
          });
        }
        if (statement.notPrincipals && assume) {
          // Allow with NotPrincipal: everyone but those listed, each through its own policies.
          grants.push({
            role,
            roleAccountId: snapshot.accountId,
            party: { kind: 'everyone' },
            statement,
            evidence,
            callerConditions,
            sessionConditions,
          });
        }
      }
    } else {
      grants.push({
        role,
        roleAccountId: snapshot.accountId,
        party: { kind: 'everyone' },
        statement: ANYONE_MAY_ASSUME,
        evidence: {
          policy: `${role.arn} trust`,
          policyKind: 'trust',
          note: `could not be read (${parsed.problems
            .slice(0, 2)
            .map((p) => `${p.path || '(document)'}: ${p.message}`)
            .join('; ')}): taken as letting in anyone`,
        },
        callerConditions: false,
        unreadable: true,
      });
    }
  }
  const readsSessionValues = [...grants.map((g) => g.statement), ...denies].some(readsSessionValue);
  trust = { grants, denies, sessionStatements, readsSessionValues };
  parsedTrust.set(role, trust);
  return trust;
}

/**
 * A role's trust of a SAML identity provider: whoever signs assertions the provider's metadata vouches for signs
 * in as the role (sts:AssumeRoleWithSAML). The `SAML:*` keys its conditions read are what the assertion says,
 * so what its signer writes; a condition on another key stays what the edge depends on.
 */
export interface SamlTrust {
  readonly role: Principal;
  /** The provider's ARN as the trust names it (`arn:aws:iam::<id>:saml-provider/<name>`). */
  readonly provider: string;
  /** Condition keys not written in the assertion (not `SAML:*`), which the trust also reads. */
  readonly dependsOn: readonly string[];
  readonly evidence: Evidence;
  /** The trust lets the provider's assertions carry session tags (sts:TagSession): their signer picks them. */
  readonly sessionTags: boolean;
}

const samlTrusts = new WeakMap<Principal, readonly SamlTrust[]>();

/**
 * The SAML providers a role's trust lets sign in as it: an Allow of sts:AssumeRoleWithSAML naming the provider,
 * which no Deny of the trust without conditions takes back. A trust that cannot be read names none here (it is
 * read as everyone's elsewhere: roleTrust).
 */
export function roleSamlTrusts(snapshot: AccountSnapshot, role: Principal): readonly SamlTrust[] {
  let found = samlTrusts.get(role);
  if (found) return found;
  const out: SamlTrust[] = [];
  if (role.kind === 'role' && role.trustPolicy !== undefined) {
    const parsed = parsedTrustPolicy(snapshot, role.arn, role.trustPolicy);
    if (parsed.ok) {
      const statements = parsed.policy.statements;
      const saml = (statement: NormalizedStatement) => statementCoversAction(statement, 'sts:AssumeRoleWithSAML');
      const providersOf = (statement: NormalizedStatement) =>
        (statement.principals?.Federated ?? []).filter((f) => /^arn:[^:]+:iam::\d{12}:saml-provider\//.test(f));
      const blanketDenies = statements.filter((st) => st.effect === 'Deny' && saml(st) && st.conditions.length === 0);
      const deniedTo = (provider: string) =>
        blanketDenies.some(
          (deny) => (deny.principals?.AWS ?? []).includes('*') || providersOf(deny).includes(provider),
        );
      const tagging = statements.filter((st) => st.effect === 'Allow' && statementCoversAction(st, 'sts:TagSession'));
      for (const statement of statements) {
        if (statement.effect !== 'Allow' || !saml(statement)) continue;
        const dependsOn = [...new Set(statement.conditions.map((c) => c.key).filter((key) => !/^saml:/i.test(key)))];
        for (const provider of providersOf(statement)) {
          if (deniedTo(provider)) continue;
          out.push({
            role,
            provider,
            dependsOn,
            sessionTags: tagging.some((st) => providersOf(st).includes(provider)),
            evidence: trustStatementEvidence(role, statement),
          });
        }
      }
    }
  }
  found = out;
  samlTrusts.set(role, found);
  return found;
}

/**
 * Request values an IAM caller of sts:AssumeRole writes itself: the session name, and the external ID, which
 * the trust policy shows to whoever can read it (AWS: it is not a secret). Whatever a trust asks of them, a
 * caller can pass (within the keys' character sets; conflicting conditions on one key are not looked for).
 */
const CALLER_CHOSEN = new Set(['sts:rolesessionname', 'sts:externalid']);

/**
 * The CALLER_CHOSEN keys a statement's conditions read, and the keys of the caller's picks (evaluate/caller-picks:
 * the region, where it calls from, how it calls): a trust that asks for the corporate network is met from
 * there. (Each statement on its own: that the picks a trust and the caller's own policies ask for are one place
 * is not checked.)
 */
function callerChosenKeys(statement: NormalizedStatement, session: SessionValues | undefined): Set<string> | undefined {
  let keys: Set<string> | undefined;
  for (const condition of statement.conditions) {
    const key = condition.key.toLowerCase();
    const group = callerPickGroup(key);
    const action = sessionValueAction(key);
    if (action !== undefined) {
      if (session?.[action] === YES) (keys ??= new Set()).add(key);
    } else if (CALLER_CHOSEN.has(key) || (group !== undefined && group !== 'tags' && group !== 'session')) {
      // A session's name and source identity are the caller's own facts here, chosen when its session was made.
      (keys ??= new Set()).add(key);
    }
  }
  return keys;
}

/**
 * The values a caller could pass for `key` that the statement's conditions tell apart (each as written, with its
 * policy variables filled in from the caller's facts, and with its wildcards filled), a value none names, and no
 * value at all where the key may be left out.
 */
function candidates(conditions: readonly NormalizedCondition[], key: string, lookup: KeyLookup): KeyValue[] {
  const written: string[] = [];
  for (const value of conditions.flatMap((c) => c.values)) {
    written.push(value);
    // `${aws:username}` as the session name: the caller writes its own user name.
    const resolved = parsePolicyValue(value).hasVariables ? resolvedValue(value, lookup) : undefined;
    if (resolved !== undefined) written.push(resolved);
  }
  const filled = written.map(withWildcardsFilled);
  // An address inside each network written as a block (`10.0.0.0/8`).
  const addresses = written.filter((v) => v.includes('/')).map((v) => v.split('/')[0]);
  const values = [...new Set([...written, ...filled, ...addresses, 'leash-chosen-value'])].map((v) => present([v]));
  // A session name, a region and aws:ViaAWSService are always in the request; the others may be left out.
  const always = key === 'sts:rolesessionname' || key === REQUESTED_REGION || key === VIA_AWS_SERVICE;
  return always ? values : [...values, ABSENT];
}

function conditionsOn(statement: NormalizedStatement, key: string): NormalizedCondition[] {
  return statement.conditions.filter((c) => c.key.toLowerCase() === key);
}

/**
 * The statement's conditions on `key` answered for each candidate value of it; every other key (a policy
 * variable in a value: `${aws:username}`) from `lookup`, the caller's facts.
 */
function answersPerCandidate(statement: NormalizedStatement, key: string, lookup: KeyLookup): Tri[][] {
  const conditions = conditionsOn(statement, key);
  return candidates(conditions, key, lookup).map((value) => {
    const withValue: KeyLookup = (lowerKey) => (lowerKey === key ? value : lookup(lowerKey));
    return conditions.map((c) => evaluateCondition(c, withValue).tri);
  });
}

/** Whether some value of `key` meets every condition of the statement on it. */
function canMeet(statement: NormalizedStatement, key: string, lookup: KeyLookup): boolean {
  return answersPerCandidate(statement, key, lookup).some((answers) => answers.every((tri) => tri === YES));
}

/** Whether some value of `key` fails a condition of the statement on it. */
function canFail(statement: NormalizedStatement, key: string, lookup: KeyLookup): boolean {
  return answersPerCandidate(statement, key, lookup).some((answers) => answers.some((tri) => tri === NO));
}

export interface ConditionAnswer {
  readonly tri: Tri;
  readonly dependsOn: readonly string[];
}

/**
 * The statement's conditions for this caller (undefined: a caller not known, e.g. a service), at the audit
 * time; source keys of a service acting for the role's own account are that account.
 */
export function answerConditions(
  statement: NormalizedStatement,
  caller: PrincipalFacts | undefined,
  facts: ConditionFacts,
  roleAccountId: string,
  /** The caller is an IAM user or role (known, or any of an account's): it writes CALLER_CHOSEN values. */
  iamCaller: boolean = caller !== undefined,
  /** What this IAM caller may pass beside (sessionValuesTrust); without it, those values are unknown. */
  session?: SessionValues,
): ConditionAnswer {
  const known = conditionLookup(caller, facts, roleAccountId);
  // A value the caller may not pass is not in any request that gets through.
  const lookup: KeyLookup = session
    ? (lowerKey) => {
        const action = sessionValueAction(lowerKey);
        return action !== undefined && session[action] === NO ? ABSENT : known(lowerKey);
      }
    : known;
  // Values the caller passes as it likes (a service's values are its own): an Allow is met when some value
  // meets every condition on the key, a Deny escaped when some value fails one of them.
  const chosenKeys = iamCaller ? callerChosenKeys(statement, session) : undefined;
  if (chosenKeys && statement.effect === 'Deny' && [...chosenKeys].some((key) => canFail(statement, key, lookup))) {
    return { tri: NO, dependsOn: [] };
  }
  let tri: Tri = YES;
  const dependsOn: string[] = [];
  for (const condition of statement.conditions) {
    const key = condition.key.toLowerCase();
    if (chosenKeys?.has(key) && statement.effect === 'Allow' && canMeet(statement, key, lookup)) continue;
    const result =
      key === ORG_PATHS_KEY
        ? orgPathsCondition(condition, caller, facts, lookup)
        : isAuditTimeKey(key)
          ? answerFromAuditTime(condition, statement.effect, facts.now.getTime(), lookup)
          : answerCondition(condition, lookup, undefined, roleSessionId(caller));
    if (result.tri === NO) return { tri: NO, dependsOn: [] };
    if (result.tri === MAYBE) {
      tri = MAYBE;
      for (const key of result.dependsOn) if (!dependsOn.includes(key)) dependsOn.push(key);
    }
  }
  return { tri, dependsOn };
}

/**
 * A condition on aws:PrincipalOrgPaths, asked with each value the caller's path may have: the answer they agree
 * on, or "depends" where they differ (or the path is not known).
 */
function orgPathsCondition(
  condition: NormalizedCondition,
  caller: PrincipalFacts | undefined,
  facts: ConditionFacts,
  lookup: KeyLookup,
): ConditionResult {
  return answerCondition(condition, lookup, caller ? facts.orgPathsOf?.(caller.accountId) : undefined);
}

export function conditionLookup(
  caller: PrincipalFacts | undefined,
  facts: ConditionFacts,
  roleAccountId?: string,
): KeyLookup {
  // The time is formatted only when a condition reads it: most trust conditions never do, and a lookup is
  // made for every caller and trust grant.
  return (lowerKey) => {
    switch (lowerKey) {
      case 'aws:currenttime':
      case 'aws:tokenissuetime':
        return present([facts.now.toISOString()]);
      case 'aws:epochtime':
        return present([String(Math.floor(facts.now.getTime() / 1000))]);
      case 'aws:sourceaccount':
        return caller === undefined && roleAccountId ? present([roleAccountId]) : UNKNOWN;
      case 'aws:principalorgid': {
        const org = caller ? facts.organizationOf?.(caller.accountId) : undefined;
        return org ? present([org]) : UNKNOWN;
      }
      default:
        break;
    }
    if (caller && isCallerKey(lowerKey)) return principalKeyValue(caller, lowerKey);
    return UNKNOWN;
  };
}

/** Whether a Deny of the trust policy stops this caller: YES (always), MAYBE (depends on), or NO. */
export function trustDenies(
  trust: ParsedTrust,
  caller: PrincipalFacts,
  facts: ConditionFacts,
  roleAccountId: string,
  session?: SessionValues,
): ConditionAnswer {
  let tri: Tri = NO;
  const dependsOn: string[] = [];
  for (const statement of trust.denies) {
    // A pattern (a principal only deployment knows) is no Deny of the caller: a Deny covers no more than it may.
    const matches =
      statement.notPrincipals !== undefined ||
      statementTrust(statement).parties.some((party) => party.kind !== 'pattern' && partyIncludes(party, caller, true));
    if (!matches) continue;
    const answer = answerConditions(statement, caller, facts, roleAccountId, true, session);
    if (answer.tri === YES) return { tri: YES, dependsOn: [] };
    if (answer.tri === MAYBE) {
      tri = MAYBE;
      dependsOn.push(...answer.dependsOn.filter((key) => !dependsOn.includes(key)));
    }
  }
  return { tri, dependsOn };
}

/**
 * Whether a trusted party covers the caller (`loose`: an account also covers each of its principals). IAM names
 * are unique regardless of case, so a trust naming `role/Admin` names the role `admin`.
 */
export function partyIncludes(party: TrustedParty, caller: PrincipalFacts, loose = true): boolean {
  switch (party.kind) {
    case 'everyone':
      return true;
    case 'account':
      return loose && party.accountId === caller.accountId;
    case 'principal':
      return party.arn.toLowerCase() === caller.arn.toLowerCase();
    case 'role-session':
      return (
        caller.kind === 'role' &&
        party.accountId === caller.accountId &&
        party.roleName.toLowerCase() === caller.name.toLowerCase()
      );
    case 'service':
      return false;
    case 'pattern':
      return patternNames(party.pattern, caller, { root: loose });
  }
}

/** The caller's facts as the evaluator's condition lookups read them. */
export function callerFacts(principal: Principal, accountId: string): PrincipalFacts {
  const tags = new Map<string, string>();
  for (const [key, value] of Object.entries(principal.tags)) tags.set(key.toLowerCase(), value);
  return {
    kind: principal.kind,
    arn: principal.arn,
    name: principal.name,
    ...(principal.uniqueId === undefined ? {} : { uniqueId: principal.uniqueId }),
    accountId,
    tags,
  };
}

/**
 * What whoever assumes the role chooses of the session it makes, as the role's trust policy allows it (the
 * caller's own side, and which caller, are the graph's to weigh on each edge):
 * - `names`: the session name (RoleSessionName, the part of aws:userid after the role's id), when an Allow of
 *   sts:AssumeRole to an IAM principal, an account or everyone, or of sts:AssumeRoleWithWebIdentity, reads no
 *   sts:RoleSessionName and no Deny does (SAML takes the name from the assertion; a service names its own);
 * - `sourceIdentities`: any source identity, when an Allow of sts:SetSourceIdentity names such a caller, no Deny
 *   covers it and no statement reads sts:SourceIdentity;
 * - `noSourceIdentity`: none, when no statement reads sts:SourceIdentity (without sts:SetSourceIdentity in the
 *   trust no session of the role has one, not even a chained one).
 * A trust that cannot be read gives no choice: the answers stay as the evaluator gives them.
 */
export interface SessionChoices {
  readonly names: boolean;
  readonly sourceIdentities: boolean;
  readonly noSourceIdentity: boolean;
  /**
   * Whoever the trust lets set a source identity is a principal of the role's own account (its root, its id, or
   * a user, role or role session ARN in it): the account's SCPs hold every such caller.
   */
  readonly sourceIdentitySetInAccount?: boolean;
}

const NO_SESSION_CHOICES: SessionChoices = { names: false, sourceIdentities: false, noSourceIdentity: false };
const ROLE_SESSION_NAME = 'sts:rolesessionname';
const SOURCE_IDENTITY_VALUE = 'sts:sourceidentity';

export function sessionChoices(snapshot: AccountSnapshot, role: Principal): SessionChoices {
  if (role.kind !== 'role' || role.trustPolicy === undefined) return NO_SESSION_CHOICES;
  const parsed = parsedTrustPolicy(snapshot, role.arn, role.trustPolicy);
  if (!parsed.ok) return NO_SESSION_CHOICES;
  const reads = (statement: NormalizedStatement, key: string) =>
    statement.conditions.some((condition) => condition.key.toLowerCase() === key);
  const callers = (statement: NormalizedStatement) =>
    statement.notPrincipals !== undefined || awsParties(statement).length > 0;
  const statements = parsed.policy.statements;
  const allows = statements.filter((statement) => statement.effect === 'Allow');
  const denies = statements.filter((statement) => statement.effect === 'Deny');
  const namedByCaller = (statement: NormalizedStatement) =>
    !reads(statement, ROLE_SESSION_NAME) &&
    ((statementCoversAction(statement, 'sts:AssumeRole') && callers(statement)) ||
      (statementCoversAction(statement, 'sts:AssumeRoleWithWebIdentity') &&
        (statement.principals?.Federated ?? []).length > 0));
  const identityRead = statements.some((statement) => reads(statement, SOURCE_IDENTITY_VALUE));
  // A Deny of setting one (for whoever it names, on whatever condition) leaves the choice unknown.
  const identityDenied = denies.some((statement) => statementCoversAction(statement, 'sts:SetSourceIdentity'));
  const setters = allows.filter(
    (statement) => statementCoversAction(statement, 'sts:SetSourceIdentity') && callers(statement),
  );
  const inAccount = (party: TrustedParty) =>
    party.kind === 'account' || party.kind === 'role-session'
      ? party.accountId === snapshot.accountId
      : party.kind === 'principal' && party.arn.split(':')[4] === snapshot.accountId;
  return {
    names: allows.some(namedByCaller) && !denies.some((statement) => reads(statement, ROLE_SESSION_NAME)),
    sourceIdentities: !identityRead && !identityDenied && setters.length > 0,
    noSourceIdentity: !identityRead,
    sourceIdentitySetInAccount:
      setters.length > 0 &&
      setters.every(
        (statement) =>
          statement.notPrincipals === undefined &&
          Object.keys(statement.principals ?? {}).every((kind) => kind === 'AWS') &&
          awsParties(statement).every(inAccount),
      ),
  };
}

/**
 * Whether the trust lets some caller pass session tags (sts:TagSession) when it assumes the role: a session of
 * the role then carries the principal tags that caller chose, whatever tags the role itself has.
 */
export function sessionTagsAllowed(trust: ParsedTrust): boolean {
  return sessionTagGrant(trust) !== undefined;
}

/**
 * The trust's statement that lets a caller that assumes the role pass session tags: an Allow of sts:TagSession to an
 * IAM principal, an account or everyone (a service's tags are its own), in the statement of sts:AssumeRole or
 * another one. A Deny of it for every caller is not looked for.
 */
export function sessionTagGrant(trust: ParsedTrust): NormalizedStatement | undefined {
  return trust.sessionStatements.find(
    (statement) =>
      statement.effect === 'Allow' &&
      statementCoversAction(statement, 'sts:TagSession') &&
      (statement.notPrincipals !== undefined || awsParties(statement).length > 0),
  );
}

/** What a trust policy says of a caller's passing what `action` governs (SessionAction). */
export interface SessionTrust {
  readonly tri: Tri;
  /**
   * How the Allow names the caller: by its ARN (`arn`), as a session of it or as everyone (`direct`), which in
   * the role's own account needs no identity grant of the caller's, or through its account (`account`).
   */
  readonly via: 'arn' | 'direct' | 'account';
}

/** A trust statement of the role as a finding's evidence names it. */
export function trustStatementEvidence(role: Principal, statement: NormalizedStatement): Evidence {
  return {
    policy: `${role.arn} trust`,
    policyKind: 'trust',
    statementIndex: statement.index,
    ...(statement.sid ? { sid: statement.sid } : {}),
    statement: rawStatement(role.trustPolicy, statement.index),
  };
}

/** A value as a policy writes it, its policy variables filled from `lookup`: undefined when one is not known. */
export function resolvedValue(written: string, lookup: KeyLookup): string | undefined {
  const parsed = parsePolicyValue(written);
  if (!parsed.hasVariables) return written;
  const resolved = substitute(parsed, lookup);
  return typeof resolved === 'object' && 'text' in resolved ? resolved.text : undefined;
}

/** Its own conditions on what is passed are the caller's choice when it asks for that permission. */
const PASSING: SessionValues = { 'sts:TagSession': YES, 'sts:SetSourceIdentity': YES };

/**
 * Whether the trust lets this caller pass what `action` governs: some Allow of `action` names it and no Deny of
 * it stops it (an Allow or Deny that depends on what the snapshot does not know makes MAYBE). The caller's own
 * side (its identity policies, SCPs) is the graph's to weigh.
 */
export function sessionTrust(
  trust: ParsedTrust,
  action: SessionAction,
  caller: PrincipalFacts,
  facts: ConditionFacts,
  roleAccountId: string,
): SessionTrust {
  // A trust that could not be read may let anyone pass anything: unknown, never refused.
  if (trust.grants.some((grant) => grant.unreadable)) return { tri: MAYBE, via: 'account' };
  let tri: Tri = NO;
  let via = 'account' as SessionTrust['via'];
  let denyMaybe = false;
  for (const statement of trust.sessionStatements) {
    if (!statementCoversAction(statement, action)) continue;
    const matching = awsParties(statement).filter(
      (party) => partyIncludes(party, caller, true) && (statement.effect === 'Allow' || party.kind !== 'pattern'),
    );
    if (matching.length === 0 && statement.notPrincipals === undefined) continue;
    const answer = answerConditions(statement, caller, facts, roleAccountId, true, PASSING);
    if (answer.tri === NO) continue;
    if (statement.effect === 'Deny') {
      if (answer.tri === YES) return { tri: NO, via };
      denyMaybe = true;
      continue;
    }
    if (answer.tri === YES || tri === NO) tri = answer.tri;
    const named = matching.find((party) => party.kind !== 'account' && partyIncludes(party, caller, false));
    // A role's ARN (or a pattern of ARNs) caps the caller by its boundary; a session or everyone does not.
    if (named) via = (named.kind === 'principal' || named.kind === 'pattern') && via !== 'direct' ? 'arn' : 'direct';
  }
  return { tri: tri === YES && denyMaybe ? MAYBE : tri, via };
}

/** What a caller passes with sts:AssumeRole beside the session name: its session tags and source identity. */
export interface Passed {
  readonly requestTags?: Readonly<Record<string, string>>;
  readonly sourceIdentity?: string;
}

/**
 * The session tags and source identity the statements ask for (the first value each names, its policy variables
 * filled from the caller and its wildcards filled): what a caller that may pass them passes.
 */
export function sessionValuesAsked(statements: readonly NormalizedStatement[], caller: PrincipalFacts): Passed {
  const requestTags: Record<string, string> = {};
  let sourceIdentity: string | undefined;
  const lookup: KeyLookup = (lowerKey) => (isCallerKey(lowerKey) ? principalKeyValue(caller, lowerKey) : UNKNOWN);
  for (const statement of statements) {
    for (const condition of statement.conditions) {
      const key = condition.key.toLowerCase();
      if (!key.startsWith('aws:requesttag/') && key !== 'sts:sourceidentity') continue;
      const resolved = condition.values.map((written) => resolvedValue(written, lookup)).find((v) => v !== undefined);
      if (resolved === undefined) continue;
      const value = withWildcardsFilled(resolved);
      if (key === 'sts:sourceidentity') sourceIdentity ??= value;
      else requestTags[key.slice('aws:requesttag/'.length)] ??= value;
    }
  }
  return {
    ...(Object.keys(requestTags).length > 0 ? { requestTags } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
}
