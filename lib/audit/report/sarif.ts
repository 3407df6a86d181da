// SARIF 2.1.0 for code-scanning UIs: one run, rules from RuleMeta, results located in a template file
// (physical location + logical id) or, for account findings, at the principal as a logical location.
import { lazyMap, prettyJsonChunks, type LazyJsonArray } from '../../util/json-chunks';
import type { Finding, RuleMeta, Severity } from '../rules/types';
import { shortPrincipal } from './common';
import type { ReportInput } from './types';

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
  return logWith(input, (ruleIndex) => input.findings.map((finding) => result(finding, ruleIndex(finding))));
}

/**
 * The log's text in pieces, ending in a line break: each result is made only as it is written, after
 * `adjust` (if given) has completed it.
 */
export function* sarifChunks(
  input: ReportInput,
  adjust?: (result: SarifResult, finding: Finding, index: number) => void,
): Generator<string> {
  const log = logWith(input, (ruleIndex) =>
    lazyMap(input.findings, (finding, index) => {
      const built = result(finding, ruleIndex(finding));
      adjust?.(built, finding, index);
      return built;
    }),
  );
  yield* prettyJsonChunks(log);
  yield '\n';
}

function logWith(
  input: ReportInput,
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
        ...(input.notAudited.length > 0
          ? {
              invocations: [
                {
                  executionSuccessful: false,
                  toolExecutionNotifications: input.notAudited.map((n) => ({
                    level: 'error',
                    message: { text: `account ${n.accountId} not audited: ${n.reason}` },
                  })),
                },
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

function location(finding: Finding): { physicalLocation?: Record<string, unknown>; logicalLocations?: unknown[] } {
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
  return {
    logicalLocations: [
      subject
        ? { name: shortPrincipal(subject), fullyQualifiedName: subject, kind: 'resource' }
        : { name: `account ${finding.accountId ?? 'unknown'}`, kind: 'resource' },
    ],
  };
}

/** Relative paths stay relative (SARIF's uri-reference); Windows separators become `/`. */
function toUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

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
