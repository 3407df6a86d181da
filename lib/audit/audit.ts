// Runs the rule pack over one account snapshot and applies the config's suppressions: snapshot → compiled
// account → findings. No I/O; the caller loads the snapshot, the config and prints the result.
import { loadCatalog } from '../catalog';
import type { Catalog } from '../catalog/types';
import { parseConfig } from '../config/parse';
import { defaultConfig } from '../config/defaults';
import type { LeashConfig, Suppression } from '../config/schema';
import { compileAccount } from './evaluate';
import { resourcePolicyGrants } from './evaluate/resource-policy-grants';
import type { CompileCache } from './evaluate/compile-account';
import type { CompiledAccount } from './evaluate/types';
import { buildAccessGraph, type AccessGraph } from './graph';
import { defaultRules } from './rules';
import { createAccountAnalysis } from './rules/support/analysis';
import { wildcardMatch } from '../policy/wildcard';
import { SEVERITIES, withoutRepeatedEvidence, type Finding, type RuleFinding, type Severity } from './findings';
import type {
  AccountAnalysis,
  Goal,
  OrganizationGoals,
  PrincipalAccessSummary,
  Rule,
  RuleContext,
  RuleMeta,
} from './rules/types';
import type { AccountSnapshot, Principal, SnapshotProblem } from './sources/snapshot';
import { LIVE_RESOURCE_POLICY_KINDS } from './sources/resource-policy-kinds';
import { lookalikeTagCaveat } from './lookalike-tags';
import type { GuardrailSpec } from '../guardrails/spec';
import { MAX_TAG_SENDS, MAX_TAG_SENDS_WITH_PICKS } from './rules/support/tag-sends';
import { MAX_CALLER_PICKS } from './rules/support/caller-pick-candidates';
import { policiesInUse } from './rules/support/policies';
import { productionTagQuestions } from './rules/support/production-values';
import { firstFew } from '../util/count-text';
import { compareText } from '../util/text-order';

export interface AuditOptions {
  /** @default the bundled catalog (loadCatalog()) */
  readonly catalog?: Catalog;
  /** @default the documented defaults (production = tag `environment` in `production` / `prod`) */
  readonly config?: LeashConfig;
  /** Clock for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** @default defaultRules */
  readonly rules?: readonly Rule[];
  /**
   * Compile the account again per batch of this many principals for the principal-scoped rules, so the
   * evaluator's per-account memory is released between batches. Off by default: with today's evaluator
   * (decision templates shared account-wide) recompiling costs more time and saves no peak memory (bench/audit.ts
   * --batch). @default no batching
   */
  readonly principalBatch?: number;
  /**
   * The access graph to answer transitive questions with, e.g. one built over a whole organization so paths
   * cross accounts. @default one built over this snapshot, on first use
   */
  readonly graph?: AccessGraph;
  /**
   * With `graph` over several accounts: what the principals of every account can do directly, so transitive
   * rules report paths that end in another account (organizationAuditContext). @default own account only
   */
  readonly organizationGoals?: OrganizationGoals;
  /** Called before each rule runs (progress on a terminal). @default none */
  readonly onProgress?: (done: number, total: number, ruleId: string) => void;
  /**
   * Work shared with the other accounts of the same run (an organization): AWS managed policies and SCP / RCP
   * levels compiled once. Must be made for the same catalog. @default none: the account is compiled alone
   */
  readonly compileCache?: CompileCache;
  /**
   * Work already done on this very snapshot (an organization audit's goal pass): its compiled account (same
   * catalog and compile cache) and the findings of rule checks already run, by rule id; those checks are not
   * run again. @default none
   */
  readonly prepared?: PreparedAccount;
}

/** See AuditOptions.prepared. */
export interface PreparedAccount {
  readonly account: CompiledAccount;
  /** Rule id → what its check found (raw: before suppressions), in the order it found them. */
  readonly checked: ReadonlyMap<string, readonly Finding[]>;
}

