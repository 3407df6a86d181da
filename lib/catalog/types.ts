// The shape of the AWS action catalog every other module reads: facts from the Service Authorization
// Reference plus our destructive classification.

/** Access levels as the Service Authorization Reference names them. */
export type AccessLevel = 'Read' | 'Write' | 'List' | 'Tagging' | 'Permissions management';

/**
 * What kind of damage an action can do; an action may carry several classes. `execute` runs code or
 * commands with the permissions of another principal (an instance profile, a function or task role, a
 * stack's service role): whatever that principal may do, the caller now may do too.
 */
export type DestructiveClass = 'delete' | 'recreate' | 'tamper' | 'escalate' | 'execute';
export const DESTRUCTIVE_CLASSES: readonly DestructiveClass[] = ['delete', 'recreate', 'tamper', 'escalate', 'execute'];

/**
 * Where support for `aws:ResourceTag/${TagKey}` comes from: the action's own row, only the resource-type
 * table of one of its resource types, or nowhere (a tag condition on this action never matches).
 */
export type TagSupport = 'action' | 'resource-type' | 'none';

export interface CatalogResourceType {
  /** Resource type name, e.g. `db`. */
  readonly name: string;
  readonly required: boolean;
  /** ARN template from the reference, e.g. `arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}`. */
  readonly arnTemplate?: string;
  /** Condition keys on the action row for this resource type plus the resource type's own table. */
  readonly conditionKeys: readonly string[];
}

export interface CatalogAction {
  /** Canonical `service:Action`, e.g. `ec2:TerminateInstances`. */
  readonly action: string;
  /** Service prefix, lower case, e.g. `ec2`. */
  readonly service: string;
  /** Action name in the reference's case, e.g. `TerminateInstances`. */
  readonly name: string;
  readonly accessLevel: AccessLevel;
  /** The reference's one-line description ("Grants permission to ..."), when it has one. */
  readonly description?: string;
  readonly resourceTypes: readonly CatalogResourceType[];
  /** Condition keys listed on the action row itself. */
  readonly conditionKeys: readonly string[];
  /** True when the action supports only `Resource: "*"`. */
  readonly isWildcardOnly: boolean;
  /** Whether `aws:ResourceTag/${TagKey}` can be evaluated for this action at all. */
  readonly tagAware: boolean;
  readonly tagSupport: TagSupport;
  /** Destructive classes, empty for harmless actions. */
  readonly classes: readonly DestructiveClass[];
  /** Why each class was assigned (rule id or override reason), for reports. */
  readonly classReasons: readonly string[];
}

export interface Catalog {
  /** Version of the reference data package, e.g. `0.21.202609261`. */
  readonly dataVersion: string;
  readonly actions: readonly CatalogAction[];
  /** Service prefixes, sorted. */
  readonly services: readonly string[];
  /** Services that support resource control policies. */
  readonly rcpServices: ReadonlySet<string>;
  /** Case-insensitive lookup of `service:Action`. */
  get(action: string): CatalogAction | undefined;
  /** Actions of one service (case-insensitive prefix), empty when unknown. */
  serviceActions(service: string): readonly CatalogAction[];
  hasService(service: string): boolean;
  /** Actions with at least one destructive class. */
  readonly destructive: readonly CatalogAction[];
}
