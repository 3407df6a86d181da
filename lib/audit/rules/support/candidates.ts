// Which catalog actions an identity policy could grant at all. An action no identity Allow statement names
// is implicitly denied whatever else is attached, so the evaluator is only asked about the rest: exact, and
// for the usual narrowly scoped role it turns a 22,000-action question into a few dozen.
import { expandActionPattern, type NormalizedStatement } from '../../../policy';
import { hasWildcard } from '../../../policy/wildcard';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import { catalogIndex, type CatalogIndex } from '../../evaluate/catalog-index';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { PolicyInUse } from './policies';
import { innerStore, newMap } from '../../../util/memo';

const NO_INDICES = new Int32Array(0);

/** Catalog indices a pattern names: one catalog index alone, or a list of them. */
type Expansion = Int32Array | number;

/** Catalog indices a policy's Allow statements name; `all` when any grants every action or it did not parse. */
type Grant = Int32Array | 'all';

export interface CandidateIndex {
  /** Catalog actions some identity Allow of the principal (groups included) names; the whole catalog when unknown. */
  candidates(principal: Principal): readonly CatalogAction[];
  /** `actions` narrowed to the principal's candidates, order kept. */
  restrict(principal: Principal, actions: readonly CatalogAction[]): readonly CatalogAction[];
}

/** What a grant is made of: the Action (`A`) or NotAction (`N`) patterns of each Allow statement, in order. */
function actionSignature(statements: readonly NormalizedStatement[]): string {
  // The parts joined by NUL in one string: built up with `+=`, each part made a string of its own and the
  // whole a chain of them, flattened again as a map key.
  const parts = signatureParts;
  parts.length = 0;
  for (const statement of statements) {
    if (statement.effect !== 'Allow') continue;
    const patterns = statement.actions ?? statement.notActions;
    if (!patterns) continue;
    parts.push(statement.actions ? 'A' : 'N');
    for (let k = 0; k < patterns.length; k++) parts.push(patterns[k]);
  }
  const signature = parts.join('\u0000');
  parts.length = 0;
  return signature;
}
/** The parts of the signature being made (one at a time; emptied after each). */
const signatureParts: string[] = [];