export type SeverityCounts = Record<Severity, number>;

export interface PrincipalAuditSummary {
  readonly arn: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly name: string;
  readonly hasPermissionsBoundary: boolean;
  readonly serviceLinked: boolean;
  /** Unsuppressed findings by severity. */
  readonly findings: SeverityCounts;
  /** Highest unsuppressed severity, absent when clean. */
  readonly worstSeverity?: Severity;
}

/** A suppression whose date has passed: it no longer applies, and the findings it matched count again. */
export interface ExpiredSuppression {
  readonly suppression: Suppression;
  /** How many findings it would have matched. */
  readonly matched: number;
}

export interface AuditStats {
  readonly principals: number;
  readonly roles: number;
  readonly users: number;
  readonly groups: number;
  readonly managedPolicies: number;
  readonly findings: number;
  readonly suppressed: number;
  /** Unsuppressed findings by severity. */
  readonly bySeverity: SeverityCounts;
  /** Rules whose check threw: the audit goes on without them and says so. */
  readonly failedRules: readonly { readonly ruleId: string; readonly message: string }[];
  readonly durationMs: number;
}

export interface AuditResult {
  readonly accountId: string;
  readonly accountName?: string;
  readonly source: AccountSnapshot['source'];
  readonly findings: readonly Finding[];
  readonly principals: readonly PrincipalAuditSummary[];
  readonly stats: AuditStats;
  /** Input problems (undecodable or invalid policies): the rest of the account was still analysed. */
  readonly problems: readonly SnapshotProblem[];
  readonly expiredSuppressions: readonly ExpiredSuppression[];
  /** What the audit could not see or what does not apply (unknown SCPs, management account, ...). */
  readonly caveats: readonly string[];
  readonly rules: readonly Rule['meta'][];
}

export function emptySeverityCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** Audit one account with the rule pack. */
export function auditAccount(snapshot: AccountSnapshot, options: AuditOptions = {}): AuditResult {
  const started = performance.now();
  const catalog = options.catalog ?? loadCatalog();
  const config = options.config === undefined ? defaultConfig() : parseConfig(options.config, 'AuditOptions.config');
  const rules = options.rules ?? defaultRules;
  const now = options.now ?? new Date();
  const pass = runRules(snapshot, {
    catalog,
    config,
    rules,
    now,
    principalBatch: options.principalBatch,
    graph: options.graph,
    organizationGoals: options.organizationGoals,
    compileCache: options.compileCache,
    onProgress: options.onProgress,
    prepared: options.prepared,
  });
  return auditResultOf(snapshot, pass, { config, rules, now, started });
}

/**
 * What running the rules over one snapshot found, before suppressions: findings by rule (in the rules'
 * order), the rules that threw, and the policies that could not be compiled. A parallel audit runs the
 * principal-scoped rules over slices of the principals and joins the passes by rule (parallel-audit.ts).
 */
export interface RulePass {
  /** `findings[i]`: what `rules[i]` found, in the order it reported them; empty for rules not run. */
  readonly findings: Finding[][];
  /** `failures[i]`: the message of `rules[i]`'s first throw, if it threw. */
  readonly failures: (string | undefined)[];
  readonly invalidPolicies: CompiledAccount['invalidPolicies'];
  /** The whole-catalog summaries the rules computed (a parallel audit's main thread reuses its workers'). */
  readonly summaries: PrincipalAccessSummary[];
}

