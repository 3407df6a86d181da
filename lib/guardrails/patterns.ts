// Compresses lists of actions into per-service wildcard patterns (`ec2:Delete*`) that never match an action
// the caller did not accept: every pattern is checked against the catalog before it is emitted.
import type { Catalog, CatalogAction } from '../catalog/types';
import { checkActionPattern, expandActionPattern } from '../policy';

/** One emitted pattern and the catalog actions it matches. */
export interface ActionPattern {
  /** `ec2:Delete*`, `rds:DeleteDBInstance` or `s3:*`. */
  readonly pattern: string;
  /** The required actions it covers (a subset of what the caller asked for). */
  readonly covers: readonly CatalogAction[];
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** The action whose lower-cased name ends at this node, if any. */
  action?: CatalogAction;
  required: number;
  unacceptable: number;
  /** Some action under this node has a longer first word (verb) than the prefix: the cut is mid-verb. */
  midVerb: boolean;
}

function newNode(): TrieNode {
  return { children: new Map(), required: 0, unacceptable: 0, midVerb: false };
}

/** Length of the leading verb: `Delete` in `DeleteDBInstance`, `Put` in `PutBucketTagging`. */
function verbLength(name: string): number {
  let i = 1;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (!(code >= 97 && code <= 122)) break;
    i++;
  }
  return i;
}

/** Characters a pattern adds to a JSON array: the quotes and the separating comma. */
function jsonCost(pattern: string): number {
  return pattern.length + 3;
}

interface Cover {
  readonly cost: number;
  readonly patterns: readonly { pattern: string; covers: CatalogAction[] }[];
}

/**
 * Smallest set of patterns (by JSON characters) for the `required` actions of one service such that no
 * pattern matches an action outside `acceptable`. Patterns are either an exact action or a name prefix
 * followed by `*`; the search is exact over the trie of lower-cased action names (IAM matches actions
 * case-insensitively). A prefix pattern also matches actions AWS adds later under that prefix; that is the
 * accepted price of `ec2:Delete*`-style compression.
 */
function compressService(
  service: string,
  serviceActions: readonly CatalogAction[],
  required: ReadonlySet<CatalogAction>,
  acceptable: (action: CatalogAction) => boolean,
): Cover {
  const root = newNode();
  for (const action of serviceActions) {
    const isRequired = required.has(action);
    const isUnacceptable = !isRequired && !acceptable(action);
    let node = root;
    const path: TrieNode[] = [root];
    const lower = action.name.toLowerCase();
    const verb = verbLength(action.name);
    for (let i = 0; i < lower.length; i++) {
      const ch = lower[i];
      let next = node.children.get(ch);
      if (!next) {
        next = newNode();
        node.children.set(ch, next);
      }
      node = next;
      if (i + 1 < verb) node.midVerb = true;
      path.push(node);
    }
    node.action = action;
    for (const visited of path) {
      if (isRequired) visited.required++;
      if (isUnacceptable) visited.unacceptable++;
    }
  }

  const solve = (node: TrieNode, prefix: string): Cover => {
    if (node.required === 0) return { cost: 0, patterns: [] };
    // Option 1: exact action at this node plus the best cover of the children.
    let cost = 0;
    const patterns: { pattern: string; covers: CatalogAction[] }[] = [];
    if (node.action && required.has(node.action)) {
      const exact = `${service}:${node.action.name}`;
      cost += jsonCost(exact);
      patterns.push({ pattern: exact, covers: [node.action] });
    }
    for (const [ch, child] of node.children) {
      const sub = solve(child, prefix + ch);
      cost += sub.cost;
      patterns.push(...sub.patterns);
    }
    // Option 2: one `prefix*` pattern, when nothing unacceptable lives under this node and the prefix holds
    // the whole verb (`ec2:DeleteVpcE*`, never `verifiedpermissions:D*`): a later action with the same verb
    // is most likely just as destructive, while `D*` would also catch a future `Describe*`.
    if (node.unacceptable === 0 && (node === root || !node.midVerb)) {
      const covers = collectRequired(node, required);
      // Keep the reference's capitalisation for readability; matching ignores case anyway.
      const shown = covers[0].name.slice(0, prefix.length);
      const wildcard = `${service}:${shown}*`;
      const wildcardCost = jsonCost(wildcard);
      if (wildcardCost < cost || (wildcardCost === cost && patterns.length > 1)) {
        return { cost: wildcardCost, patterns: [{ pattern: wildcard, covers }] };
      }
    }
    return { cost, patterns };
  };
  return solve(root, '');
}

function collectRequired(node: TrieNode, required: ReadonlySet<CatalogAction>): CatalogAction[] {
  const out: CatalogAction[] = [];
  const walk = (n: TrieNode): void => {
    if (n.action && required.has(n.action)) out.push(n.action);
    for (const child of n.children.values()) if (child.required > 0) walk(child);
  };
  walk(node);
  return out;
}

export class PatternVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternVerificationError';
  }
}

/**
 * Patterns covering every `required` action, grouped by service in the order services first appear in
 * `required`. `acceptable` says which other actions a pattern may also match (for a Deny: actions it is
 * acceptable to deny under the same conditions); required actions are always acceptable. Each pattern is
 * verified by expanding it against the catalog, so a bug here cannot silently deny a harmless action.
 */
export function compressActions(
  required: readonly CatalogAction[],
  acceptable: (action: CatalogAction) => boolean,
  catalog: Catalog,
): ActionPattern[] {
  const byService = new Map<string, Set<CatalogAction>>();
  for (const action of required) {
    let set = byService.get(action.service);
    if (!set) {
      set = new Set();
      byService.set(action.service, set);
    }
    set.add(action);
  }
  const out: ActionPattern[] = [];
  for (const [service, set] of byService) {
    const cover = compressService(service, catalog.serviceActions(service), set, acceptable);
    for (const { pattern, covers } of cover.patterns) {
      verifyPattern(pattern, (a) => set.has(a) || acceptable(a), catalog);
      out.push({ pattern, covers });
    }
  }
  return out;
}

/** Throws unless `pattern` is valid IAM, matches at least one catalog action and only acceptable ones. */
export function verifyPattern(pattern: string, acceptable: (action: CatalogAction) => boolean, catalog: Catalog): void {
  const problem = checkActionPattern(pattern);
  if (problem) throw new PatternVerificationError(problem);
  const matched = expandActionPattern(pattern, catalog);
  if (matched.length === 0) throw new PatternVerificationError(`pattern ${pattern} matches no action in the catalog`);
  const bad = matched.filter((action) => !acceptable(action));
  if (bad.length > 0) {
    throw new PatternVerificationError(
      `pattern ${pattern} would also match ${bad
        .slice(0, 5)
        .map((a) => a.action)
        .join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}, which must not be denied`,
    );
  }
}
