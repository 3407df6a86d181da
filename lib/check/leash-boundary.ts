// An agent stack references the leash boundary by name (the StackSet creates it in every account), so the
// templates `leash check` reads do not hold its document. Evaluated as missing, every agent grant would
// "depend on" the boundary; the boundary is, however, exactly what `leash generate` makes from the same
// config, so the check evaluates it with that document and says so.
import type { AccountSnapshot } from '../audit/sources/snapshot';
import type { Catalog } from '../catalog/types';
import { generateBoundary } from '../guardrails';
import type { GuardrailSpec } from '../guardrails/spec';

export interface LeashBoundaryResult {
  readonly snapshot: AccountSnapshot;
  /** One line per boundary filled in, for the report's caveats. */
  readonly caveats: string[];
}

/** The snapshot with the generated leash boundary added where principals reference it but no template defines it. */
export function withLeashBoundary(
  snapshot: AccountSnapshot,
  spec: GuardrailSpec,
  catalog?: Catalog,
): LeashBoundaryResult {
  const name = spec.agents.boundaryPolicyName;
  const known = new Set(snapshot.managedPolicies.map((p) => p.arn));
  const missing = [
    ...new Set(
      snapshot.principals
        .map((p) => p.permissionsBoundaryArn)
        .filter(
          (arn): arn is string =>
            arn !== undefined && !known.has(arn) && /^arn:[^:]+:iam::[^:]*:policy\/(.+)$/.exec(arn)?.[1] === name,
        ),
    ),
  ];
  if (missing.length === 0) return { snapshot, caveats: [] };
  const document = generateBoundary(spec, catalog).document;
  return {
    snapshot: {
      ...snapshot,
      managedPolicies: [
        ...snapshot.managedPolicies,
        ...missing.map((arn) => ({ arn, name, document: document as never, awsManaged: false })),
      ],
    },
    caveats: missing.map(
      (arn) =>
        `Permissions boundary ${arn} is not defined in these templates: evaluated as the boundary leash generates ` +
        'from this config (the one the boundary StackSet deploys).',
    ),
  };
}
