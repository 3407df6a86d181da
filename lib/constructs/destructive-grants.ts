// Synth-time check for agent grants: destructive actions (delete, recreate, tamper) may not be granted on
// resources that can be production. Judged on the parsed statement, against the catalog.
import type { Catalog, CatalogAction, DestructiveClass } from '../catalog/types';
import type { ProductionSelector } from '../guardrails/spec';
import { compileActionMatcher, expandActionPattern } from '../policy';
import { matchProductionResource, type ProductionResourceMatch } from './production-resources';

/** Classes an agent may never hold on production. `escalate` is the boundary's job (it is not resource-bound). */
export const REFUSED_CLASSES: readonly DestructiveClass[] = ['delete', 'recreate', 'tamper'];

export interface DestructiveGrant {
  readonly action: CatalogAction;
  readonly classes: readonly DestructiveClass[];
}

export interface DestructiveGrantCheck {
  /** Destructive catalog actions the granted action patterns cover. */
  readonly destructiveActions: readonly DestructiveGrant[];
  /** Granted resources that can be production. */
  readonly productionResources: readonly ProductionResourceMatch[];
  /** Action patterns that match no catalog action (typos or actions newer than the catalog). */
  readonly unknownActions: readonly string[];
}

/** Which destructive actions a grant of `actions` on `resources` hands out on production, if any. */
export function checkDestructiveGrant(
  actions: readonly string[],
  resources: readonly string[],
  production: Pick<ProductionSelector, 'arnPatterns' | 'arns'>,
  catalog: Catalog,
): DestructiveGrantCheck {
  const productionResources = resources
    .map((resource) => matchProductionResource(resource, production))
    .filter((match): match is ProductionResourceMatch => match !== undefined);
  const matches = compileActionMatcher(actions);
  const destructiveActions: DestructiveGrant[] = [];
  for (const action of catalog.destructive) {
    const classes = action.classes.filter((c) => REFUSED_CLASSES.includes(c));
    if (classes.length > 0 && matches(action.action)) destructiveActions.push({ action, classes });
  }
  const unknownActions = actions.filter((pattern) => expandActionPattern(pattern, catalog).length === 0);
  return { destructiveActions, productionResources, unknownActions };
}

/** The error text for a refused grant: which actions, which resources, what to do instead. */
export function describeRefusedGrant(path: string, check: DestructiveGrantCheck, limit = 8): string {
  const listed = check.destructiveActions
    .slice(0, limit)
    .map((grant) => `${grant.action.action} [${grant.classes.join(', ')}]`)
    .join(', ');
  const more = check.destructiveActions.length > limit ? ` and ${check.destructiveActions.length - limit} more` : '';
  const resources = check.productionResources.map((match) => `"${match.resource}" (${match.reason})`).join(', ');
  return (
    `${path}: refusing to grant destructive actions on production resources: ${listed}${more} on ${resources}. ` +
    'An agent role may not delete, recreate or tamper with production: grant these actions only on ' +
    'non-production ARNs, or leave the change to the approved deployment pipeline.'
  );
}
