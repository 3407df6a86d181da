// SARIF 2.1.0 for code-scanning UIs: one run, rules from RuleMeta, results located in a template file
// (physical location + logical id) or, for account findings, at a stable path naming the account and the
// principal (physical location + the principal ARN as logical location). GitHub code scanning rejects the whole
// file when one result has no physical location, or when a run has more than SARIF_MAX_RESULTS results.
import { lazyMap, prettyJsonChunks, type LazyJsonArray } from '../../util/json-chunks';
import type { Finding, RuleMeta, Severity } from '../rules/types';
import { severityRank, shortPrincipal } from './common';
import { jsonVisible } from './terminal-text';
import type { ReportInput } from './types';

/** GitHub code scanning rejects a run of more results than this (and shows the 5,000 most severe). */
export const SARIF_MAX_RESULTS = 25_000;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0-10) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const INFORMATION_URI = 'https://github.com/agent-leash/agent-leash';

/** One SARIF result as built from a finding; `leash check` adds the template region to its location. */
export type SarifResult = ReturnType<typeof result>;

export function sarifLog(input: ReportInput): Record<string, unknown> {
  const shown = resultsShown(input.findings);
  return logWith(input, shown, (ruleIndex) => shown.map((finding) => result(finding, ruleIndex(finding))));
}

/**
 * The log's text in pieces, ending in a line break: each result is made only as it is written, after
 * `adjust` (if given) has completed it.
 */
export function* sarifChunks(
  input: ReportInput,
  adjust?: (result: SarifResult, finding: Finding) => void,
): Generator<string> {
  const shown = resultsShown(input.findings);
  const log = logWith(input, shown, (ruleIndex) =>
    lazyMap(shown, (finding) => {
      const built = result(finding, ruleIndex(finding));
      adjust?.(built, finding);
      return built;
    }),
  );
  for (const chunk of prettyJsonChunks(log)) yield jsonVisible(chunk);
  yield '\n';
}

/** How many findings a SARIF log leaves out to stay within SARIF_MAX_RESULTS (0 when all fit). */
export function sarifResultsLeftOut(findings: readonly Finding[]): number {
  return Math.max(0, findings.length - SARIF_MAX_RESULTS);
}

/**
 * The findings a SARIF log holds, in their order: all of them, or the SARIF_MAX_RESULTS most severe (open
 * before suppressed at the same severity, earlier before later).
 */
function resultsShown(findings: readonly Finding[]): readonly Finding[] {
  if (findings.length <= SARIF_MAX_RESULTS) return findings;
  const rank = (finding: Finding) => severityRank(finding.severity) * 2 + (finding.suppressed ? 1 : 0);
  const perRank: number[] = [];
  for (const finding of findings) perRank[rank(finding)] = (perRank[rank(finding)] ?? 0) + 1;
  // The worst ranks fit whole; the first rank that does not fit keeps its earliest findings.
  let room = SARIF_MAX_RESULTS;
  const roomOf: number[] = [];
  for (let r = 0; r < perRank.length; r++) {
    roomOf[r] = Math.min(room, perRank[r] ?? 0);
    room -= roomOf[r];
  }
  return findings.filter((finding) => roomOf[rank(finding)]-- > 0);
}

function logWith(
  input: ReportInput,
  shown: readonly Finding[],
  results: (ruleIndex: (finding: Finding) => number) => unknown[] | LazyJsonArray,
): Record<string, unknown> {
  const rules: RuleMeta[] = [...input.rules];
  const known = new Set(rules.map((r) => r.id));
  // A finding from a rule the caller did not list still gets a descriptor, built from the finding.
  for (const finding of input.findings) {
    if (!known.has(finding.ruleId)) {
      known.add(finding.ruleId);
      rules.push({
        id: finding.ruleId,
        category: finding.category,
        severity: finding.severity,
        title: finding.title,
        help: finding.remediation ?? finding.title,
        docsUrl: finding.docsUrl ?? INFORMATION_URI,
      });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const leftOut = input.findings.length - shown.length;
  const notifications = [
    ...input.notAudited.map((n) => ({
      level: 'error',
      message: { text: `account ${n.accountId} not audited: ${n.reason}` },
    })),
    ...(leftOut > 0
      ? [
          {
            level: 'warning',
            message: {
              text: `${leftOut} of ${input.findings.length} findings left out, the least severe: GitHub code scanning rejects a run of more than ${SARIF_MAX_RESULTS} results. The JSON report holds every finding.`,
            },
          },
        ]
      : []),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: input.tool.name,
            version: input.tool.version,
            informationUri: INFORMATION_URI,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: pascalCase(rule.id),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.help },
              help: { text: rule.help },
              helpUri: rule.docsUrl,
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                category: rule.category,
                severity: rule.severity,
                tags: ['security', rule.category],
                'security-severity': SECURITY_SEVERITY[rule.severity],
              },
            })),
          },
        },
        results: results((finding) => ruleIndex.get(finding.ruleId) ?? 0),
        ...(notifications.length > 0
          ? {
              invocations: [
                { executionSuccessful: input.notAudited.length === 0, toolExecutionNotifications: notifications },
              ],
            }
          : {}),
      },
    ],
  };
}

