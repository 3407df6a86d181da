// Renders a coverage report as a terminal table, JSON or Markdown; the report itself is built in coverage.ts.
import Table from 'cli-table3';
import { DESTRUCTIVE_CLASSES } from '../catalog/types';
import type { AgentInvariantCoverage, CoverageReport, CoverageTotals } from './types';
import { compareText } from '../util/text-order';

export type CoverageFormat = 'table' | 'json' | 'markdown';

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

interface SummaryRow {
  readonly scope: string;
  readonly totals: CoverageTotals;
}

function summaryRows(report: CoverageReport): SummaryRow[] {
  return [
    { scope: 'all destructive actions', totals: report.totals },
    ...DESTRUCTIVE_CLASSES.map((c) => ({ scope: `class ${c}`, totals: report.byClass[c] })),
  ];
}

function summaryCells(row: SummaryRow): string[] {
  const t = row.totals;
  return [
    row.scope,
    String(t.destructive),
    `${t.protectedForEveryone} (${percent(t.protectedForEveryone, t.destructive)})`,
    `${t.tagAwareProtectedForEveryone}/${t.tagAware} (${percent(t.tagAwareProtectedForEveryone, t.tagAware)})`,
    `${t.protectedForAgents} (${percent(t.protectedForAgents, t.destructive)})`,
    `${t.protectedForAgentsByBoundary} (${percent(t.protectedForAgentsByBoundary, t.destructive)})`,
  ];
}

const SUMMARY_HEAD = [
  'scope',
  'destructive',
  'protected (everyone)',
  'tag-aware protected',
  'protected (agents)',
  'agents, boundary alone',
];

/** Services with the most unprotected destructive actions, for the table view. */
function weakestServices(report: CoverageReport, limit: number): [string, CoverageTotals][] {
  return Object.entries(report.byService)
    .filter(([, t]) => t.destructive > t.protectedForEveryone)
    .sort((a, b) => b[1].destructive - b[1].protectedForEveryone - (a[1].destructive - a[1].protectedForEveryone))
    .slice(0, limit);
}

/** "agents: production writes allowed 0 of 1,573 (boundary alone)" lines, one per layer. */
export function agentInvariantLines(agents: AgentInvariantCoverage): string[] {
  const out = agents.layers.map(
    (l) =>
      `agents: production writes allowed ${l.writesAllowedOnProduction} of ${l.writes}, untagged writes allowed ` +
      `${l.writesAllowedOnUntagged} of ${l.writes} (${l.layer})`,
  );
  out.push(
    `agents: ${agents.allowlisted} write(s) allowlisted on production (agents.productionWriteAllowlist: ` +
      `${agents.allowlist.length === 0 ? 'empty' : agents.allowlist.join(', ')})`,
    `agents: ${agents.readPatterns.length} read patterns, each proved to reach only Read and List actions of the agent services`,
    `agents: ${agents.readsDeniedOnProduction.length} read action(s) no pattern reaches, usable on non-production only`,
    `agents: sensitive reads denied unless the resource is tagged non-production: ${agents.sensitiveReads.join(', ') || 'none'}`,
    `agents: ${agents.writesWithoutResourceTag.length} write(s) never carry aws:ResourceTag (account settings, ` +
      'resource types without tags): denied everywhere unless allowlisted or a create tags its new resource non-production',
    `agents: tag writes only on resources already tagged non-production (tag on create instead) in ` +
      `${agents.tagWritesNeedNonProductionResource.join(', ')}`,
    `agents: a non-production request tag opens only ${agents.creates} create(s) (${agents.createPatterns.length} ` +
      `patterns proved against the catalog; ${agents.createLookalikes.length} lookalike(s) named in a deny); ` +
      `${agents.createsNotCovered.length} create(s) not covered`,
    `agents: ${agents.requestTagWritesNotCreates.length} write(s) accept request tags but are not creates: ` +
      'a request tag does not open them, so they are denied on untagged resources',
    `agents: ${agents.unnamedTargets.length} write(s) act on targets the request does not name, so no tag ` +
      `keeps them off production: denied everywhere (${agents.unnamedTargets.join(', ') || 'none'})`,
    `agents: ${agents.roleFromResource.length} write(s) run with the role the resource already holds unless ` +
      'the request names one, which no iam:PassRole check sees: denied unless the request names a role, and ' +
      `agents may name only agent roles (${agents.roleFromResource.join(', ') || 'none'})`,
    `agents: recognised by ${agents.recognitions.join('; ')}; the SCP agent layers take ${agents.scpCharacters} characters`,
  );
  return out;
}

