// aws:RequestedRegion, the Region a request is sent to: the caller's pick, not a fact the input holds. Where a
// policy reads it (a region deny SCP), the rules and the access graph ask again in the regions the policies
// tell apart; these are the pieces they share.
import { memoize2, newMap } from '../../util/memo';
import type { RequestContext } from './types';

/** The key, lower-cased as RequestContext.contextKeys holds it. */
export const REQUESTED_REGION = 'aws:requestedregion';

export function isRequestedRegionKey(key: string): boolean {
  return key.toLowerCase() === REQUESTED_REGION;
}

/** Whether an answer (a decision, a statement reference) turns on the request's region. */
export function dependsOnRegion(answer: { readonly dependsOn?: readonly string[] }): boolean {
  return answer.dependsOn?.some(isRequestedRegionKey) ?? false;
}

const inRegion = new WeakMap<RequestContext, Map<string, RequestContext>>();

/**
 * `context` for a request sent to `region`, one object per context and region: the evaluator shares decision
 * templates between principals by request object.
 */
export function inRequestedRegion(context: RequestContext, region: string): RequestContext {
  return memoize2<RequestContext, string, RequestContext>(inRegion, context, region, newMap, () => ({
    ...context,
    contextKeys: { ...context.contextKeys, [REQUESTED_REGION]: [region] },
  }));
}
