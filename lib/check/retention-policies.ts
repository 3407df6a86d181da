// DeletionPolicy and UpdateReplacePolicy weakened: the resource stays, but what a later deletion or replacement
// keeps shrinks (Retain → Snapshot → Delete). It is the first half of a destruction in two steps: a stack
// deleted outside this gate (`cdk destroy`, the console) or a later change then takes the data with it.
import type { CfnResource } from './template-file';

const STRENGTH: Readonly<Record<string, number>> = { Delete: 0, Snapshot: 1, RetainExceptOnCreate: 2, Retain: 2 };

/**
 * CloudFormation's default when the attribute is absent: Snapshot for an RDS cluster, and for an RDS instance
 * that is not in a cluster; Delete for everything else (the DeletionPolicy attribute reference).
 */
function defaultPolicy(resource: CfnResource): string {
  const type = resource.Type;
  const inCluster = resource.Properties?.DBClusterIdentifier !== undefined;
  return type === 'AWS::RDS::DBCluster' || (type === 'AWS::RDS::DBInstance' && !inCluster) ? 'Snapshot' : 'Delete';
}

/** How much a policy keeps; an intrinsic or unknown word is unknown (undefined). */
type Attribute = 'DeletionPolicy' | 'UpdateReplacePolicy';

/** The attribute as written: a template may hold an intrinsic where the type says string. */
function written(resource: CfnResource, attribute: Attribute): unknown {
  return (resource as unknown as Record<string, unknown>)[attribute];
}

function absent(resource: CfnResource, attribute: Attribute): string {
  return attribute === 'DeletionPolicy' ? defaultPolicy(resource) : 'Delete';
}

function strength(resource: CfnResource, attribute: Attribute): number | undefined {
  const value = written(resource, attribute) ?? absent(resource, attribute);
  return typeof value === 'string' ? STRENGTH[value] : undefined;
}

/**
 * Each policy that keeps less after than before. Unknown before counts as the strongest and unknown after as
 * the weakest, unless the attribute is unchanged: a value only deployment knows may be `Delete`.
 */
export function weakenedPolicies(before: CfnResource, after: CfnResource): string[] {
  const found: string[] = [];
  for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
    if (JSON.stringify(written(before, attribute)) === JSON.stringify(written(after, attribute))) continue;
    const old = strength(before, attribute) ?? STRENGTH.Retain;
    const next = strength(after, attribute) ?? STRENGTH.Delete;
    if (next >= old) continue;
    const shown = (resource: CfnResource) => {
      const value = written(resource, attribute);
      if (value === undefined) return `the default ${absent(resource, attribute)}`;
      return typeof value === 'string' ? value : 'a value only deployment knows';
    };
    found.push(
      `${attribute} weakened from ${shown(before)} to ${shown(after)}: a later ${attribute === 'DeletionPolicy' ? 'deletion (of it or of its stack)' : 'replacement'} keeps less of its data`,
    );
  }
  return found;
}