export interface RunRulesOptions {
  readonly catalog: Catalog;
  readonly config: LeashConfig;
  readonly rules: readonly Rule[];
  readonly now: Date;
  /** See AuditOptions.principalBatch. */
  readonly principalBatch?: number;
  /** See AuditOptions.graph. */
  readonly graph?: AccessGraph;
  /** See AuditOptions.organizationGoals. */
  readonly organizationGoals?: OrganizationGoals;
  /** See AuditOptions.compileCache. */
  readonly compileCache?: CompileCache;
  /** See AuditOptions.prepared. */
  readonly prepared?: PreparedAccount;
  /** Rules whose checks run elsewhere (a parallel audit's main thread has their findings). @default none */
  readonly skip?: readonly string[];
  readonly onProgress?: AuditOptions['onProgress'];
  /**
   * Run only the checks of this scope (the others get no findings); `account` also runs the transitive parts
   * of the goal rules (Rule.transitive) over the direct findings in hand. @default every rule, both parts
   */
  readonly scope?: NonNullable<Rule['scope']>;
  /**
   * The snapshot is a slice of an account's principals (a parallel audit's worker): the access graph spans
   * the whole account, so a rule that reads it here fails (and is reported) rather than answer from a part.
   */
  readonly slice?: boolean;
}

/** Run the rules over one snapshot (no suppressions, no sorting): the part of an audit that scales. */
export function runRules(snapshot: AccountSnapshot, options: RunRulesOptions): RulePass {
  const run = new RuleRun(snapshot, options);
  run.checks();
  if (options.scope !== 'principal') run.transitives();
  return run.pass();
}

/**
 * One snapshot under the rules, step by step, for callers that interleave other work (a parallel audit runs
 * the goal rules' transitive parts only once its workers' direct findings are in). The snapshot is compiled
 * once, on construction; the access graph on first use.
 */
export class RuleRun {
  private readonly findings: Finding[][];
  private readonly failures: (string | undefined)[];
  private readonly whole: RuleContext;
  private graph: AccessGraph | undefined;
  private wholeAccount: CompiledAccount | undefined;

  /** `sharing`: a run over the same snapshot whose compiled context this one uses (principalChecksOver). */
  constructor(
    private readonly snapshot: AccountSnapshot,
    private readonly options: RunRulesOptions,
    sharing?: RuleRun,
  ) {
    this.findings = options.rules.map(() => []);
    this.failures = options.rules.map(() => undefined);
    this.graph = options.graph;
    this.whole = sharing ? sharing.whole : this.contextFor(snapshot, options.prepared?.account);
  }

  /**
   * Every wanted rule's check (`scope`), over the whole snapshot or, for principal-scoped rules with
   * `principalBatch`, batch by batch.
   */
  checks(): void {
    const { rules, scope, onProgress } = this.options;
    const wanted = (rule: Rule) => scope === undefined || (rule.scope ?? 'account') === scope;
    const batch = Math.max(1, this.options.principalBatch ?? Number.POSITIVE_INFINITY);
    const batched = this.snapshot.principals.length > batch;
    rules.forEach((rule, index) => {
      onProgress?.(index, rules.length, rule.meta.id);
      const done = this.options.prepared?.checked.get(rule.meta.id);
      if (done) this.append(index, done);
      else if (wanted(rule) && !this.skipped(rule) && (!batched || rule.scope !== 'principal')) {
        this.check(index, this.whole);
      }
    });
    if (!batched) return;
    // The evaluator remembers decisions per compiled principal; compiling the account again per batch of
    // principals (groups always included: users need their policies) keeps memory bounded on big accounts.
    const groups = this.snapshot.principals.filter((p) => p.kind === 'group');
    const members = this.snapshot.principals.filter((p) => p.kind !== 'group');
    for (let start = 0; start < members.length; start += batch) {
      const context = this.contextFor({
        ...this.snapshot,
        principals: [...members.slice(start, start + batch), ...groups],
      });
      rules.forEach((rule, index) => {
        if (wanted(rule) && rule.scope === 'principal' && !this.skipped(rule)) this.check(index, context);
      });
    }
  }

