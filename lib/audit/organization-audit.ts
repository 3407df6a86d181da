// Several accounts audited as one organization: one access graph over all of them, so cross-account trusts give
// cross-account paths, and what every account's principals can do directly, so an account's transitive findings
// may end in another account (a role in A that can assume a role in production account B that deletes RDS).
// No I/O.
import type { Catalog } from '../catalog/types';
import type { LeashConfig } from '../config/schema';
import { runRules, sortFindings, type PreparedAccount } from './audit';
import { compileAccount } from './evaluate';
import { partitionOf } from '../policy/resource';
import type { CompiledAccount } from './evaluate/types';
import type { CompileCache } from './evaluate/compile-account';
import {
  buildAccessGraph,
  memberRootUser,
  memberStackSetRole,
  reachedMemberRoot,
  reachedMemberStackSetRole,
  type AccessGraph,
} from './graph';
import * as agentCanWriteProduction from './rules/agent-can-write-production';
import * as canChangeProductionTag from './rules/can-change-production-tag';
import * as canDeleteProduction from './rules/can-delete-production';
import * as canDisarmProduction from './rules/can-disarm-production';
import { createAccountAnalysis } from './rules/support/analysis';
import { directGoalOf } from './rules/support/transitive';
import type { AccountAnalysis, Finding, Goal, OrganizationGoals, Rule, TransitivePart } from './rules/types';
import type { AccountSnapshot, Principal } from './sources/snapshot';

/** The rules whose goals come from their own direct findings (privilege-escalation reads the graph's). */
const GOAL_RULES = [canDeleteProduction, canChangeProductionTag, canDisarmProduction] as const;

export interface OrganizationAuditContext {
  /** One access graph over every account. */
  readonly graph: AccessGraph;
  /** The goals of every account, by rule. */
  readonly organizationGoals: OrganizationGoals;
  /**
   * What the goal pass did for each account, for its audit to reuse (AuditOptions.prepared): its compiled
   * account and the goal rules' direct findings. Take it once: it is released as it is taken.
   */
  preparedFor(snapshot: AccountSnapshot): PreparedAccount | undefined;
}

export interface OrganizationAuditOptions {
  readonly catalog: Catalog;
  readonly config: LeashConfig;
  /** The audit time: the same as the accounts' audits. */
  readonly now: Date;
  readonly compileCache?: CompileCache;
  /** Organization id of an account, for aws:PrincipalOrgID in trust policies. @default unknown */
  readonly organizationOf?: (accountId: string) => string | undefined;
}

/**
 * The graph and the goals to audit each of `accounts` with (AuditOptions.graph and organizationGoals). Each
 * account is compiled once, for the graph, and its goal rules' direct checks run once, for the goals; both
 * are handed to the account's audit (prepared), which then runs only the rest.
 */
export function organizationAuditContext(
  accounts: readonly AccountSnapshot[],
  options: OrganizationAuditOptions,
): OrganizationAuditContext {
  const { catalog, config, now, compileCache } = options;
  const compiled = accounts.map((snapshot) => ({
    snapshot,
    account: compileAccount(snapshot, catalog, compileCache, now),
  }));
  const analysisOf = analyses(compiled, options);
  const graph = buildGraph(compiled, options, analysisOf);
  const goals = new Map<string, Map<string, Goal>>(GOAL_RULES.map((rule) => [rule.meta.id, new Map()]));
  goals.set(agentCanWriteProduction.meta.id, agentWriterGoals(compiled, graph, options, analysisOf));
  // Their direct checks only: goals are what a principal can do itself, and no path is needed to know that.
  // With the goals read off the graph (a principal one IAM write away), which need no path either.
  const direct: Rule[] = GOAL_RULES.map((rule) => ({
    meta: rule.meta,
    scope: rule.scope,
    check: (context) => {
      const own = rule.check(context);
      const found = new Map<string, Goal>();
      for (const finding of own) {
        const goal = directGoalOf(finding);
        if (finding.principalArn !== undefined && goal) found.set(finding.principalArn, goal);
      }
      const graphGoals = (rule.transitive as TransitivePart).graphGoals;
      return [...own, ...(graphGoals?.(context, found) ?? [])];
    },
  }));
  const prepared = new Map<AccountSnapshot, PreparedAccount>();
  for (const { snapshot, account } of compiled) {
    const pass = runRules(snapshot, {
      catalog,
      config,
      rules: direct,
      now,
      graph,
      compileCache,
      prepared: { account, checked: new Map() },
    });
    // Goals in report order (as the audit sorts its findings), so every run asks the graph the same question.
    for (const finding of sortFindings(pass.findings.flat())) collectGoal(goals, finding);
    prepared.set(snapshot, {
      account,
      // A check that threw is not handed over: the account's audit runs it again and reports its failure.
      checked: new Map(
        direct.flatMap((rule, index) =>
          pass.failures[index] === undefined ? [[rule.meta.id, pass.findings[index]] as const] : [],
        ),
      ),
    });
  }
  // The root users that root sessions reach, and the StackSets execution roles that stack sets reach, are judged by
  // the same direct checks, as principals of their accounts.
  const rootPasses = memberRootUsers(compiled, graph).map(({ snapshot, root }) => ({
    root,
    pass: runRules({ ...snapshot, principals: [root] }, { catalog, config, rules: direct, now, graph, compileCache }),
  }));
  for (const finding of sortFindings(rootPasses.flatMap(({ pass }) => pass.findings.flat()))) {
    collectGoal(goals, finding);
  }
  // A check that threw on such a principal has not said it cannot: it stays a goal that depends, saying why.
  for (const { root, pass } of rootPasses) {
    direct.forEach((rule, index) => {
      const failure = pass.failures[index];
      const ruleGoals = goals.get(rule.meta.id);
      if (failure === undefined || !ruleGoals || ruleGoals.has(root.arn)) return;
      const who = root.kind === 'user' ? 'its root user' : 'its StackSets execution role';
      ruleGoals.set(root.arn, { certain: false, actions: [`(${who} could not be judged: ${failure})`] });
    });
  }
  const none: ReadonlyMap<string, Goal> = new Map();
  return {
    graph,
    organizationGoals: { of: (ruleId) => goals.get(ruleId) ?? none },
    preparedFor(snapshot) {
      const work = prepared.get(snapshot);
      prepared.delete(snapshot);
      return work;
    },
  };
}

