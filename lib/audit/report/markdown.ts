// Markdown for pull-request comments: the totals first, then one table of findings, worst first. GitHub
// rejects a comment body over 65,536 characters, so every list is cut to fit a budget and says how many it
// left out; the JSON report holds everything.
import type { Path } from '../graph';
import type { Finding } from '../rules/types';
import { pathsToMermaid } from './paths';
import { SEVERITIES } from '../rules/types';
import { countBySeverity, groupBySubject, shortPrincipal, totalsLine } from './common';
import type { ReportInput } from './types';
import { markdownCode, markdownText } from './markdown-text';

/** Under GitHub's 65,536-character limit, with room for a heading the posting workflow may add. */
export const MARKDOWN_MAX_CHARS = 60_000;
/** A table longer than this is no longer read in a comment. */
const MAX_ROWS = 150;

const ICON: Record<Finding['severity'], string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

/**
 * A part of the comment: lines that always appear around a list that is cut to fit. `more(n)` replaces the
 * n items left out.
 */
interface Section {
  readonly before?: readonly string[];
  readonly items?: readonly string[];
  readonly maxItems?: number;
  readonly more?: (left: number) => string;
  readonly after?: readonly string[];
}

const size = (lines: readonly string[]) => lines.reduce((n, line) => n + line.length + 1, 0);

/**
 * Joins the sections, each list taking what room is left once every section's fixed lines and the
 * longest line each could need to say what it left out are counted.
 */
function fitSections(sections: readonly Section[], limit: number): string[] {
  const worst = (section: Section) =>
    size(section.before ?? []) +
    size(section.after ?? []) +
    (section.more && section.items ? section.more(section.items.length).length + 1 : 0);
  let reserved = sections.reduce((n, section) => n + worst(section), 0);
  let used = 0;
  const out: string[] = [];
  for (const section of sections) {
    reserved -= worst(section);
    const items = section.items ?? [];
    const kept: string[] = [];
    let length = 0;
    for (const item of items) {
      if (kept.length >= (section.maxItems ?? Infinity)) break;
      if (used + worst(section) + length + item.length + 1 + reserved > limit) break;
      kept.push(item);
      length += item.length + 1;
    }
    const left = items.length - kept.length;
    const lines = [
      ...(section.before ?? []),
      ...kept,
      ...(left > 0 && section.more ? [section.more(left)] : []),
      ...(section.after ?? []),
    ];
    used += size(lines);
    out.push(...lines);
  }
  return out;
}

/** At most this many paths in the Mermaid graph: beyond that it stops being readable. */
const MAX_PATHS = 20;

/** A finding's `details.path` (written by the transitive rules) as a graph Path, if it is one. */
function asPath(value: unknown): Path | undefined {
  const path = value as Path | undefined;
  return path && typeof path.from === 'string' && Array.isArray(path.hops) && path.hops.length > 0 ? path : undefined;
}

/** The rule id, linked to its documentation when that is a web page (a `javascript:` or other URL is not). */
function docsLink(finding: Finding): string {
  const id = markdownText(finding.ruleId);
  const url = finding.docsUrl;
  return url && /^https?:\/\/[^\s()<>]+$/.test(url) ? `[${id}](${url})` : id;
}

export function renderMarkdown(input: ReportInput, limit = MARKDOWN_MAX_CHARS): string {
  const sections: Section[] = [];
  const counts = countBySeverity(input.findings);
  sections.push({
    before: [
      `## ${input.tool.name}: ${totalsLine(input)}`,
      '',
      `| ${SEVERITIES.join(' | ')} |`,
      `| ${SEVERITIES.map(() => '---:').join(' | ')} |`,
      `| ${SEVERITIES.map((s) => String(counts[s])).join(' | ')} |`,
      '',
    ],
  });

  if (input.notAudited.length > 0) {
    sections.push({
      before: [`> **Partial result:** ${input.notAudited.length} account(s) were not audited.`, '>'],
      items: input.notAudited.map(
        (n) =>
          `> - ${markdownCode(n.accountId, false)}${n.accountName ? ` (${markdownText(n.accountName)})` : ''}: ${markdownText(n.reason)}`,
      ),
      more: (left) => `> - … and ${left} more`,
      after: [''],
    });
  }
  // One item a note, each followed by a blank line.
  const notes: string[] = [];
  for (const account of input.accounts) {
    const id = markdownText(account.accountId);
    for (const caveat of account.caveats) notes.push(`> **Note (${id}):** ${markdownText(caveat)}\n`);
    if (account.problems.length > 0) {
      notes.push(`> **${account.problems.length} input problem(s) in ${id}**; the rest was analysed.\n`);
    }
  }
  sections.push({ items: notes, more: (left) => `_… and ${left} more notes; see the JSON report._\n` });

  const active = input.findings.filter((f) => !f.suppressed);
  const rows: string[] = [];
  for (const group of groupBySubject(active)) {
    for (const finding of group.findings) {
      const docs = docsLink(finding);
      const fix = finding.remediation ? `<br>**Fix:** ${markdownText(finding.remediation)}` : '';
      rows.push(
        `| ${ICON[finding.severity]} ${finding.severity} | ${markdownCode(shortPrincipal(group.subject), true)} | ${docs} | ${markdownText(finding.message)}${fix} |`,
      );
    }
  }
  if (rows.length > 0) {
    sections.push({
      before: ['| Severity | Principal / resource | Rule | Finding |', '| --- | --- | --- | --- |'],
      items: rows,
      maxItems: MAX_ROWS,
      more: (left) => `\n_… and ${left} more; see the JSON or SARIF report._`,
      after: [''],
    });
  }

  // Transitive findings carry their path: drawn together as one Mermaid graph, the most severe first.
  const paths = active.map((f) => asPath(f.details?.path)).filter((p): p is Path => p !== undefined);
  if (paths.length > 0) {
    const shown = paths.slice(0, MAX_PATHS);
    sections.push({
      before: [
        `### Access paths (${shown.length}${paths.length > shown.length ? ` of ${paths.length}` : ''})`,
        '',
        pathsToMermaid(shown, input.accounts.length === 1 ? input.accounts[0].accountId : undefined),
        '',
      ],
    });
  }

  const suppressed = input.findings.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    sections.push({
      before: ['<details><summary>Suppressed findings</summary>', ''],
      items: suppressed.map(
        (f) =>
          `- ${markdownCode(f.ruleId, false)} on ${markdownCode(shortPrincipal(f.principalArn ?? f.location?.logicalId ?? ''), false)}: ${markdownText(f.suppressed?.reason ?? '')} (until ${markdownText(f.suppressed?.expires ?? '')})`,
      ),
      more: (left) => `- … and ${left} more`,
      after: ['', '</details>', ''],
    });
  }
  sections.push({
    items: (input.expiredSuppressions ?? []).map(
      (expired) =>
        `- ⚠️ Suppression for ${markdownCode(expired.ruleId, false)} expired on ${markdownText(expired.expires)}; ${expired.matched} finding(s) count again.`,
    ),
    more: (left) => `- ⚠️ … and ${left} more expired suppressions`,
  });
  return fitSections(sections, limit).join('\n').replace(/\n+$/, '') + '\n';
}
