// Shared, memoised per-principal questions: the whole-catalog decision summary is the expensive part of an
// audit, so it is computed once per principal and kept as a few counters, never as decision objects.
import type { Catalog } from '../../../catalog/types';
import type { GuardrailSpec } from '../../../guardrails/spec';
import type { CompiledAccount } from '../../evaluate/types';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { AccountAnalysis, PrincipalAccessSummary } from '../types';
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
  const isWrite = catalog.actions.map((action) => WRITE_LEVELS.has(action.accessLevel));
  const agentTag = guardrails.agents.principalTag;

  return {
    principals,
    policies: policiesInUse(snapshot),
    summary(arn) {
      if (summaries.has(arn)) return summaries.get(arn);
      const compiled = account.principal(arn);
      let summary: PrincipalAccessSummary | undefined;
      if (compiled) {
        const decisions = compiled.decideMany(catalog.actions);
        let allowed = 0;
        let depends = 0;
        let writeAllowed = 0;
        let writeDepends = 0;
        for (let i = 0; i < decisions.length; i++) {
          const decision = decisions[i].decision;
          if (decision === 'allowed') {
            allowed++;
            if (isWrite[i]) writeAllowed++;
          } else if (decision === 'depends') {
            depends++;
            if (isWrite[i]) writeDepends++;
          }
        }
        summary = { arn, total: decisions.length, allowed, depends, writeAllowed, writeDepends };
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
