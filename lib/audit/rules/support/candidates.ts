// Which catalog actions an identity policy could grant at all. An action no identity Allow statement names
// is implicitly denied whatever else is attached, so the evaluator is only asked about the rest: exact, and
// for the usual narrowly scoped role it turns a 22,000-action question into a few dozen.
import { expandActionPatterns } from '../../../policy';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { PolicyInUse } from './policies';

/** `all`: some statement grants every action; `unknown`: a policy did not parse, so assume anything. */
type Grant = Uint8Array | 'all' | 'unknown';

export interface CandidateIndex {
  /** Catalog actions some identity Allow of the principal (groups included) names; the whole catalog when unknown. */
  candidates(principal: Principal): readonly CatalogAction[];
  /** `actions` narrowed to the principal's candidates, order kept. */
  restrict(principal: Principal, actions: readonly CatalogAction[]): readonly CatalogAction[];
}

export function createCandidateIndex(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  policies: readonly PolicyInUse[],
): CandidateIndex {
  const size = catalog.actions.length;
  const indexOf = new Map<CatalogAction, number>(catalog.actions.map((action, i) => [action, i]));
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

  const grantOf = (policy: PolicyInUse): Grant => {
    let grant = grants.get(policy);
    if (grant) return grant;
    const parsed = policy.parsed();
    if (!parsed) {
      grant = 'unknown';
    } else {
      const marks = new Uint8Array(size);
      for (const statement of parsed.statements) {
        if (statement.effect !== 'Allow') continue;
        if (statement.actions?.includes('*')) {
          grant = 'all';
          break;
        }
        if (statement.actions) {
          for (const action of expandActionPatterns(statement.actions, catalog)) marks[indexOf.get(action) ?? 0] = 1;
        } else if (statement.notActions) {
          const excluded = new Uint8Array(size);
          for (const action of expandActionPatterns(statement.notActions, catalog))
            excluded[indexOf.get(action) ?? 0] = 1;
          for (let i = 0; i < size; i++) if (!excluded[i]) marks[i] = 1;
        }
      }
      grant ??= marks;
    }
    grants.set(policy, grant);
    return grant;
  };

  const identityPolicies = (principal: Principal): PolicyInUse[] => {
    const owners = [principal, ...principal.groups.map((g) => groups.get(g)).filter((g): g is Principal => !!g)];
    const out: PolicyInUse[] = [];
    for (const owner of owners) {
      out.push(...(inline.get(owner.arn) ?? []));
      for (const arn of owner.managedPolicyArns) {
        const policy = managed.get(arn);
        if (policy) out.push(policy);
      }
    }
    return out;
  };

  // Rules walk principal by principal: remember the last principal's marks only.
  let last: { principal: Principal; marks: Uint8Array | 'all' } | undefined;
  const marksOf = (principal: Principal): Uint8Array | 'all' => {
    if (last?.principal === principal) return last.marks;
    let marks: Uint8Array | 'all' = new Uint8Array(size);
    for (const policy of identityPolicies(principal)) {
      const grant = grantOf(policy);
      if (grant === 'all' || grant === 'unknown') {
        marks = 'all';
        break;
      }
      for (let i = 0; i < size; i++) if (grant[i]) marks[i] = 1;
    }
    last = { principal, marks };
    return marks;
  };

  return {
    candidates(principal) {
      const marks = marksOf(principal);
      if (marks === 'all') return catalog.actions;
      return catalog.actions.filter((_, i) => marks[i] === 1);
    },
    restrict(principal, actions) {
      const marks = marksOf(principal);
      if (marks === 'all') return actions;
      return actions.filter((action) => marks[indexOf.get(action) ?? -1] === 1);
    },
  };
}
