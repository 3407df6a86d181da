// `leash paths <principal> [--to production-destruction|admin|tag-change|<arn>]`: the shortest way a principal
// gets to act as one that can do the thing, hop by hop with the statements behind each hop, over every account
// of the input (cross-account trusts included). Thin over audit/graph; reads saved inputs only. Loaded only when
// `leash paths` runs (paths-command.ts registers it), so other commands never pay for the graph.
import { compileAccount } from '../audit/evaluate';
import type { CompiledAccount, CompiledPrincipal, RequestContext } from '../audit/evaluate/types';
import {
  buildAccessGraph,
  isMemberStackSetRole,
  memberRootUser,
  memberStackSetRole,
  reachedMemberRoot,
  reachedMemberStackSetRole,
  type AccessGraph,
  type Path,
} from '../audit/graph';
import { pathsToDot, pathToMarkdown, pathToText } from '../audit/report/paths';
import { markdownCode } from '../audit/report/markdown-text';
import { jsonVisible, terminalText } from '../audit/report/terminal-text';
import { escalatedDecisions } from '../audit/rules/support/escalated';
import { pathDetails } from '../audit/rules/support/transitive';
import { productionContexts, productionDeletions } from '../audit/rules/support/production';
import { policiesInUse } from '../audit/rules/support/policies';
import { productionTagQuestions } from '../audit/rules/support/production-values';
import { disarmingActions } from '../audit/rules/can-disarm-production';
import { loadAuditInput } from '../audit/sources';
import type { AccountSnapshot, Principal } from '../audit/sources/snapshot';
import { loadCatalog } from '../catalog';
import { partitionOf } from '../policy/resource';
import type { Catalog, CatalogAction } from '../catalog/types';
import type { GuardrailSpec } from '../guardrails/spec';
import { InputError } from '../util/read-input';
import { loadConfigFile } from '../config/load';
import { principalFromArgument } from './principal-argument';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import type { CliContext } from './context';

import { PATH_FORMATS, type PathFormat, type PathsCommandOptions } from './paths-options';
import { warnConfigDoubts } from './config-doubts';

/** What a path must end at, as a test on a principal (asked lazily, only of principals the search reaches). */
export interface PathGoal {
  readonly name: string;
  test(arn: string): boolean;
}

