// One decision asked again with the caller's picks (evaluate/caller-picks.ts): where it depends on a key the
// caller picks (a network perimeter, a region deny), the first pick that lets it through answers it.
import { dependsOnCallerPick, withCallerPick, type CallerPick } from '../../evaluate/caller-picks';
import type { ActionDecision, CompiledPrincipal, RequestContext } from '../../evaluate/types';

export function pickedDecision(
  compiled: Pick<CompiledPrincipal, 'decide'>,
  decision: ActionDecision,
  request: RequestContext,
  picks: readonly CallerPick[],
): { decision: ActionDecision; pick?: CallerPick } {
  if (decision.decision !== 'depends' || !dependsOnCallerPick(decision)) return { decision };
  for (const pick of picks) {
    const there = compiled.decide(decision.action, withCallerPick(request, pick));
    if (there.decision === 'allowed') return { decision: there, pick };
  }
  return { decision };
}
