// Actions that run with a role the resource already holds when the request names none. CloudFormation
// carries out an update, rollback or deletion of a stack with the stack's service role unless the request
// names one (RoleARN), and only a named role is checked with iam:PassRole. So a caller who may change a
// non-production stack whose role is the deployment pipeline's gets that role's permissions everywhere,
// production included. The condition key that names the role is absent when the request names none: a Deny
// on its absence makes the caller name a role, which the PassRole guard then judges.
import type { CatalogAction } from './types';

export interface RoleInRequest {
  readonly service: string;
  /** The condition key present exactly when the request names the role. */
  readonly key: string;
  /**
   * Actions of the service that list the key but need no guard: they never run with a role the resource
   * holds, or they only return the resource to what it was, with nothing of the caller's choosing.
   */
  readonly except: RegExp;
  /**
   * Actions that never carry the key but run with roles no request can name, so a Deny on the key's absence
   * (which always applies to them) is right for them too: patterns may reach them.
   */
  readonly mayAlsoDeny: RegExp;
  readonly why: string;
}

export const ROLE_IN_REQUEST: readonly RoleInRequest[] = [
  {
    service: 'cloudformation',
    key: 'cloudformation:RoleArn',
    // A new stack has no role yet: without RoleARN it runs with the caller's own credentials. A rollback
    // returns the stack to its last template, which the caller did not write.
    except: /^(CreateStack|ContinueUpdateRollback|RollbackStack)$/,
    // Stack instances are deployed, updated and deleted with their stack set's roles.
    mayAlsoDeny: /StackInstances$/,
    why:
      "a stack operation that names no service role runs with the stack's (or the stack set's default " +
      'administration role), which no iam:PassRole check guards',
  },
];

/** The entry of ROLE_IN_REQUEST for the action's service, if any. */
export function roleInRequestOf(action: CatalogAction): RoleInRequest | undefined {
  return ROLE_IN_REQUEST.find((r) => r.service === action.service);
}

/** The condition key naming the role when `action` runs with the resource's role unless it names one. */
export function roleFromResourceKey(action: CatalogAction): string | undefined {
  const entry = ROLE_IN_REQUEST.find((r) => r.service === action.service && !r.except.test(action.name));
  if (!entry) return undefined;
  const key = entry.key.toLowerCase();
  const listed = [...action.conditionKeys, ...action.resourceTypes.flatMap((t) => t.conditionKeys)];
  return listed.some((k) => k.toLowerCase() === key) ? entry.key : undefined;
}