  /**
   * The principal-scoped checks over some of the principals (this thread's slice of a parallel audit), with
   * the whole account's compile and analysis: nothing is compiled twice, and what the analysis computes
   * (summaries, candidate actions) serves the account-scoped rules later. The findings are returned, not
   * kept: the caller joins them with the other slices'.
   */
  principalChecksOver(principals: readonly Principal[]): Pick<RulePass, 'findings' | 'failures'> {
    const own = new RuleRun(this.snapshot, this.options, this);
    const context = this.contextOf(this.whole.snapshot, this.whole.account, { ...this.whole.analysis, principals });
    this.options.rules.forEach((rule, index) => {
      if (rule.scope === 'principal' && !this.skipped(rule)) own.check(index, context);
    });
    return { findings: own.findings, failures: own.failures };
  }

  /** Build the access graph now (it is built on first use otherwise), e.g. while workers run. */
  prepareGraph(): void {
    if (this.options.rules.some((rule) => rule.transitive)) this.graphOf();
  }

  /** Findings of `rules[index]` found elsewhere (a worker's slice), appended in the order given. */
  add(index: number, findings: readonly Finding[], failure: string | undefined): void {
    this.append(index, findings);
    if (failure !== undefined) this.failures[index] ??= failure;
  }

  /** One by one: spreading a list of a large account's findings as arguments would overflow the stack. */
  private append(index: number, findings: readonly Finding[]): void {
    const into = this.findings[index];
    for (const finding of findings) into.push(finding);
  }

  /**
   * The transitive part of every goal rule, over the whole account: its goals are its direct findings so far,
   * taken in the account's principal order (the order one thread finds them in), so every caller asks the
   * graph the same question.
   */
  transitives(): void {
    const order = new Map(this.snapshot.principals.map((p, i) => [p.arn, i]));
    this.options.rules.forEach((rule, index) => {
      const part = rule.transitive;
      if (!part || this.failures[index] !== undefined) return;
      const direct: [number, string, Goal][] = [];
      for (const finding of this.findings[index]) {
        const goal = part.goalOf(finding);
        const at = finding.principalArn === undefined ? undefined : order.get(finding.principalArn);
        if (goal && at !== undefined) direct.push([at, finding.principalArn!, goal]);
      }
      direct.sort((a, b) => a[0] - b[0]);
      const goals = new Map(direct.map(([, arn, goal]) => [arn, goal]));
      this.attempt(index, () => part.check(this.whole, goals));
    });
  }

  /** Summaries computed elsewhere (a worker's slice): the rules still to run here need not compute them. */
  learn(summaries: readonly PrincipalAccessSummary[]): void {
    this.whole.analysis.learnSummaries(summaries);
  }

  pass(): RulePass {
    return {
      findings: this.findings,
      failures: this.failures,
      invalidPolicies: this.whole.account.invalidPolicies,
      summaries: this.whole.analysis.knownSummaries(),
    };
  }

  /** Whether a rule's check is done elsewhere: prepared findings, or another thread's. */
  private skipped(rule: Rule): boolean {
    return (
      this.options.prepared?.checked.has(rule.meta.id) === true || this.options.skip?.includes(rule.meta.id) === true
    );
  }

  private check(index: number, context: RuleContext): void {
    this.attempt(index, () => this.options.rules[index].check(context));
  }

  private attempt(index: number, findingsOf: () => RuleFinding[]): void {
    const rule = this.options.rules[index];
    try {
      for (const finding of findingsOf()) {
        this.findings[index].push(withRuleMeta(finding, rule.meta, this.snapshot.accountId));
      }
    } catch (err) {
      this.failures[index] ??= err instanceof Error ? err.message : String(err);
    }
  }

  private graphOf(): AccessGraph {
    if (this.options.slice) {
      throw new Error('the access graph spans the whole account: no rule may read it in a slice');
    }
    const { production } = this.options.config.guardrails;
    return (this.graph ??= buildAccessGraph([{ snapshot: this.snapshot, account: this.wholeAccount! }], {
      catalog: this.options.catalog,
      productionTags: { keys: production.tagKeys, values: production.values },
      now: this.options.now,
      restrict: (principal, actions) => this.whole.analysis.restrict(principal, actions),
      picksOf: (principal) => this.whole.analysis.productionPicks(principal),
      tagSendsOf: (principal) => this.whole.analysis.tagSends(principal),
    }));
  }