/** The named goals, or one principal by ARN. */
export function pathGoal(
  to: string,
  graph: AccessGraph,
  accounts: readonly { snapshot: AccountSnapshot; account: CompiledAccount }[],
  catalog: Catalog,
  guardrails: GuardrailSpec,
  /** The input files, for messages. */
  where = 'the input',
): PathGoal {
  // A member's root user a root session reaches, or StackSets execution role a stack set reaches, is asked as the
  // audit asks it: allowed everything under its account's SCPs and RCPs (graph/member-root, member-stack-set),
  // compiled once when a search first reaches it.
  const members = new Map<string, CompiledPrincipal | undefined>();
  const memberPrincipal = (arn: string, stackSet: boolean) => {
    if (!members.has(arn)) {
      const reached = stackSet ? reachedMemberStackSetRole : reachedMemberRoot;
      const at = accounts.find(
        ({ snapshot }) =>
          !snapshot.isManagementAccount &&
          reached(
            graph,
            snapshot.accountId,
            snapshot.principals.map((p) => partitionOf(p.arn)),
          ) === arn,
      );
      members.set(
        arn,
        at &&
          compileAccount(
            { ...at.snapshot, principals: [stackSet ? memberStackSetRole(arn) : memberRootUser(arn)] },
            catalog,
            undefined,
            graph.auditTime,
          ).principal(arn),
      );
    }
    return members.get(arn);
  };
  const compiled = (arn: string) => {
    for (const { account } of accounts) {
      const principal = account.principal(arn);
      if (principal) return principal;
    }
    if (arn.endsWith(':root')) return memberPrincipal(arn, false);
    return isMemberStackSetRole(arn) ? memberPrincipal(arn, true) : undefined;
  };
  const can = (actions: readonly CatalogAction[], context: RequestContext) => (arn: string) =>
    compiled(arn)
      ?.decisionKinds(actions, context)
      .some((kind) => kind !== 0) ?? false;
  // Under any production tag, as the audit asks: a grant or an SCP may name one key and not the other, or
  // compare one value only; the tags some policy of any account tells apart.
  const questions = accounts.map(({ snapshot }) =>
    productionTagQuestions(snapshot, policiesInUse(snapshot), guardrails),
  );
  const tags = [...new Map(questions.flatMap((q) => q.account).map((tag) => [tag.text, tag])).values()];
  const rewriteValues = (key: string) => [...new Set(questions.flatMap((q) => q.rewritesOf(undefined, key)))];
  const canUnderAnyKey = (actions: readonly CatalogAction[], requests: readonly { request: RequestContext }[]) => {
    const tests = requests.map(({ request }) => can(actions, request));
    return (arn: string) => tests.some((test) => test(arn));
  };
  switch (to) {
    case 'production-destruction': {
      // The same question as can-delete-production, record-deleting DNS batches included.
      const { actions, requests } = productionDeletions(catalog, guardrails, tags);
      const direct = canUnderAnyKey(actions, requests);
      // As can-delete-production: also a principal one IAM write away (its boundary and the SCPs weighed).
      const escalated = new Map<string, boolean>();
      const afterEscalation = (arn: string) => {
        let found = escalated.get(arn);
        if (found === undefined) {
          const at = accounts.find(({ snapshot }) => snapshot.principals.some((p) => p.arn === arn));
          const principal = at?.snapshot.principals.find((p) => p.arn === arn);
          found =
            at !== undefined &&
            principal !== undefined &&
            !principal.serviceLinked &&
            principal.kind !== 'group' &&
            requests.some(({ request }) =>
              (escalatedDecisions(graph, at.snapshot, catalog, principal, actions, request)?.runs.decisions ?? []).some(
                (d) => d.decision !== 'denied',
              ),
            );
          escalated.set(arn, found);
        }
        return found;
      };
      return {
        name: 'can delete or recreate production',
        test: (arn) => direct(arn) || (graph.selfEscalationsOf(arn).length > 0 && afterEscalation(arn)),
      };
    }
    case 'tag-change': {
      const actions = catalog.destructive.filter((a) => a.classes.includes('tamper') && a.accessLevel === 'Tagging');
      const rewrites = tags.flatMap(({ key, value }) =>
        rewriteValues(key).map((to) => ({
          request: {
            resourceTags: { [key]: value },
            resourceTagKeysKnown: guardrails.production.tagKeys,
            requestTags: { [key]: to },
            contextKeys: { 'aws:tagkeys': [key] },
          },
        })),
      );
      return { name: 'can change the production tag', test: canUnderAnyKey(actions, rewrites) };
    }
    case 'disarm':
      // The same question as can-disarm-production: a protection or recovery switched off, tags aside.
      return {
        name: 'can switch off the protection or recovery of production',
        test: canUnderAnyKey(disarmingActions(catalog.destructive), productionContexts(tags)),
      };
    case 'admin':
      return { name: 'can raise its own permissions', test: (arn) => graph.selfEscalationsOf(arn).length > 0 };
    default: {
      let target: string;
      try {
        target = principalFromArgument(to, graph.principals, where);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        throw new InputError(
          `--to ${JSON.stringify(to)} is neither production-destruction, tag-change, disarm, admin nor a principal of the input: ${err.message}`,
        );
      }
      return { name: target, test: (arn) => arn === target };
    }
  }
}

