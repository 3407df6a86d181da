// Shared, memoised per-principal questions: the whole-catalog decision summary is the expensive part of an
// audit, so it is computed once per principal and kept as a few counters, never as decision objects (the
// evaluator counts a class of actions at a time); rules asking about lists of actions are given only those
// some identity Allow names (the rest are implicitly denied).
import type { Catalog } from '../../../catalog/types';
import { principalArnPatterns } from '../../../guardrails/conditions';
import type { GuardrailSpec } from '../../../guardrails/spec';
import type { CompiledAccount } from '../../evaluate/types';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { AccountAnalysis, PrincipalAccessSummary } from '../types';
import { createCandidateIndex } from './candidates';
import { policiesInUse, resourceGrantsInUse } from './policies';
import { productionTagQuestions } from './production-values';
import { wildcardMatch } from '../../../policy/wildcard';
import { agentTagLookalike } from '../../../guardrails/production-lookalikes';

const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);

export function createAccountAnalysis(
  snapshot: AccountSnapshot,
  account: CompiledAccount,
  catalog: Catalog,
  guardrails: GuardrailSpec,
): AccountAnalysis {
  const principals: Principal[] = snapshot.principals.filter((p) => p.kind !== 'group');
  const byArn = new Map(principals.map((p) => [p.arn, p]));
  const summaries = new Map<string, PrincipalAccessSummary | undefined>();
  const agentTag = guardrails.agents.principalTag;
  const agentKey = agentTag.key.toLowerCase();
  const agentValue = agentTag.value.toLowerCase();
  // A template's tag value only deployment knows may be the agent value: taken as an agent (the worst case).
  const agentTagUnknown = (principal: Principal) =>
    principal.unknownTagKeys?.some((key) => key === '*' || key.toLowerCase() === agentKey) ?? false;
  // Asked by several rules for every principal, and a lookalike test is text work: once per principal.
  const lookalikes = new Map<string, { readonly key: string; readonly value: string } | undefined>();
  const lookalikeOf = (principal: Principal) => {
    if (!lookalikes.has(principal.arn)) lookalikes.set(principal.arn, agentTagLookalike(principal.tags, agentTag));
    return lookalikes.get(principal.arn);
  };
  const exemptPatterns = principalArnPatterns(guardrails.exemptPrincipalArns);
  const policies = policiesInUse(snapshot);
  const grants = resourceGrantsInUse(snapshot);
  const candidates = createCandidateIndex(snapshot, catalog, grants.length > 0 ? [...policies, ...grants] : policies);
  // By catalog index: 1 for actions at a write access level (one array, made on the first summary).
  let writeLevel: Uint8Array | undefined;

  return {
    principals,
    policies,
    resourceGrants: grants,
    restrict(principal, actions) {
      return candidates.restrict(principal, actions);
    },
    summary(arn) {
      if (summaries.has(arn)) return summaries.get(arn);
      const compiled = account.principal(arn);
      const principal = byArn.get(arn);
      let summary: PrincipalAccessSummary | undefined;
      if (compiled && principal) {
        writeLevel ??= writeLevels(catalog);
        const counts = compiled.countDecisions(writeLevel);
        summary = {
          arn,
          total: catalog.actions.length,
          allowed: counts.allowed,
          depends: counts.depends,
          writeAllowed: counts.flaggedAllowed,
          writeDepends: counts.flaggedDepends,
        };
      }
      summaries.set(arn, summary);
      return summary;
    },
    knownSummaries() {
      return [...summaries.values()].filter((summary) => summary !== undefined);
    },
    learnSummaries(known) {
      for (const summary of known) if (byArn.has(summary.arn)) summaries.set(summary.arn, summary);
    },
    isExempt(arn) {
      // As the SCPs match them: an assumed-role pattern stands for its role (aws:PrincipalArn of a session).
      return exemptPatterns.some((pattern) => wildcardMatch(pattern, arn));
    },
    productionTags(principal) {
      const questions = productionTagQuestions(snapshot, policies, guardrails);
      return principal ? questions.of(principal) : questions.account;
    },
    productionPicks(principal) {
      return productionTagQuestions(snapshot, policies, guardrails).picksOf(principal);
    },
    comparedProductionKeys(principal) {
      return productionTagQuestions(snapshot, policies, guardrails).comparedKeys(principal);
    },
    tagSends(principal) {
      return productionTagQuestions(snapshot, policies, guardrails).tagSendsOf(principal);
    },
    rewriteValues(principal, key) {
      return productionTagQuestions(snapshot, policies, guardrails).rewritesOf(principal, key);
    },
    agentTagUnknown(arn) {
      const principal = byArn.get(arn);
      return principal ? agentTagUnknown(principal) : false;
    },
    isAgent(arn) {
      // As the SCP agent layer and the boundary's guard match it: IAM compares condition-key names (so the
      // tag key) ignoring case, and the guardrails compare the value with StringEqualsIgnoreCase.
      const principal = byArn.get(arn);
      if (!principal) return false;
      for (const [key, value] of Object.entries(principal.tags)) {
        if (key.toLowerCase() === agentKey && value.toLowerCase() === agentValue) return true;
      }
      // A tag written to make it an agent, that IAM does not match: judged as the agent it was meant to be.
      return agentTagUnknown(principal) || lookalikeOf(principal) !== undefined;
    },
    agentTagLookalike(arn) {
      const principal = byArn.get(arn);
      return principal ? lookalikeOf(principal) : undefined;
    },
  };
}

/** By catalog index, 1 for actions at a write access level: a plain loop, where Uint8Array.from(list, map)
 * walks the catalog through its iterator, an iterator result per action. */
function writeLevels(catalog: Catalog): Uint8Array {
  const { actions } = catalog;
  const out = new Uint8Array(actions.length);
  for (let i = 0; i < actions.length; i++) if (WRITE_LEVELS.has(actions[i].accessLevel)) out[i] = 1;
  return out;
}
