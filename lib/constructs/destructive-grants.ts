// Synth-time check for agent grants: the agent invariant at synth time. No write (any access level but Read
// and List) may be granted on resources that can be production, except what agents.productionWriteAllowlist
// declares safe. Judged on the parsed statement, against the catalog; the classes say why it matters.
import type { Catalog, CatalogAction, DestructiveClass } from '../catalog/types';
import type { ProductionSelector } from '../guardrails/spec';
import { isReadLevel } from '../catalog/read-patterns';
import { compileActionMatcher, expandActionPattern } from '../policy';
import { matchProductionResource, type ProductionResourceMatch } from './production-resources';

/** The classes named first in a refusal (every write is refused; these are the worst). */
export const REFUSED_CLASSES: readonly DestructiveClass[] = ['delete', 'recreate', 'tamper'];

export interface DestructiveGrant {
  readonly action: CatalogAction;
  readonly classes: readonly DestructiveClass[];
}

export interface DestructiveGrantCheck {
  /** Writes the granted action patterns cover (allowlisted ones left out), with their destructive classes. */
  readonly destructiveActions: readonly DestructiveGrant[];
  /** Granted resources that can be production. */
  readonly productionResources: readonly ProductionResourceMatch[];
  /** Action patterns that match no catalog action (typos or actions newer than the catalog). */
  readonly unknownActions: readonly string[];
}

/** Which writes a grant of `actions` on `resources` hands out on production, if any. */
export function checkDestructiveGrant(
  actions: readonly string[],
  resources: readonly string[],
  production: Pick<ProductionSelector, 'arnPatterns' | 'arns'>,
  catalog: Catalog,
  allowlist: readonly string[] = [],
): DestructiveGrantCheck {
  const productionResources = resources
    .map((resource) => matchProductionResource(resource, production))
    .filter((match): match is ProductionResourceMatch => match !== undefined);
  const matches = compileActionMatcher(actions);
  const allowlisted = compileActionMatcher(allowlist);
  const destructiveActions: DestructiveGrant[] = [];
  for (const action of catalog.actions) {
    if (isReadLevel(action) || allowlisted(action.action) || !matches(action.action)) continue;
    destructiveActions.push({ action, classes: action.classes });
  }
  // The most damaging first, so the error message names them.
  destructiveActions.sort((a, b) => rank(a) - rank(b));
  const unknownActions = actions.filter((pattern) => expandActionPattern(pattern, catalog).length === 0);
  return { destructiveActions, productionResources, unknownActions };
}

function rank(grant: DestructiveGrant): number {
  const first = REFUSED_CLASSES.findIndex((c) => grant.classes.includes(c));
  return first === -1 ? (grant.classes.length > 0 ? REFUSED_CLASSES.length : REFUSED_CLASSES.length + 1) : first;
}

/** The error text for a refused grant: which actions, which resources, what to do instead. */
export function describeRefusedGrant(path: string, check: DestructiveGrantCheck, limit = 8): string {
  const listed = check.destructiveActions
    .slice(0, limit)
    .map((grant) => `${grant.action.action} [${grant.classes.join(', ') || grant.action.accessLevel}]`)
    .join(', ');
  const more = check.destructiveActions.length > limit ? ` and ${check.destructiveActions.length - limit} more` : '';
  const resources = check.productionResources.map((match) => `"${match.resource}" (${match.reason})`).join(', ');
  return (
    `${path}: refusing to grant writes on production resources: ${listed}${more} on ${resources}. ` +
    'Production is read-only for agents: grant writes only on non-production ARNs (or under an ' +
    'aws:ResourceTag condition on non-production values), declare writes that are safe on production in ' +
    'agents.productionWriteAllowlist, or leave the change to the approved deployment pipeline.'
  );
}