function renderTable(report: CoverageReport): string {
  const summary = new Table({ head: SUMMARY_HEAD, style: { head: [], border: [] } });
  for (const row of summaryRows(report)) summary.push(summaryCells(row));
  const sizes = new Table({ head: ['policy', 'characters', 'limit', 'used'], style: { head: [], border: [] } });
  for (const p of report.policySizes)
    sizes.push([p.name, String(p.characters), String(p.limit), percent(p.characters, p.limit)]);
  const weak = new Table({
    head: ['service', 'destructive', 'unprotected (everyone)', 'unprotected (agents)'],
    style: { head: [], border: [] },
  });
  for (const [service, t] of weakestServices(report, 10)) {
    weak.push([
      service,
      String(t.destructive),
      String(t.destructive - t.protectedForEveryone),
      String(t.destructive - t.protectedForAgents),
    ]);
  }
  const levels = new Table({
    head: ['level', 'SCPs', 'RCPs', 'tag-aware protected alone'],
    style: { head: [], border: [] },
  });
  for (const l of report.levels) {
    levels.push([
      l.level,
      l.serviceControlPolicies.join(', ') || '-',
      l.resourceControlPolicies.join(', ') || '-',
      `${l.tagAwareProtectedForEveryone}/${report.totals.tagAware}`,
    ]);
  }
  const lines = [
    `Guardrail coverage (AWS action catalog ${report.dataVersion})`,
    ...agentInvariantLines(report.agents),
    summary.toString(),
    'Policy sizes',
    sizes.toString(),
    'Placement (each level alone; the total needs every level)',
    levels.toString(),
    ...everyoneLine(report),
    `Actions without tag support: ${report.arnPatterns.coveredForEveryone}/${report.arnPatterns.actionsWithoutTagSupport} covered by the ${report.arnPatterns.patterns.length} production ARN pattern(s)`,
    'Services with the most destructive actions unprotected for everyone',
    weak.toString(),
  ];
  if (report.dropped.length > 0) {
    lines.push(
      `${report.dropped.length} pattern(s) did not fit and were dropped (${report.dropped.reduce((n, d) => n + d.actions.length, 0)} actions); see coverage.md`,
    );
  }
  lines.push('Caveats:', ...report.caveats.map((c) => `  - ${c}`));
  return `${lines.join('\n')}\n`;
}

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** "escalation and execution on production: denied ..." when the opt-in is on; nothing otherwise. */
function everyoneLine(report: CoverageReport): string[] {
  const e = report.everyone;
  if (!e) return [];
  const operators = e.operators.map((o) => o.pattern);
  return [
    `everyone.denyEscalationAndExecution is on: ${e.deniedForEveryone}/${e.escalateOrExecuteOnly} tag-aware ` +
      `destructive actions that are only escalation or execution denied on production to everyone but the ` +
      `exempt${operators.length > 0 ? ` and ${operators.length} operator` : ''} principals (${e.statements.join(', ')})`,
  ];
}

function everyoneMarkdown(report: CoverageReport): string[] {
  const e = report.everyone;
  if (!e) return [];
  return [
    '## Escalation and execution on production (opt-in)',
    '',
    ...everyoneLine(report),
    '',
    'It stops, unless they run as an operator or exempt principal:',
    '',
    ...e.stops.map((line) => `- ${line}`),
    '',
    'Operator principals keep these actions on production and nothing else; their names are protected like ' +
      'exempt names (only exempt and operator principals may create, change, tag, pass or delete them).',
    '',
    markdownTable(
      ['operator pattern', 'kind', 'protected resources', 'protected by'],
      e.operators.map((o) => [
        `\`${o.pattern}\``,
        o.kind,
        o.resources.join(', ') || '-',
        o.protectedBy.join(', ') || (o.kind === 'root' ? 'cannot be created' : 'NOT PROTECTED'),
      ]),
    ),
    '',
  ];
}