  private contextFor(part: AccountSnapshot, compiled?: CompiledAccount): RuleContext {
    const { catalog, config, compileCache } = this.options;
    const account = compiled ?? compileAccount(part, catalog, compileCache, this.options.now);
    this.wholeAccount ??= account;
    return this.contextOf(part, account, createAccountAnalysis(part, account, catalog, config.guardrails));
  }

  /** The graph is a getter (built on first read), so a context is made here, never spread from another. */
  private contextOf(part: AccountSnapshot, account: CompiledAccount, analysis: AccountAnalysis): RuleContext {
    const { catalog, config, now, organizationGoals } = this.options;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's graph getter reads the run
    const run = this;
    return {
      snapshot: part,
      account,
      catalog,
      guardrails: config.guardrails,
      analysis,
      get graph() {
        return run.graphOf();
      },
      now,
      ...(organizationGoals ? { organizationGoals } : {}),
    };
  }
}

/** The audit result of a rule pass: suppressions applied, findings sorted, per-principal counts and stats. */
export function auditResultOf(
  snapshot: AccountSnapshot,
  pass: RulePass,
  options: {
    readonly config: LeashConfig;
    readonly rules: readonly Rule[];
    readonly now: Date;
    readonly started: number;
  },
): AuditResult {
  const { config, rules, now, started } = options;
  const raw = pass.findings.flat();
  const failedRules = new Map<string, string>();
  pass.failures.forEach((message, index) => {
    if (message !== undefined && !failedRules.has(rules[index].meta.id)) failedRules.set(rules[index].meta.id, message);
  });
  const invalidPolicies = pass.invalidPolicies;
  const { findings, expired } = applySuppressions(raw, config.suppressions, now);
  sortFindings(findings);

  const bySeverity = emptySeverityCounts();
  const perPrincipal = new Map<string, SeverityCounts>();
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[finding.severity]++;
    if (finding.principalArn) {
      let counts = perPrincipal.get(finding.principalArn);
      if (!counts) perPrincipal.set(finding.principalArn, (counts = emptySeverityCounts()));
      counts[finding.severity]++;
    }
  }

  const principals: PrincipalAuditSummary[] = snapshot.principals.map((p) => {
    const counts = perPrincipal.get(p.arn) ?? emptySeverityCounts();
    return {
      arn: p.arn,
      kind: p.kind,
      name: p.name,
      hasPermissionsBoundary: p.permissionsBoundaryArn !== undefined,
      serviceLinked: p.serviceLinked,
      findings: counts,
      worstSeverity: SEVERITIES.find((s) => counts[s] > 0),
    };
  });

  const problems: SnapshotProblem[] = [
    ...snapshot.problems,
    // Named by file (or account), principal or policy, and JSON path, so nothing is left out unexplained.
    ...invalidPolicies.map((p) => ({
      where: `${p.file ?? snapshot.source.location}: ${p.where}`,
      message: `${p.policy}: ${p.message}`,
    })),
  ];

  return {
    accountId: snapshot.accountId,
    accountName: snapshot.accountName,
    source: snapshot.source,
    findings,
    principals,
    stats: {
      principals: snapshot.principals.length,
      roles: snapshot.principals.filter((p) => p.kind === 'role').length,
      users: snapshot.principals.filter((p) => p.kind === 'user').length,
      groups: snapshot.principals.filter((p) => p.kind === 'group').length,
      managedPolicies: snapshot.managedPolicies.length,
      findings: findings.length,
      suppressed,
      bySeverity,
      failedRules: [...failedRules].map(([ruleId, message]) => ({ ruleId, message })),
      durationMs: Math.round(performance.now() - started),
    },
    problems,
    expiredSuppressions: expired,
    caveats: accountCaveats(snapshot, config.guardrails),
    rules: rules.map((r) => r.meta),
  };
}

