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