export function createCandidateIndex(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  policies: readonly PolicyInUse[],
): CandidateIndex {
  // The catalog's size and the index every account shares, made on first use: an account without policies
  // asks for neither, and the catalog makes its actions only when something needs them all.
  let shared: { readonly size: number; readonly index: CatalogIndex } | undefined;
  const catalogOf = () => (shared ??= { size: catalog.actions.length, index: catalogIndex(catalog) });
  // The catalog index of an action (its place in catalog.actions).
  const indexOf = (action: CatalogAction) => catalogOf().index.globalOf(action);
  const managed = new Map<string, PolicyInUse>();
  const inline = new Map<string, PolicyInUse[]>();
  for (const policy of policies) {
    if (policy.type !== 'identity') continue;
    if (policy.owner) {
      const list = inline.get(policy.owner.arn) ?? [];
      list.push(policy);
      inline.set(policy.owner.arn, list);
    } else {
      managed.set(policy.id, policy);
    }
  }
  const groups = new Map(snapshot.principals.filter((p) => p.kind === 'group').map((g) => [g.name, g]));
  const grants = new Map<PolicyInUse, Grant>();
  // One list of catalog indices to build grants, unions and restrictions in (never two at once), copied out
  // at the right length: no growing arrays of numbers.
  let scratch: Int32Array | undefined;
  const scratchOf = () => (scratch ??= new Int32Array(catalogOf().size));

  // Catalog indices one pattern names, expanded once per distinct pattern: policies repeat patterns. A pattern
  // naming one action (most do) is kept as its catalog index: no typed array each, kept for the whole audit.
  const expansions = new Map<string, Expansion>();
  // The same, by the pattern as written: policies mostly spell a pattern alike, and lower-casing it first
  // made a new string (hashed anew) per pattern read.
  const expansionsAsWritten = new Map<string, Expansion>();
  const expand = (pattern: string): Expansion => {
    let indices = expansionsAsWritten.get(pattern);
    if (indices !== undefined) return indices;
    const key = pattern.toLowerCase();
    indices = expansions.get(key);
    if (indices === undefined) {
      indices = expandNow(pattern, key);
      expansions.set(key, indices);
    }
    expansionsAsWritten.set(pattern, indices);
    return indices;
  };

  const expandNow = (pattern: string, lower: string): Expansion => {
    // Most patterns name one action: looked up directly, as expandActionPattern would, without the list it makes.
    if (lower.includes(':') && !hasWildcard(lower)) {
      const action = catalog.get(pattern);
      return action ? indexOf(action) : NO_INDICES;
    }
    // A plain loop: Int32Array.from(list, map) walks the list through its iterator and calls map generically.
    const actions = expandActionPattern(pattern, catalog);
    const indices = new Int32Array(actions.length);
    for (let k = 0; k < actions.length; k++) indices[k] = indexOf(actions[k]);
    return indices;
  };

  // Marks for building one policy's grant: named[i] === grantStamp means "already in this grant", and
  // excluded[i] === grantStamp "named by the NotAction being read".
  let named: Uint32Array | undefined;
  let excluded: Uint32Array | undefined;
  let grantStamp = 0;
  // Grants by the Action and NotAction lists of a policy's Allow statements, the only part they depend on:
  // policies that differ only in their resources (one per team or per bucket) share one grant, and so
  // their holders share candidates.
  const grantsByActions = new Map<string, Grant>();
  const grantOf = (policy: PolicyInUse): Grant => {
    let grant = grants.get(policy);
    if (grant) return grant;
    const parsed = policy.parsed();
    // A policy that does not parse might grant anything as far as we know: ask about everything.
    if (!parsed) grant = 'all';
    else {
      const signature = actionSignature(parsed.statements);
      grant = grantsByActions.get(signature);
      if (!grant) {
        grant = grantNow(parsed.statements);
        grantsByActions.set(signature, grant);
      }
    }
    grants.set(policy, grant);
    return grant;
  };
  /** The catalog indices a policy's Allow statements name, sorted; `all` when one names every action. */
  const grantNow = (statements: readonly NormalizedStatement[]): Grant => {
    const { size } = catalogOf();
    named ??= new Uint32Array(size);
    excluded ??= new Uint32Array(size);
    grantStamp++;
    granted = 0;
    for (const statement of statements) {
      if (statement.effect !== 'Allow') continue;
      if (statement.actions?.includes('*')) return 'all';
      if (statement.actions) {
        for (const pattern of statement.actions) {
          const indices = expand(pattern);
          if (typeof indices === 'number') grantOne(indices);
          else grantAll(indices);
        }
      } else if (statement.notActions) grantAllBut(statement.notActions);
    }
    // Sorted once per grant: a principal holding only this policy takes it as it is.
    return scratchOf().slice(0, granted).sort();
  };
  // The grant being built: its first `granted` indices in the scratch list, each marked in `named`.
  let granted = 0;
  /** Adds the catalog index `i` to the grant being built. */
  const grantOne = (i: number) => {
    if (named![i] !== grantStamp) {
      named![i] = grantStamp;
      scratchOf()[granted++] = i;
    }
  };
  /** Adds `indices` to the grant being built. */
  const grantAll = (indices: Int32Array) => {
    const seen = named!;
    const list = scratchOf();
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (seen[i] !== grantStamp) {
        seen[i] = grantStamp;
        list[granted++] = i;
      }
    }
  };
  /** Adds every catalog action but those `patterns` name to the grant being built. */
  const grantAllBut = (patterns: readonly string[]) => {
    const seen = named!;
    const exclusions = excluded!;
    const list = scratchOf();
    grantStamp++;
    // A new stamp for the exclusions also forgets what this grant named so far: re-mark it.
    for (let k = 0; k < granted; k++) seen[list[k]] = grantStamp;
    for (const pattern of patterns) {
      const indices = expand(pattern);
      if (typeof indices === 'number') exclusions[indices] = grantStamp;
      else for (let k = 0; k < indices.length; k++) exclusions[indices[k]] = grantStamp;
    }
    for (let i = 0; i < exclusions.length; i++) {
      if (exclusions[i] !== grantStamp && seen[i] !== grantStamp) {
        seen[i] = grantStamp;
        list[granted++] = i;
      }
    }
  };

  const identityPolicies = (principal: Principal): PolicyInUse[] => {
    const out: PolicyInUse[] = [];
    const addOwn = (owner: Principal) => {
      const own = inline.get(owner.arn);
      if (own) for (const policy of own) out.push(policy);
      for (const arn of owner.managedPolicyArns) {
        const policy = managed.get(arn);
        if (policy) out.push(policy);
      }
    };
    addOwn(principal);
    for (const name of principal.groups) {
      const group = groups.get(name);
      if (group) addOwn(group);
    }
    return out;
  };

  // Each principal's candidates as sorted catalog indices, found once: every rule asks again. Plain maps
  // here and below, not weak ones: they live as long as this index (one audit's analysis), and a weak
  // map's entries cost the garbage collector more to trace.
  const found = new Map<Principal, Int32Array | 'all'>();
  // The union of each distinct set of grants (by the grants' numbers, in order), made once: principals that
  // hold the same policies (a team's roles, users of one group) share one array, and so share what restrict
  // makes of it below.
  const grantNumbers = new Map<Int32Array, number>();
  const unions = new Map<string, Int32Array>();
  const candidateIndices = (principal: Principal): Int32Array | 'all' => {
    let indices = found.get(principal);
    if (indices) return indices;
    const held: Int32Array[] = [];
    for (const policy of identityPolicies(principal)) {
      const grant = grantOf(policy);
      if (grant === 'all') {
        indices = 'all';
        break;
      }
      if (grant.length > 0) {
        held.push(grant);
      }
    }
    if (!indices) {
      if (held.length === 1) indices = held[0];
      else {
        let key = '';
        for (const grant of held) {
          let number = grantNumbers.get(grant);
          if (number === undefined) {
            number = grantNumbers.size;
            grantNumbers.set(grant, number);
          }
          key += `${number},`;
        }
        indices = unions.get(key);
        if (!indices) {
          indices = union(held);
          unions.set(key, indices);
        }
      }
    }
    found.set(principal, indices);
    return indices;
  };

  // The sorted union of sorted grants, merged one grant at a time: a principal holds a few, and merging
  // sorted lists costs less than sorting their concatenation or reading marks back from the whole catalog.
  // The merges go back and forth between the scratch list and a second one.
  let spare: Int32Array | undefined;
  const union = (held: readonly Int32Array[]): Int32Array => {
    if (held.length === 0) return new Int32Array(0);
    let merged: Int32Array = held[0];
    let count = merged.length;
    let into = scratchOf();
    let other = (spare ??= new Int32Array(catalogOf().size));
    for (let h = 1; h < held.length; h++) {
      count = mergeSorted(merged, count, held[h], into);
      merged = into;
      into = other;
      other = merged;
    }
    return merged.slice(0, count);
  };

  // For each action list rules pass in (the same few lists for every principal): where each catalog action
  // stands in it, -1 when absent; a list may hold one action twice, and actions from elsewhere never count.
  // `inOrder`: the list holds catalog actions only, each once, in catalog order (as lists filtered from the
  // catalog do), so its narrowing to sorted candidates is the candidates it holds, in the same order.
  const slots = new WeakMap<
    readonly CatalogAction[],
    { first: Int32Array; globals: Int32Array; repeats: boolean; inOrder: boolean }
  >();
  const slotsOf = (actions: readonly CatalogAction[]) => {
    let entry = slots.get(actions);
    if (!entry) {
      const first = new Int32Array(catalogOf().size).fill(-1);
      const globals = new Int32Array(actions.length).fill(-1);
      let repeats = false;
      let inOrder = true;
      let last = -1;
      actions.forEach((action, k) => {
        const i = indexOf(action);
        if (i <= last) inOrder = false;
        else last = i;
        if (i < 0) return;
        globals[k] = i;
        if (first[i] >= 0) repeats = true;
        else first[i] = k;
      });
      entry = { first, globals, repeats, inOrder };
      slots.set(actions, entry);
    }
    return entry;
  };

  // What restrict made of each candidate array and list: principals with the same candidates get the same
  // (read-only) list back, which also lets the evaluator reuse its prepared form of it. Rules ask about the
  // same few lists for every principal, and some ask again per resource.
  const restricted = new Map<Int32Array, Map<readonly CatalogAction[], readonly CatalogAction[]>>();
  // The answer for a principal that holds none of a list's actions (read-only, like every answer).
  const none: readonly CatalogAction[] = [];

  return {
    candidates(principal) {
      const indices = candidateIndices(principal);
      return indices === 'all' ? catalog.actions : catalogOf().index.select(indices);
    },
    restrict(principal, actions) {
      const indices = candidateIndices(principal);
      if (indices === 'all') return actions;
      if (indices.length === 0) return none;
      // The second key looked up here: memoize2 would take a fresh closure per question.
      const byList = innerStore(restricted, indices, newMap<readonly CatalogAction[], readonly CatalogAction[]>);
      let answer = byList.get(actions);
      if (!answer) {
        answer = restrictTo(indices, actions);
        byList.set(actions, answer);
      }
      return answer;
    },
  };

  /** `actions` narrowed to the catalog indices `indices` (sorted), order kept. */
  function restrictTo(indices: Int32Array, actions: readonly CatalogAction[]): readonly CatalogAction[] {
    const { first, globals, repeats, inOrder } = slotsOf(actions);
    if (repeats) {
      // Rare: keep every occurrence, in the caller's order.
      const wanted = new Set(indices);
      return actions.filter((action) => wanted.has(indexOf(action)));
    }
    if (inOrder) {
      // The candidates the list holds are already in its order: no slots to sort, and select copies them.
      const kept = scratchOf();
      let count = 0;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        if (first[i] >= 0) kept[count++] = i;
      }
      return count === 0 ? none : catalogOf().index.select(kept.subarray(0, count));
    }
    // Walk the principal's candidates (usually far fewer than the list), then restore the list's order.
    const kept = scratchOf();
    let count = 0;
    for (let k = 0; k < indices.length; k++) {
      const slot = first[indices[k]];
      if (slot >= 0) kept[count++] = slot;
    }
    // Most principals hold none of a list's actions: one shared empty answer.
    if (count === 0) return none;
    const order = kept.slice(0, count).sort();
    for (let k = 0; k < order.length; k++) order[k] = globals[order[k]];
    return catalogOf().index.select(order);
  }
}

/**
 * Writes the sorted union of the first `aLength` indices of `a` and all of `b` (each sorted, without repeats)
 * into `out`, and returns how many it wrote.
 */
function mergeSorted(a: Int32Array, aLength: number, b: Int32Array, out: Int32Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < aLength && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x <= y) {
      out[count++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[count++] = y;
      j++;
    }
  }
  while (i < aLength) out[count++] = a[i++];
  while (j < b.length) out[count++] = b[j++];
  return count;
}
