// Shared, memoised per-principal questions: the whole-catalog decision summary is the expensive part of an
// audit, so it is computed once per principal and kept as a few counters, never as decision objects, and the
// evaluator is asked only about actions some identity Allow names (the rest are implicitly denied).
import type { Catalog } from '../../../catalog/types';
import type { GuardrailSpec } from '../../../guardrails/spec';
import { catalogIndex } from '../../evaluate/catalog-index';
import type { CompiledAccount } from '../../evaluate/types';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { AccountAnalysis, PrincipalAccessSummary } from '../types';
import { createCandidateIndex } from './candidates';
import { policiesInUse } from './policies';
import { wildcardMatch } from './wildcard';

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
  const policies = policiesInUse(snapshot);
  const candidates = createCandidateIndex(snapshot, catalog, policies);
  const index = catalogIndex(catalog);
  // By catalog index: 1 for actions at a write access level.
  const writeLevel = Uint8Array.from(catalog.actions, (action) => (WRITE_LEVELS.has(action.accessLevel) ? 1 : 0));

  return {
    principals,
    policies,
    restrict(principal, actions) {
      return candidates.restrict(principal, actions);
    },
    summary(arn) {
      if (summaries.has(arn)) return summaries.get(arn);
      const compiled = account.principal(arn);
      const principal = byArn.get(arn);
      let summary: PrincipalAccessSummary | undefined;
      if (compiled && principal) {
        const asked = candidates.candidates(principal);
        // Kinds only: a whole-catalog summary must not build a decision object per action.
        const kinds = compiled.decisionKinds(asked);
        const globals = index.list(asked).globals;
        let allowed = 0;
        let depends = 0;
        let writeAllowed = 0;
        let writeDepends = 0;
        for (let i = 0; i < kinds.length; i++) {
          const kind = kinds[i];
          if (kind === 0) continue;
          const write = globals[i] >= 0 && writeLevel[globals[i]] === 1;
          if (kind === 1) {
            allowed++;
            if (write) writeAllowed++;
          } else {
            depends++;
            if (write) writeDepends++;
          }
        }
        summary = { arn, total: catalog.actions.length, allowed, depends, writeAllowed, writeDepends };
      }
      summaries.set(arn, summary);
      return summary;
    },
    isExempt(arn) {
      return guardrails.exemptPrincipalArns.some((pattern) => wildcardMatch(pattern, arn));
    },
    isAgent(arn) {
      const principal = byArn.get(arn);
      return principal !== undefined && principal.tags[agentTag.key] === agentTag.value;
    },
  };
}
