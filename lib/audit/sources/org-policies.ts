// Reads SCP / RCP chain files for `--scp` / `--rcp`: the organization policies that apply to an account
// whose authorization details were saved without them.
//
// A file is either
//   - one policy document (`{ "Version": ..., "Statement": [...] }`): with several such files, all are
//     taken as attached at the root next to AWS's default FullAWSAccess (RCPFullAWSAccess for RCPs), and
//     no lower level restricts anything; or
//   - a JSON array of levels from the root down to the account, used exactly as written:
//     `[{ "kind": "root" | "ou" | "account", "id": "r-ab12", "name": "Root",
//        "policies": [{ "name": "FullAWSAccess" }, { "name": "deny-prod-delete", "document": {...} }] }]`
//     A policy named FullAWSAccess (RCPFullAWSAccess) may leave out its document: AWS's own is used.
// Every level must allow an action for it to be allowed, exactly as in AWS; a level without an allow for
// an action denies it.
import { formatZodIssues, InputError, readJsonFileUnique } from '../../util/read-input';
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

/** The chain schema, loaded for the first chain file. */
function chainSchema(): (typeof import('./org-policies-schema'))['Chain'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see org-policies-schema.ts
  return (require('./org-policies-schema') as typeof import('./org-policies-schema')).Chain;
}

function isPolicyDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'Statement' in value;
}

/** Parse one file's content (already JSON-parsed) into levels, or a single document to be combined. */
export function parseOrganizationPolicyFile(
  value: unknown,
  file: string,
  kind: OrganizationPolicyKind,
): { levels: OrganizationPolicyLevel[] } | { document: unknown } {
  if (isPolicyDocument(value)) return { document: value };
  if (!Array.isArray(value)) {
    throw new InputError(
      `${file}: expected a ${kind.toUpperCase()} policy document (an object with "Statement") or a JSON array of levels [{ kind, id, policies }]`,
    );
  }
  const parsed = chainSchema().safeParse(value);
  if (!parsed.success) throw new InputError(formatZodIssues(file, parsed.error.issues));
  const full = FULL_ACCESS[kind];
  const levels = parsed.data.map((level, levelIndex) => ({
    kind: level.kind,
    id: level.id,
    name: level.name,
    policies: level.policies.map((policy, policyIndex) => {
      if (policy.document !== undefined) return { name: policy.name, arn: policy.arn, document: policy.document };
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
  const documents: { file: string; document: unknown }[] = [];
  const chains: { file: string; levels: OrganizationPolicyLevel[] }[] = [];
  for (const file of files) {
    const result = parseOrganizationPolicyFile(readJsonFileUnique(file), file, kind);
    if ('levels' in result) chains.push({ file, levels: result.levels });
    else documents.push({ file, document: result.document });
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
        ...documents.map(({ file, document }) => ({ name: policyNameFromFile(file), document })),
      ],
    },
  ];
}

function policyNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}
