// Actions that delete only when a request parameter says so: route53:ChangeResourceRecordSets creates records,
// and deletes or overwrites them when its batch holds DELETE or UPSERT. Classing the action destructive would
// deny every record change in a production zone (certificate renewals write DNS-01 records there); the
// production ARN deny names it with the condition key that tells a delete apart instead.
import type { Catalog, CatalogAction } from '../catalog/types';
import { allOf, type ConditionBlock } from './conditions';

export interface ConditionalDelete {
  /** `service:Action` as the catalog spells it. */
  readonly action: string;
  /** The service of the resource ARNs it acts on (route53: `arn:aws:route53:::hostedzone/...`). */
  readonly arnService: string;
  /** The multivalued request key that says what the call does, and the values that delete. */
  readonly key: string;
  readonly values: readonly string[];
  readonly why: string;
}

export const CONDITIONAL_DELETES: readonly ConditionalDelete[] = [
  {
    action: 'route53:ChangeResourceRecordSets',
    arnService: 'route53',
    key: 'route53:ChangeResourceRecordSetsActions',
    values: ['DELETE', 'UPSERT'],
    why: 'a DELETE removes a record and an UPSERT replaces it: the name stops resolving, or resolves elsewhere',
  },
];

/** `ForAnyValue:StringEquals` on the key: true when any change of the batch deletes or replaces. */
export function deletingRequest(entry: ConditionalDelete): ConditionBlock {
  return allOf({ 'ForAnyValue:StringEquals': { [entry.key]: [...entry.values] } });
}

/** The conditional deletes the catalog knows, with their catalog entry (a refresh that drops one loses it). */
export function conditionalDeletes(catalog: Catalog): { entry: ConditionalDelete; action: CatalogAction }[] {
  return CONDITIONAL_DELETES.flatMap((entry) => {
    const action = catalog.get(entry.action);
    return action ? [{ entry, action }] : [];
  });
}