/**
 * A rule's finding completed from the rule's metadata (what the rule set itself wins) and the account. Every
 * finding gets the same fields in the same order (absent ones undefined): the sort and the reporters read
 * thousands, and one shape keeps their code from being deoptimised and compiled again.
 */
export function withRuleMeta(finding: RuleFinding, meta: RuleMeta, accountId: string): Finding {
  return {
    ruleId: finding.ruleId ?? meta.id,
    category: finding.category ?? meta.category,
    severity: finding.severity,
    title: finding.title ?? meta.title,
    message: finding.message,
    accountId: finding.accountId ?? accountId,
    principalArn: finding.principalArn,
    evidence: withoutRepeatedEvidence(finding.evidence),
    location: finding.location,
    details: finding.details,
    remediation: finding.remediation,
    docsUrl: finding.docsUrl ?? meta.docsUrl,
    suppressed: finding.suppressed,
  };
}

/** How many resources whose policy could not be read a caveat names before counting the rest. */
const UNREAD_POLICIES_NAMED = 5;

/** How many bundled AWS managed policies a caveat names before counting the rest. */
const BUNDLED_NAMED = 5;

/**
 * Caveats that change how far the findings reach; reports print them so coverage is never implied. With
 * `guardrails`, tags that only read as the production tag are named too (a template's are the CI gate's
 * findings), and principals whose caller picks were cut.
 */