function renderMarkdown(report: CoverageReport): string {
  const out: string[] = [
    '# agent-leash guardrail coverage',
    '',
    `AWS action catalog ${report.dataVersion}. Every destructive action of the catalog, and what stops it.`,
    '',
    '## Agent invariant: production and untagged resources are read-only',
    '',
    ...agentInvariantLines(report.agents).map((l) => `- ${l}`),
    '',
    `Writes that never carry aws:ResourceTag: ${report.agents.writesWithoutResourceTag.join(', ') || 'none'}.`,
    '',
    `Reads no pattern reaches: ${report.agents.readsDeniedOnProduction.join(', ') || 'none'}.`,
    '',
    `Writes that accept request tags but are not creates (denied on untagged resources): ` +
      `${report.agents.requestTagWritesNotCreates.join(', ') || 'none'}.`,
    '',
    `Creates not covered (denied even with a non-production request tag): ` +
      `${report.agents.createsNotCovered.join(', ') || 'none'}.`,
    '',
    '## Summary',
    '',
    markdownTable(SUMMARY_HEAD, summaryRows(report).map(summaryCells)),
    '',
    '## Policy sizes',
    '',
    markdownTable(
      ['policy', 'characters', 'limit', 'used'],
      report.policySizes.map((p) => [p.name, String(p.characters), String(p.limit), percent(p.characters, p.limit)]),
    ),
    '',
    '## Placement',
    '',
    "Each level's SCPs alone, and together: the total holds for an account under every level listed.",
    '',
    markdownTable(
      ['level', 'SCPs', 'RCPs', 'characters', 'tag-aware protected by this level alone'],
      report.levels.map((l) => [
        l.level,
        l.serviceControlPolicies.join(', ') || '-',
        l.resourceControlPolicies.join(', ') || '-',
        String(l.characters),
        `${l.tagAwareProtectedForEveryone}/${report.totals.tagAware}`,
      ]),
    ),
    '',
    `All levels together: ${report.totals.tagAwareProtectedForEveryone}/${report.totals.tagAware} tag-aware ` +
      `destructive actions (${percent(report.totals.tagAwareProtectedForEveryone, report.totals.tagAware)}).`,
    '',
    '## Actions without tag support',
    '',
    `${report.arnPatterns.actionsWithoutTagSupport} destructive actions cannot evaluate aws:ResourceTag; the ` +
      `${report.arnPatterns.patterns.length} configured production ARN pattern(s) cover ` +
      `${report.arnPatterns.coveredForEveryone} of them for everyone` +
      (report.arnPatterns.patterns.length > 0
        ? ` (${report.arnPatterns.patterns.map((p) => `\`${p}\``).join(', ')}).`
        : '.'),
    '',
    '## Exemptions',
    '',
    'Exempt principals are matched by ARN; nobody else may create, change, tag, pass or delete an identity ' +
      "they name. Who may assume an exempt role is its trust policy's call: `leash audit` lists them " +
      '(rule exemption-claimable).',
    '',
    markdownTable(
      ['exempt pattern', 'kind', 'protected resources', 'protected by'],
      report.exemptions.map((e) => [
        `\`${e.pattern}\``,
        e.kind,
        e.resources.join(', ') || '-',
        e.protectedBy.join(', ') || (e.kind === 'root' ? 'cannot be created' : 'NOT PROTECTED'),
      ]),
    ),
    '',
    ...everyoneMarkdown(report),
    '## Caveats',
    '',
    ...report.caveats.map((c) => `- ${c}`),
    '',
  ];
  if (report.dropped.length > 0) {
    out.push(
      '## Dropped for size',
      '',
      markdownTable(
        ['policy type', 'statement', 'pattern', 'tier', 'actions'],
        report.dropped.map((d) => [d.policyType, d.statement, `\`${d.pattern}\``, d.tier, d.actions.join(', ')]),
      ),
      '',
    );
  }
  out.push(
    '## By service',
    '',
    markdownTable(
      SUMMARY_HEAD.map((h) => (h === 'scope' ? 'service' : h)),
      Object.entries(report.byService)
        .sort(([a], [b]) => compareText(a, b))
        .map(([service, totals]) => summaryCells({ scope: service, totals })),
    ),
    '',
    '## Actions not protected for everyone',
    '',
    markdownTable(
      ['action', 'classes', 'tag support', 'enforcement', 'agents on non-production', 'why'],
      report.actions
        .filter((a) => !a.protectedForEveryone)
        .map((a) => [
          a.action,
          a.classes.join(', '),
          a.tagSupport,
          a.enforcement.join(', '),
          a.agentOnNonProduction,
          a.reason,
        ]),
    ),
    '',
  );
  return out.join('\n');
}

/** Indented JSON with one line per action: about half the size of fully indented JSON, and diffable. */
function renderJson(report: CoverageReport): string {
  const { actions, ...rest } = report;
  const marker = '@@leash-coverage-actions@@';
  const lines = actions.map((a) => `    ${JSON.stringify(a)}`).join(',\n');
  const body = JSON.stringify({ ...rest, actions: marker }, null, 2);
  return `${body.replace(JSON.stringify(marker), actions.length === 0 ? '[]' : `[\n${lines}\n  ]`)}\n`;
}

export function renderCoverage(report: CoverageReport, format: CoverageFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'table':
      return renderTable(report);
  }
}