export function renderPath(
  path: Path | undefined,
  from: string,
  goal: PathGoal,
  format: PathFormat,
  home?: string,
): string {
  if (format === 'json') {
    return `${jsonVisible(JSON.stringify({ from, goal: goal.name, found: path !== undefined, ...(path ? { path: pathDetails(path, true) } : {}) }, null, 2))}\n`;
  }
  if (!path) {
    if (format === 'dot') return 'digraph access {\n}\n';
    return format === 'markdown'
      ? `No path from ${markdownCode(from, false)} to a principal that ${goal.name}.\n`
      : `${terminalText(`no path from ${from} to a principal that ${goal.name}`)}\n`;
  }
  if (format === 'dot') return pathsToDot([path], home);
  if (format === 'markdown') return pathToMarkdown(path, home, goal.name);
  return pathToText(path, home, goal.name);
}

export async function runPaths(
  principalGiven: string,
  options: PathsCommandOptions,
  context: CliContext,
): Promise<void> {
  if (!(PATH_FORMATS as readonly string[]).includes(options.format)) {
    throw new InputError(`--format ${JSON.stringify(options.format)}: expected one of ${PATH_FORMATS.join(', ')}`);
  }
  const catalog = loadCatalog();
  const config = loadConfigFile(options.config);
  warnConfigDoubts(config, options.config, context);
  const input = await loadAuditInput({ input: options.input, scp: options.scp, rcp: options.rcp });
  const now = new Date();
  const accounts = input.accounts.map((snapshot) => ({
    snapshot,
    account: compileAccount(snapshot, catalog, undefined, now),
  }));
  // The caller picks a path may be taken with, as the audit asks them (AccountAnalysis.productionPicks).
  const snapshotOf = new Map(input.accounts.flatMap((s) => s.principals.map((p) => [p.arn, s] as const)));
  const questionsOf = new Map<AccountSnapshot, ReturnType<typeof productionTagQuestions>>();
  const questionsFor = (principal: Principal) => {
    const snapshot = snapshotOf.get(principal.arn);
    if (!snapshot) return undefined;
    let questions = questionsOf.get(snapshot);
    if (!questions) {
      questions = productionTagQuestions(snapshot, policiesInUse(snapshot), config.guardrails);
      questionsOf.set(snapshot, questions);
    }
    return questions;
  };
  const graph = buildAccessGraph(accounts, {
    catalog,
    productionTags: { keys: config.guardrails.production.tagKeys, values: config.guardrails.production.values },
    now,
    organizationOf: (accountId) => input.organizationIds?.[accountId],
    picksOf: (principal) => questionsFor(principal)?.picksOf(principal) ?? [],
    tagSendsOf: (principal) => questionsFor(principal)?.tagSendsOf(principal) ?? [],
  });
  const where = options.input.join(', ');
  const principalArn = principalFromArgument(principalGiven, graph.principals, where);
  const goal = pathGoal(options.to, graph, accounts, catalog, config.guardrails, where);
  if (goal.name !== principalArn && goal.test(principalArn)) {
    const itself: Path = { from: principalArn, to: principalArn, hops: [], certain: true };
    context.io.stdout(
      options.format === 'json'
        ? renderPath(itself, principalArn, goal, 'json')
        : options.format === 'dot'
          ? renderPath(undefined, principalArn, goal, 'dot')
          : `${terminalText(`${principalArn} itself ${goal.name} (no hop needed; see leash audit for how)`)}\n`,
    );
    context.exitCode = EXIT_FINDINGS;
    return;
  }
  const certain = graph.shortestPath(principalArn, goal.test, { edges: 'certain' });
  const path = certain ?? (options.certain ? undefined : graph.shortestPath(principalArn, goal.test));
  const home = accounts.find(({ snapshot }) => snapshot.principals.some((p) => p.arn === principalArn))?.snapshot
    .accountId;
  context.io.stdout(renderPath(path, principalArn, goal, options.format, home));
  // Like a finding: a path found fails a gate that asks for none.
  context.exitCode = path ? EXIT_FINDINGS : EXIT_OK;
}
