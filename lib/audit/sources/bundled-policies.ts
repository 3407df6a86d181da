// AWS managed policies a snapshot's principals name (attached to them or to their groups, or as a permissions
// boundary) but the snapshot does not hold: each is added from the bundled data (lib/aws-managed/bundled.ts),
// marked `bundled`, so the audit answers from what it grants. What the data does not have stays absent, and
// the rules treat it as unknown, as before. A policy the input lists but could not read (no default version,
// say) is the input's word and is never replaced.
import { bundledAwsManagedPolicies, type BundledPolicies } from '../../aws-managed/bundled';
import type { AccountSnapshot, ManagedPolicy, SnapshotProblem } from './snapshot';

/** `arn:<partition>:iam::aws:policy/...` is AWS managed; a 12-digit account id means customer managed. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}

/** Adds absent AWS managed policies as they are met; the data is read only when one is. */
export class BundledPolicyResolver {
  /** The policies added, in the order they were met. */
  readonly added: ManagedPolicy[] = [];
  private data: BundledPolicies | string | undefined;
  private unreadable = new Set<string>();

  /** `held`: the ARNs the input lists (it grows with each policy added). */
  constructor(
    private readonly held: Set<string>,
    private readonly load: () => BundledPolicies | string = bundledAwsManagedPolicies,
  ) {}

  /**
   * Whether the snapshot holds `arn` now: it did, or it is an AWS managed policy of the `aws` partition that
   * was just added from the bundled data (a China or GovCloud policy's document may differ).
   */
  holds(arn: string): boolean {
    if (this.held.has(arn)) return true;
    if (!arn.startsWith('arn:aws:iam::aws:policy/')) return false;
    this.data ??= this.load();
    if (typeof this.data === 'string') {
      this.unreadable.add(arn);
      return false;
    }
    const policy = this.data.lookup(arn);
    if (!policy) return false;
    this.held.add(arn);
    this.added.push({
      arn,
      name: policy.name,
      document: policy.document,
      awsManaged: true,
      bundled: { source: this.data.source, versionId: policy.versionId, newest: this.data.newest },
    });
    return true;
  }

  /** When the bundled data could not be read for some absent policy: which, and why. */
  problem(where: string): SnapshotProblem | undefined {
    if (this.unreadable.size === 0) return undefined;
    const count = this.unreadable.size;
    return {
      where,
      message:
        `${count} AWS managed polic${count === 1 ? 'y is' : 'ies are'} not in the input and the bundled AWS ` +
        `managed policies could not be read (${String(this.data)}): ${[...this.unreadable].join(', ')}`,
    };
  }
}

/**
 * The ARN of an AWS managed policy named without its path (`AWSLambdaBasicExecutionRole`), as the SAM transform
 * finds one; undefined when the bundled data has no policy of that name or cannot be read.
 */
export function awsManagedArnOfName(name: string): string | undefined {
  const data = bundledAwsManagedPolicies();
  return typeof data === 'string' ? undefined : data.arnOfName(name);
}

/** The snapshot with the AWS managed policies it names but lacks added from the bundled data (itself when none). */
export function withBundledPolicies(snapshot: AccountSnapshot, where: string): AccountSnapshot {
  const resolver = new BundledPolicyResolver(new Set(snapshot.managedPolicies.map((policy) => policy.arn)));
  for (const principal of snapshot.principals) {
    for (const arn of principal.managedPolicyArns) resolver.holds(arn);
    if (principal.permissionsBoundaryArn) resolver.holds(principal.permissionsBoundaryArn);
  }
  const problem = resolver.problem(where);
  if (resolver.added.length === 0 && !problem) return snapshot;
  return {
    ...snapshot,
    managedPolicies: [...snapshot.managedPolicies, ...resolver.added],
    problems: problem ? [...snapshot.problems, problem] : snapshot.problems,
  };
}