function collectGoal(goals: Map<string, Map<string, Goal>>, finding: Finding): void {
  const rule = GOAL_RULES.find((candidate) => candidate.meta.id === finding.ruleId);
  const goal = rule?.goalOf(finding);
  if (goal && finding.principalArn) goals.get(finding.ruleId)?.set(finding.principalArn, goal);
}

type CompiledAccounts = readonly { readonly snapshot: AccountSnapshot; readonly account: CompiledAccount }[];

/** Each account's analysis by its index, made on first use. */
function analyses(compiled: CompiledAccounts, options: OrganizationAuditOptions): (index: number) => AccountAnalysis {
  const made = new Map<number, AccountAnalysis>();
  return (accountIndex) => {
    let analysis = made.get(accountIndex);
    if (!analysis) {
      const { snapshot, account } = compiled[accountIndex];
      analysis = createAccountAnalysis(snapshot, account, options.catalog, options.config.guardrails);
      made.set(accountIndex, analysis);
    }
    return analysis;
  };
}

/**
 * The goals of agent-can-write-production's paths into other accounts: principals an agent (by tag) of any
 * account can reach that write production as themselves. Only those: asking every principal of an organization
 * about every write would cost more than the audits.
 */
function agentWriterGoals(
  compiled: CompiledAccounts,
  graph: AccessGraph,
  options: OrganizationAuditOptions,
  analysisOf: (index: number) => AccountAnalysis,
): Map<string, Goal> {
  const reached = new Set<string>();
  compiled.forEach((_, index) => {
    const analysis = analysisOf(index);
    for (const principal of analysis.principals) {
      if (!analysis.isAgent(principal.arn)) continue;
      for (const arn of graph.reachable(principal.arn)) reached.add(arn);
    }
  });
  const goals = new Map<string, Goal>();
  if (reached.size === 0) return goals;
  compiled.forEach(({ snapshot, account }, index) => {
    const analysis = analysisOf(index);
    const context = {
      account,
      analysis,
      graph,
      snapshot,
      catalog: options.catalog,
      guardrails: options.config.guardrails,
    };
    for (const principal of analysis.principals) {
      if (!reached.has(principal.arn)) continue;
      const goal = agentCanWriteProduction.writerGoal(context, principal);
      if (goal) goals.set(principal.arn, goal);
    }
  });
  return goals;
}

/**
 * The root user of each member account a root session reaches (graph edges `root-session`: sts:AssumeRoot from
 * the management account or the delegated administrator), as a principal of its account (graph/member-root), and
 * the StackSets execution role of each member a stack set reaches (edges `stack-set`, graph/member-stack-set).
 */
function memberRootUsers(
  compiled: CompiledAccounts,
  graph: AccessGraph,
): { snapshot: AccountSnapshot; root: Principal }[] {
  const found: { snapshot: AccountSnapshot; root: Principal }[] = [];
  for (const { snapshot } of compiled) {
    if (snapshot.isManagementAccount) continue;
    // The edge is made in the caller's partition, the member's own (an organization does not span partitions).
    const arn = reachedMemberRoot(
      graph,
      snapshot.accountId,
      snapshot.principals.map((p) => partitionOf(p.arn)),
    );
    if (arn) found.push({ snapshot, root: memberRootUser(arn) });
    const stackSetRole = reachedMemberStackSetRole(
      graph,
      snapshot.accountId,
      snapshot.principals.map((p) => partitionOf(p.arn)),
    );
    if (stackSetRole) found.push({ snapshot, root: memberStackSetRole(stackSetRole) });
  }
  return found;
}

function buildGraph(
  compiled: CompiledAccounts,
  options: OrganizationAuditOptions,
  analysisOf: (index: number) => AccountAnalysis,
): AccessGraph {
  const { catalog, now, organizationOf } = options;
  // The audit's exact shortcut (only actions some Allow names are asked), by the principal's account.
  const accountOf = new Map<string, number>();
  compiled.forEach(({ snapshot }, index) => {
    for (const principal of snapshot.principals) accountOf.set(principal.arn, index);
  });
  const { production } = options.config.guardrails;
  return buildAccessGraph(compiled, {
    catalog,
    productionTags: { keys: production.tagKeys, values: production.values },
    now,
    ...(organizationOf ? { organizationOf } : {}),
    restrict: (principal, actions) => {
      const index = accountOf.get(principal.arn);
      return index === undefined ? actions : analysisOf(index).restrict(principal, actions);
    },
    picksOf: (principal) => {
      const index = accountOf.get(principal.arn);
      return index === undefined ? [] : analysisOf(index).productionPicks(principal);
    },
    tagSendsOf: (principal) => {
      const index = accountOf.get(principal.arn);
      return index === undefined ? [] : analysisOf(index).tagSends(principal);
    },
  });
}