export function accountCaveats(snapshot: AccountSnapshot, guardrails?: GuardrailSpec): string[] {
  const production = guardrails?.production;
  const caveats: string[] = [];
  if (snapshot.source.kind !== 'template' && !snapshot.organizationPoliciesKnown) {
    caveats.push(
      'Service control policies were not read (pass --scp, or audit with --org): findings assume no SCP restricts these principals.',
    );
    // SCPs and RCPs are applied together or not at all: RCPs given alone would otherwise vanish unsaid.
    if (snapshot.resourceControlPolicies.some((level) => level.policies.length > 0)) {
      caveats.push(
        'The RCPs in the input are not applied either: the audit applies RCPs together with the SCP chain, so pass --scp ' +
          '(a chain of FullAWSAccess alone if no SCP restricts the account) to have them deny.',
      );
    }
  }
  if (snapshot.isManagementAccount) {
    caveats.push('This is the organization management account: SCPs and RCPs never apply to it.');
  } else if (
    snapshot.organizationPoliciesKnown &&
    snapshot.source.kind !== 'template' &&
    !snapshot.serviceControlPolicies.some((level) => level.kind === 'account')
  ) {
    // Only ever more findings than the truth (a level the chain leaves out denies nothing here), but assumed.
    caveats.push(
      'The SCP chain has no account level: the SCPs attached to the account itself were not given, and are taken ' +
        'to allow everything (as FullAWSAccess alone would).',
    );
  }
  const resourcePolicies = snapshot.resourcePolicies?.length ?? 0;
  const kinds = snapshot.resourcePolicyKinds;
  if (resourcePolicies > 0) {
    const { outside, reaching } = resourcePolicyGrants(snapshot);
    caveats.push(
      `${resourcePolicies} resource polic${resourcePolicies === 1 ? 'y was' : 'ies were'} read` +
        `${kinds ? ` (${kinds.join(', ')})` : ''}: ${reaching} Allow ` +
        `statement(s) name principals of the input, and count as their own grants (a boundary caps them only ` +
        `where a role is named by its ARN)` +
        (outside > 0
          ? `; ${outside} name other accounts, services or federated identities, which this audit does not evaluate`
          : '') +
        '.',
    );
  }
  if (kinds) {
    const unread = LIVE_RESOURCE_POLICY_KINDS.filter((kind) => !kinds.includes(kind));
    caveats.push(
      `Of the resource-based policies only ${kinds.join(', ')} were read; ` +
        `${unread.length ? `${unread.join(', ')} and other` : 'other'} resource policies (ECR repository, ` +
        'Backup vault, API Gateway, ...) are not: a deletion they grant a principal directly, without an ' +
        'identity policy, is not shown.',
    );
    const unreadPolicies = snapshot.unreadResourcePolicies ?? [];
    if (unreadPolicies.length > 0) {
      const named = firstFew(
        unreadPolicies.map((u) => `${u.resource} (${u.reason})`),
        UNREAD_POLICIES_NAMED,
      );
      caveats.push(
        `${unreadPolicies.length} resource polic${unreadPolicies.length === 1 ? 'y' : 'ies'} of the kinds read ` +
          `could not be read: ${named}. What ` +
          `${unreadPolicies.length === 1 ? 'it grants' : 'they grant'} a principal directly, without an identity ` +
          'policy, is not shown.',
      );
    }
  } else if (resourcePolicies === 0 && snapshot.source.kind !== 'template') {
    caveats.push(
      'Resource-based policies (S3 bucket, KMS key, SQS, SNS, Lambda, Secrets Manager and other resource policies) ' +
        'are not read: a deletion they grant a principal directly, without an identity policy, is not shown.',
    );
  }
  const bundled = snapshot.managedPolicies.filter((policy) => policy.bundled);
  if (bundled.length > 0) {
    const { source, newest } = bundled[0].bundled!;
    const names = bundled.slice(0, BUNDLED_NAMED).map((policy) => `${policy.name} (${policy.bundled!.versionId})`);
    const more = bundled.length > BUNDLED_NAMED ? ` and ${bundled.length - BUNDLED_NAMED} more` : '';
    caveats.push(
      `${bundled.length} AWS managed polic${bundled.length === 1 ? 'y' : 'ies'} named here (attached or as a boundary) ` +
        `${bundled.length === 1 ? 'is' : 'are'} not in the input: evaluated as AWS published ` +
        `${bundled.length === 1 ? 'it' : 'them'} in the bundled data (${source}, updated to ${newest.slice(0, 10)}); ` +
        `AWS may have changed ${bundled.length === 1 ? 'it' : 'them'} since: ${names.join(', ')}${more}.`,
    );
  }
  const serviceLinked = snapshot.principals.filter((p) => p.serviceLinked).length;
  if (serviceLinked > 0) {
    caveats.push(
      `${serviceLinked} service-linked role(s): SCPs do not restrict them and they cannot carry a boundary.`,
    );
  }
  const lookalikes = production && snapshot.source.kind !== 'template' && lookalikeTagCaveat(snapshot, production);
  if (lookalikes) caveats.push(lookalikes);
  const cut = guardrails ? picksCut(snapshot, guardrails) : undefined;
  if (cut) caveats.push(cut);
  const sendsCut = guardrails ? tagSendsCut(snapshot, guardrails) : undefined;
  if (sendsCut) caveats.push(sendsCut);
  return caveats;
}

/** Principals whose policies tell apart more caller picks (regions, networks, calls) than the audit asks. */
function picksCut(snapshot: AccountSnapshot, guardrails: GuardrailSpec): string | undefined {
  const questions = productionTagQuestions(snapshot, policiesInUse(snapshot), guardrails);
  return cutCaveat(
    snapshot,
    (p) => questions.picksNotAskedOf(p),
    (most) =>
      `their policies tell apart more combinations of region, network, call and tags than the ${MAX_CALLER_PICKS} ` +
      `asked (up to ${most} more); what only those would let through is reported as depending on the keys.`,
  );
}

/** Principals whose policies ask for more tag sets than the audit sends (rules/support/tag-sends.ts). */
function tagSendsCut(snapshot: AccountSnapshot, guardrails: GuardrailSpec): string | undefined {
  const questions = productionTagQuestions(snapshot, policiesInUse(snapshot), guardrails);
  return cutCaveat(
    snapshot,
    (p) => questions.tagSendsNotAskedOf(p),
    (most) =>
      `their policies ask for more sets of request tags than the ${MAX_TAG_SENDS} sent, or for more requests ` +
      `sending them with the region, network and call picked too than the ${MAX_TAG_SENDS_WITH_PICKS} made (up to ` +
      `${most} more); a write only those would let through is answered as a request without them.`,
  );
}