function result(finding: Finding, ruleIndex: number) {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.remediation ? `${finding.message}\n\nFix: ${finding.remediation}` : finding.message },
    locations: [location(finding)],
    ...codeFlows(finding),
    partialFingerprints: { leashFinding: fingerprint(finding) },
    ...(finding.suppressed
      ? {
          suppressions: [
            { kind: 'external', justification: `${finding.suppressed.reason} (until ${finding.suppressed.expires})` },
          ],
        }
      : {}),
    properties: {
      severity: finding.severity,
      category: finding.category,
      ...(finding.accountId ? { accountId: finding.accountId } : {}),
      ...(finding.principalArn ? { principalArn: finding.principalArn } : {}),
      ...(finding.details ? { details: finding.details } : {}),
      evidence: finding.evidence,
    },
  };
}

function location(finding: Finding): { physicalLocation: Record<string, unknown>; logicalLocations?: unknown[] } {
  if (finding.location) {
    const logical = finding.location.logicalId ?? finding.location.cdkPath;
    return {
      physicalLocation: { artifactLocation: { uri: toUri(finding.location.file) } },
      ...(logical
        ? {
            logicalLocations: [
              {
                name: logical,
                ...(finding.location.cdkPath ? { fullyQualifiedName: finding.location.cdkPath } : {}),
                kind: 'resource',
              },
            ],
          }
        : {}),
    };
  }
  const subject =
    finding.principalArn ?? (typeof finding.details?.policyArn === 'string' ? finding.details.policyArn : undefined);
  // No file holds an account's principals, but code scanning needs a path: `aws/<account>/role/path/name` is
  // stable across audits, whether the account was read live or from a file.
  const path = ['aws', finding.accountId ?? 'unknown-account', ...(subject ? shortPrincipal(subject).split('/') : [])];
  return {
    physicalLocation: { artifactLocation: { uri: path.map(uriSegment).join('/') } },
    logicalLocations: [
      subject
        ? { name: shortPrincipal(subject), fullyQualifiedName: subject, kind: 'resource' }
        : { name: `account ${finding.accountId ?? 'unknown'}`, kind: 'resource' },
    ],
  };
}

/**
 * A transitive finding's path as a SARIF code flow: one thread-flow location per principal on the path, at
 * the same `aws/<account>/role|user/...` location its own findings use, with the hop that leads there.
 */
function codeFlows(finding: Finding): { codeFlows?: unknown[] } {
  const path = finding.details?.path as
    | {
        from: string;
        hops: { from: string; to: string; kind: string; actions: string[]; decision: string }[];
        omittedHops?: { after?: unknown; count?: unknown };
      }
    | undefined;
  if (!path || typeof path.from !== 'string' || !Array.isArray(path.hops) || path.hops.length === 0) return {};
  const at = (arn: string, text: string) => {
    const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? finding.accountId ?? 'unknown-account';
    const parts = ['aws', account, ...shortPrincipal(arn).split('/')];
    return {
      location: {
        physicalLocation: { artifactLocation: { uri: parts.map(uriSegment).join('/') } },
        message: { text },
      },
    };
  };
  // A long path's middle is left out of findings (rules/support/transitive.ts pathDetails): said where it is.
  const { after, count } = path.omittedHops ?? {};
  const locations = [at(path.from, `start: ${shortPrincipal(path.from)}`)];
  path.hops.forEach((hop, i) => {
    if (i === after && typeof count === 'number') {
      locations.push(at(hop.from, `… ${count} more hops, left out of the finding (leash paths prints them)`));
    }
    locations.push(at(hop.to, `${hop.kind} via ${hop.actions.join(' + ')} (${hop.decision})`));
  });
  return { codeFlows: [{ threadFlows: [{ locations }] }] };
}

/** Relative paths stay relative (SARIF's uri-reference); Windows separators become `/`. */
function toUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(uriSegment).join('/');
}

/**
 * One path segment, percent-encoded. encodeURIComponent throws on a lone UTF-16 surrogate (a name read from
 * JSON as `"\ud800"`), which would lose the whole log: such a half character is written as U+FFFD instead.
 */
function uriSegment(segment: string): string {
  return encodeURIComponent(segment.replace(LONE_SURROGATE, '\uFFFD'));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Stable across runs as long as the same rule fires for the same subject. */
function fingerprint(finding: Finding): string {
  const subject = finding.principalArn ?? finding.location?.logicalId ?? finding.location?.file ?? '';
  const policy = typeof finding.details?.policyArn === 'string' ? finding.details.policyArn : '';
  return `${finding.ruleId}|${finding.accountId ?? ''}|${subject}|${policy}|${String(finding.details?.key ?? '')}`;
}

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
