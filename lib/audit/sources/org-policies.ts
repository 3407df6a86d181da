// Reads SCP / RCP chain files for `--scp` / `--rcp`: the organization policies that apply to an account
// whose authorization details were saved without them.
//
// A file is either
//   - one policy document (`{ "Version": ..., "Statement": [...] }`), or the output of
//     `aws organizations describe-policy` (its `Policy.Content`, with the policy's name and ARN): with several
//     such files, all are taken as attached at the root next to AWS's default FullAWSAccess (RCPFullAWSAccess
//     for RCPs), and no lower level restricts anything; or
//   - a JSON array of levels from the root down to the account, used exactly as written:
//     `[{ "kind": "root" | "ou" | "account", "id": "r-ab12", "name": "Root",
//        "policies": [{ "name": "FullAWSAccess" }, { "name": "deny-prod-delete", "document": {...} }] }]`
//     A policy named FullAWSAccess (RCPFullAWSAccess) may leave out its document: AWS's own is used.
// Every level must allow an action for it to be allowed, exactly as in AWS; a level without an allow for
// an action denies it.
import { formatZodIssues, InputError, readJsonFileUnique } from '../../util/read-input';
import { chainOrderProblems } from './chain-order';
import type { OrganizationPolicyLevel } from './snapshot';

export type OrganizationPolicyKind = 'scp' | 'rcp';

const FULL_ACCESS: Record<OrganizationPolicyKind, { name: string; arn: string; document: unknown }> = {
  scp: {
    name: 'FullAWSAccess',
    arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  rcp: {
    name: 'RCPFullAWSAccess',
    arn: 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
    },
  },
};

/** The chain schema, loaded for the first chain file the hand check below leaves to it. */
function chainSchema(): (typeof import('./org-policies-schema'))['Chain'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see org-policies-schema.ts
  return (require('./org-policies-schema') as typeof import('./org-policies-schema')).Chain;
}

/** A level as the chain schema reads it (its strict objects hold no other keys). */
interface ChainLevel {
  readonly kind: OrganizationPolicyLevel['kind'];
  readonly id: string;
  readonly name?: string;
  readonly policies: readonly { readonly name: string; readonly arn?: string; readonly document?: unknown }[];
}

const LEVEL_KINDS: ReadonlySet<unknown> = new Set(['root', 'ou', 'account']);
const LEVEL_KEYS: ReadonlySet<string> = new Set(['kind', 'id', 'name', 'policies']);
const POLICY_KEYS: ReadonlySet<string> = new Set(['name', 'arn', 'document']);

function plainObject(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

const filledString = (value: unknown) => typeof value === 'string' && value.length > 0;
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * True only for a chain the zod schema accepts, checked by hand: loading zod (about 90 modules) cost more than
 * the rest of reading a chain file. Anything else goes to zod, which names every problem; what is accepted is
 * read as zod's output would be (test/audit/sources/org-policies-fast.test.ts).
 */
export function wellFormedChain(value: unknown): value is ChainLevel[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const level: unknown = value[i];
    if (!plainObject(level, LEVEL_KEYS)) return false;
    if (!LEVEL_KINDS.has(level.kind) || !filledString(level.id) || !optionalString(level.name)) return false;
    const policies = level.policies;
    if (!Array.isArray(policies) || policies.length === 0) return false;
    for (let k = 0; k < policies.length; k++) {
      const policy: unknown = policies[k];
      if (!plainObject(policy, POLICY_KEYS) || !filledString(policy.name) || !optionalString(policy.arn)) return false;
    }
  }
  return chainOrderProblems(value as ChainLevel[]).length === 0;
}

function isPolicyDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'Statement' in value;
}

const POLICY_TYPES: Record<OrganizationPolicyKind, string> = {
  scp: 'SERVICE_CONTROL_POLICY',
  rcp: 'RESOURCE_CONTROL_POLICY',
};

/**
 * `aws organizations describe-policy` output: the document is the JSON text in `Policy.Content`. Undefined for
 * any other shape; an input error for one of another policy type or with content that is not a JSON document.
 */