/** A caveat naming the principals (up to three) whose questions a cap cut, and `what` of the most cut. */
function cutCaveat(
  snapshot: AccountSnapshot,
  notAsked: (principal: Principal) => number,
  what: (most: number) => string,
): string | undefined {
  const cut = snapshot.principals.filter((p) => p.kind !== 'group' && notAsked(p) > 0);
  if (cut.length === 0) return undefined;
  const most = Math.max(...cut.map(notAsked));
  const names = cut.slice(0, 3).map((p) => p.name);
  return `${cut.length} principal(s) (${names.join(', ')}${cut.length > 3 ? ', ...' : ''}): ${what(most)}`;
}

/**
 * Mark findings a suppression matches (same rule, principal ARN pattern or template logical id) while the
 * suppression is in date; an expired suppression (after its `expires` day, UTC) no longer applies and is
 * returned so the report can say so.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  now: Date,
): { findings: Finding[]; expired: ExpiredSuppression[] } {
  const today = now.toISOString().slice(0, 10);
  const active = suppressions.filter((s) => s.expires >= today);
  const expired = suppressions.filter((s) => s.expires < today).map((suppression) => ({ suppression, matched: 0 }));
  const out = findings.map((finding) => {
    for (const entry of expired) if (suppressionMatches(entry.suppression, finding)) entry.matched++;
    const match = active.find((s) => suppressionMatches(s, finding));
    return match ? { ...finding, suppressed: { reason: match.reason, expires: match.expires } } : finding;
  });
  return { findings: out, expired };
}

export function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  if (suppression.ruleId !== finding.ruleId && suppression.ruleId !== '*') return false;
  if (suppression.principalArn !== undefined) {
    if (!finding.principalArn || !wildcardMatch(suppression.principalArn, finding.principalArn)) return false;
  }
  if (suppression.logicalId !== undefined) {
    if (!finding.location?.logicalId || !wildcardMatch(suppression.logicalId, finding.location.logicalId)) return false;
  }
  return true;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

const textOrder = compareText;

/** Worst first, then by principal, then by rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    textOrder(a.principalArn ?? '', b.principalArn ?? '') ||
    textOrder(a.ruleId, b.ruleId) ||
    textOrder(a.message, b.message)
  );
}

/**
 * Sorts findings in compareFindings order. Principal ARNs and rule ids repeat across thousands of
 * findings: each distinct one is ranked once, so the sort compares numbers, and collates only messages.
 */
export function sortFindings(findings: Finding[]): Finding[] {
  const rankOf = (values: Iterable<string>) => {
    const ranks = new Map<string, number>();
    let rank = 0;
    let previous: string | undefined;
    for (const value of [...new Set(values)].sort(textOrder)) {
      // Values the collator holds equal share a rank, as compareFindings would find them equal.
      if (previous !== undefined && textOrder(previous, value) !== 0) rank++;
      ranks.set(value, rank);
      previous = value;
    }
    return ranks;
  };
  const principalRank = rankOf(findings.map((f) => f.principalArn ?? ''));
  const ruleRank = rankOf(findings.map((f) => f.ruleId));
  const keyed = findings.map((finding) => ({
    finding,
    severity: SEVERITY_RANK[finding.severity],
    principal: principalRank.get(finding.principalArn ?? '')!,
    rule: ruleRank.get(finding.ruleId)!,
  }));
  keyed.sort(
    (a, b) =>
      a.severity - b.severity ||
      a.principal - b.principal ||
      a.rule - b.rule ||
      textOrder(a.finding.message, b.finding.message),
  );
  for (let i = 0; i < keyed.length; i++) findings[i] = keyed[i].finding;
  return findings;
}
