// HTML reports: one self-contained file to open in a browser. The audit's findings by principal with filters
// and their evidence statements, and `leash generate`'s coverage report. The findings are written into the page
// one at a time (a 10,000-role audit is never one string here); the page shows one page of principals at once.
import type { CoverageReport } from '../../guardrails/types';
import type { Finding } from '../findings';
import { countBySeverity, subjectOf, totalsLine } from './common';
import { htmlPageChunks, scriptSafeJson } from './html-page';
import type { ReportInput } from './types';

/** One step of a reachability path as the page draws it: `from` can act as (or reach) `to`, `via` how. */
export interface PathEdge {
  readonly from: string;
  readonly to: string;
  readonly via?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A node of a path given as a string (an ARN) or an object naming one. */
function nodeName(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return text(v.arn) ?? text(v.principalArn) ?? text(v.principal) ?? text(v.node) ?? text(v.id) ?? text(v.name);
  }
  return undefined;
}

function viaOf(v: Record<string, unknown>): string | undefined {
  const via = v.via ?? v.actions ?? v.action ?? v.edge ?? v.kind ?? v.label;
  if (Array.isArray(via)) return via.filter((a) => typeof a === 'string').join(', ') || undefined;
  return text(via);
}

/**
 * The edges of one path. Accepted shapes: a list of edges `{from, to, via|action|kind}`, or a list of nodes
 * (ARNs, or objects with `arn`/`principal`, and optionally the `via`/`action` that leads to the next one).
 * Anything else gives no edges (the raw details are still shown).
 */
function edgesOfPath(path: unknown): PathEdge[] {
  if (!Array.isArray(path) || path.length === 0) return [];
  const edges: PathEdge[] = [];
  if (path.every((step) => step && typeof step === 'object' && 'from' in step && 'to' in step)) {
    for (const step of path as Record<string, unknown>[]) {
      const from = nodeName(step.from);
      const to = nodeName(step.to);
      if (!from || !to) return [];
      edges.push({ from, to, via: viaOf(step) });
    }
    return edges;
  }
  const nodes = path.map(nodeName);
  if (nodes.some((n) => n === undefined)) return [];
  for (let i = 0; i + 1 < path.length; i++) {
    const step = path[i] as unknown;
    const via = step && typeof step === 'object' ? viaOf(step as Record<string, unknown>) : undefined;
    edges.push({ from: nodes[i] as string, to: nodes[i + 1] as string, via });
  }
  return edges;
}

/** Reachability paths of a finding (`details.path`, or `details.paths` as a list of paths), deduplicated. */
export function pathEdges(finding: Finding): PathEdge[] {
  const details = finding.details ?? {};
  const paths: unknown[] = [];
  if (details.path !== undefined) paths.push(details.path);
  if (Array.isArray(details.paths)) paths.push(...(details.paths as unknown[]));
  const seen = new Set<string>();
  const edges: PathEdge[] = [];
  for (const path of paths) {
    // A path object holds its steps under `hops` (the access graph's Path: {from, to, hops, certain}), `steps` or `edges`.
    const holder = path as Record<string, unknown>;
    const steps =
      path && typeof path === 'object' && !Array.isArray(path) ? (holder.hops ?? holder.steps ?? holder.edges) : path;
    for (const edge of edgesOfPath(steps)) {
      const key = JSON.stringify([edge.from, edge.to, edge.via]);
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push(edge);
    }
  }
  return edges;
}

/**
 * Values many findings repeat (the same managed policy statement on thousands of roles, the same details) are
 * written once, in `shared`, and referenced by index (the 10,000-role report: 55 MB -> 43 MB).
 */
class SharedValues {
  private readonly index = new Map<string, number>();
  readonly texts: string[] = [];

  ref(value: unknown): number {
    const text = scriptSafeJson(value);
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.texts.length;
      this.texts.push(text);
      this.index.set(text, at);
    }
    return at;
  }
}

function findingData(finding: Finding, shared: SharedValues): Record<string, unknown> {
  const paths = pathEdges(finding);
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    title: finding.title,
    message: finding.message,
    subject: subjectOf(finding),
    ...(finding.accountId ? { accountId: finding.accountId } : {}),
    ...(finding.location ? { location: finding.location } : {}),
    evidence: finding.evidence.map(({ statement, ...rest }) =>
      statement === undefined ? rest : { ...rest, statementRef: shared.ref(statement) },
    ),
    ...(paths.length > 0 ? { paths } : {}),
    ...(finding.details ? { detailsRef: shared.ref(finding.details) } : {}),
    ...(finding.remediation ? { remediation: finding.remediation } : {}),
    ...(finding.docsUrl ? { docsUrl: finding.docsUrl } : {}),
    ...(finding.suppressed ? { suppressed: finding.suppressed } : {}),
  };
}

/** The audit (or check) report as one HTML page, in pieces. */
export function* htmlChunks(input: ReportInput): Generator<string> {
  const suppressed = input.findings.filter((f) => f.suppressed).length;
  const head = {
    kind: 'audit',
    tool: input.tool,
    ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
    summary: {
      headline: totalsLine(input),
      findings: input.findings.length - suppressed,
      suppressed,
      bySeverity: countBySeverity(input.findings),
      accounts: input.accounts.length,
      principals: input.accounts.reduce((n, a) => n + a.principals, 0),
    },
    accounts: input.accounts,
    notAudited: input.notAudited,
    expiredSuppressions: input.expiredSuppressions ?? [],
    rules: input.rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docsUrl: r.docsUrl })),
  };
  const title = `${input.tool.name}: ${totalsLine(input)}`;
  yield* htmlPageChunks(title, dataChunks(head, input.findings));
}

function* dataChunks(head: Record<string, unknown>, findings: readonly Finding[]): Generator<string> {
  const opening = scriptSafeJson(head);
  yield `${opening.slice(0, -1)},"findings":[`;
  const shared = new SharedValues();
  let first = true;
  for (const finding of findings) {
    yield `${first ? '' : ','}${scriptSafeJson(findingData(finding, shared))}`;
    first = false;
  }
  yield '],"shared":[';
  for (let i = 0; i < shared.texts.length; i++) yield `${i === 0 ? '' : ','}${shared.texts[i]}`;
  yield ']}';
}

/** `leash generate`'s coverage report as one HTML page: what is protected, how, and what is not and why. */
export function renderCoverageHtml(coverage: CoverageReport, tool: { name: string; version: string }): string {
  const data = scriptSafeJson({ kind: 'coverage', tool, coverage });
  return [...htmlPageChunks(`${tool.name}: guardrail coverage`, [data])].join('');
}