function describedPolicy(
  value: unknown,
  file: string,
  kind: OrganizationPolicyKind,
): { document: unknown; name?: string; arn?: string; jsonPath: string } | undefined {
  const policy = (value as { Policy?: unknown } | null)?.Policy as
    { PolicySummary?: { Name?: unknown; Arn?: unknown; Type?: unknown }; Content?: unknown } | undefined;
  if (typeof policy !== 'object' || policy === null || !('Content' in policy)) return undefined;
  const summary = policy.PolicySummary ?? {};
  if (summary.Type !== undefined && summary.Type !== POLICY_TYPES[kind]) {
    throw new InputError(
      `${file}: Policy.PolicySummary.Type: ${JSON.stringify(summary.Type)}, where --${kind} reads ${POLICY_TYPES[kind]}`,
    );
  }
  let document: unknown;
  try {
    document = typeof policy.Content === 'string' ? JSON.parse(policy.Content) : undefined;
  } catch (err) {
    throw new InputError(`${file}: Policy.Content: not JSON (${(err as Error).message})`);
  }
  if (!isPolicyDocument(document)) {
    throw new InputError(
      `${file}: Policy.Content: expected the policy document as JSON text (an object with "Statement")`,
    );
  }
  return {
    document,
    jsonPath: 'Policy.Content',
    ...(typeof summary.Name === 'string' ? { name: summary.Name } : {}),
    ...(typeof summary.Arn === 'string' ? { arn: summary.Arn } : {}),
  };
}

/** Parse one file's content (already JSON-parsed) into levels, or a single document to be combined. */
export function parseOrganizationPolicyFile(
  value: unknown,
  file: string,
  kind: OrganizationPolicyKind,
): { levels: OrganizationPolicyLevel[] } | { document: unknown; name?: string; arn?: string; jsonPath?: string } {
  if (isPolicyDocument(value)) return { document: value };
  const described = describedPolicy(value, file, kind);
  if (described) return described;
  if (!Array.isArray(value)) {
    throw new InputError(
      `${file}: expected a ${kind.toUpperCase()} policy document (an object with "Statement"), the output of aws organizations describe-policy, or a JSON array of levels [{ kind, id, policies }]`,
    );
  }
  let chain: readonly ChainLevel[];
  if (wellFormedChain(value)) chain = value;
  else if (value.length > 0 && value.every(isPolicyDocument)) {
    // A common slip: the documents of one level put in an array. Which level each belongs to is not said.
    throw new InputError(
      `${file}: an array of ${value.length} policy document(s), where an array must hold levels ` +
        `[{ kind, id, policies: [{ name, document }] }]: pass each document as a file of its own (all taken as ` +
        `attached at the root), or wrap them in levels`,
    );
  } else {
    const parsed = chainSchema().safeParse(value);
    if (!parsed.success) throw new InputError(formatZodIssues(file, parsed.error.issues));
    chain = parsed.data;
  }
  const full = FULL_ACCESS[kind];
  const levels = chain.map((level, levelIndex) => ({
    kind: level.kind,
    id: level.id,
    name: level.name,
    policies: level.policies.map((policy, policyIndex) => {
      if (policy.document !== undefined) {
        const location = { file, jsonPath: `[${levelIndex}].policies[${policyIndex}].document` };
        return { name: policy.name, arn: policy.arn, document: policy.document, location };
      }
      if (policy.name === full.name) return { name: full.name, arn: policy.arn ?? full.arn, document: full.document };
      throw new InputError(
        `${file}: [${levelIndex}].policies[${policyIndex}].document: missing (only ${full.name} may leave it out)`,
      );
    }),
  }));
  return { levels };
}

/** Read `--scp` / `--rcp` files into the chain of levels from the root down to the account. */
export function loadOrganizationPolicies(
  files: readonly string[],
  kind: OrganizationPolicyKind,
): OrganizationPolicyLevel[] {
  const documents: { file: string; document: unknown; name?: string; arn?: string; jsonPath?: string }[] = [];
  const chains: { file: string; levels: OrganizationPolicyLevel[] }[] = [];
  for (const file of files) {
    const result = parseOrganizationPolicyFile(readJsonFileUnique(file), file, kind);
    if ('levels' in result) chains.push({ file, levels: result.levels });
    else documents.push({ file, ...result });
  }
  if (chains.length > 1 || (chains.length === 1 && documents.length > 0)) {
    throw new InputError(
      `--${kind}: give either one chain file (a JSON array of levels) or any number of single policy documents, not both (${files.join(', ')})`,
    );
  }
  if (chains.length === 1) return chains[0].levels;
  const full = FULL_ACCESS[kind];
  return [
    {
      kind: 'root',
      id: 'root',
      name: `root (from ${documents.map((d) => d.file).join(', ')})`,
      policies: [
        { name: full.name, arn: full.arn, document: full.document },
        ...documents.map(({ file, document, name, arn, jsonPath }) => ({
          name: name ?? policyNameFromFile(file),
          ...(arn !== undefined ? { arn } : {}),
          document,
          location: { file, ...(jsonPath !== undefined ? { jsonPath } : {}) },
        })),
      ],
    },
  ];
}

function policyNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}
