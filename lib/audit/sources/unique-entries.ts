// IAM names are unique in an account (case-insensitively, whatever the path), and so are policy ARNs. An input
// that lists one twice is damaged or spliced: the evaluator keeps one entry per name and ARN, so the other's
// policies (an administrator's, say) would silently drop out of the verdict. Such input is refused instead.
import { InputError } from '../../util/read-input';

export interface NamedEntry {
  /** `role`, `user`, `group` or `policy`: names are unique within each kind. */
  readonly kind: string;
  readonly name: string;
  readonly arn: string;
  /** JSON path of the entry in its file, e.g. `RoleDetailList[3]`. */
  readonly path: string;
}

/**
 * Throws an InputError naming `file` and both JSON paths of every entry given twice (same kind and name in
 * any case, or same ARN); returns quietly when every entry is unique.
 */
export function refuseDuplicateEntries(file: string, entries: Iterable<NamedEntry>): void {
  const byName = new Map<string, NamedEntry>();
  const byArn = new Map<string, NamedEntry>();
  const lines: string[] = [];
  for (const entry of entries) {
    const first = byArn.get(entry.arn) ?? byName.get(`${entry.kind}\n${entry.name.toLowerCase()}`);
    if (first) {
      lines.push(
        `${file}: ${entry.path}: ${entry.kind} ${entry.arn} is listed again (first at ${first.path}); IAM names ` +
          `and ARNs are unique, so one of the two would silently drop out of the audit: remove the copy or re-export`,
      );
      continue;
    }
    byArn.set(entry.arn, entry);
    byName.set(`${entry.kind}\n${entry.name.toLowerCase()}`, entry);
  }
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}

/**
 * Throws an InputError for a unique id (RoleId, UserId) given to two principals: AWS never gives one twice, and
 * conditions on aws:userid are answered from it, so a copied id would let one principal pass as the other.
 */
export function refuseRepeatedUniqueIds(
  file: string,
  ids: Iterable<{ readonly id: string | null | undefined; readonly path: string }>,
): void {
  const seen = new Map<string, string>();
  const lines: string[] = [];
  for (const { id, path } of ids) {
    if (!id) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, path);
    else
      lines.push(
        `${file}: ${path}: unique id ${JSON.stringify(id)} is given again (first at ${first}); AWS gives each principal its own`,
      );
  }
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}

/**
 * Throws an InputError for a principal that carries one tag key twice (in any case: IAM tag keys ignore case,
 * and so do the evaluator's aws:PrincipalTag lookups). Which value would count is a guess, and the answer
 * decides whether the principal is an agent, exempt or production: `leash:agent` given as "true" and again as
 * "false" must not quietly make the agent rules skip it.
 */
export function refuseRepeatedTagKeys(
  file: string,
  tags: Iterable<readonly { readonly key: string; readonly path: string }[]>,
): void {
  const lines: string[] = [];
  for (const keys of tags) {
    const seen = new Map<string, { key: string; path: string }>();
    for (const tag of keys) {
      const first = seen.get(tag.key.toLowerCase());
      if (first === undefined) seen.set(tag.key.toLowerCase(), tag);
      else
        lines.push(
          `${file}: ${tag.path}: tag key ${JSON.stringify(tag.key)} is given again (first at ${first.path}: ` +
            `${JSON.stringify(first.key)}); expected each tag key once`,
        );
    }
  }
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}
