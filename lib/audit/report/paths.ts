// Access paths as text, Markdown (with a Mermaid graph), Graphviz dot and SARIF code flows: what `leash paths`
// prints, and what the audit reports draw for transitive findings. Pure renderers over graph Paths.
import type { Evidence } from '../findings';
import { HOP_VERB, pathCertainty, shortName, type Path } from '../graph/types';
import { terminalText } from './terminal-text';
import { markdownCode, markdownText } from './markdown-text';

function hopLabel(hop: Path['hops'][number]): string {
  const how = hop.actions.join(' + ');
  const sure = hop.needs ? 'needs more than the snapshot shows' : hop.decision;
  return `${HOP_VERB[hop.kind]}: ${how} (${sure})`;
}

function evidenceLine(evidence: Evidence): string {
  const where = `${evidence.policyKind} ${evidence.policy}`;
  const index = evidence.statementIndex !== undefined ? `, statement ${evidence.statementIndex}` : '';
  return `${where}${index}${evidence.sid ? ` (${evidence.sid})` : ''}${evidence.note ? `: ${evidence.note}` : ''}`;
}

/** Plain text for a terminal, one hop a paragraph with its statements. */
export function pathToText(path: Path, home?: string, goal?: string): string {
  const name = (arn: string) => shortName(arn, home);
  const lines = [
    `${name(path.from)} reaches ${name(path.to)}${goal ? ` (${goal})` : ''} in ${path.hops.length} hop(s), ${pathCertainty(path.hops)}:`,
  ];
  path.hops.forEach((hop, i) => {
    lines.push(`  ${i + 1}. ${name(hop.from)} → ${name(hop.to)}: ${hopLabel(hop)}`);
    if (hop.dependsOn.length) lines.push(`       depends on: ${hop.dependsOn.join(', ')}`);
    if (hop.needs) lines.push(`       needs: ${hop.needs}`);
    if (hop.runsOn) lines.push(`       runs on: ${hop.runsOn.join(', ')} (live inventory)`);
    for (const evidence of hop.evidence) lines.push(`       ${evidenceLine(evidence)}`);
  });
  return `${lines.map(terminalText).join('\n')}\n`;
}

/** A Mermaid id that never needs quoting. */
function mermaidId(arn: string, ids: Map<string, string>): string {
  let id = ids.get(arn);
  if (!id) {
    id = `n${ids.size}`;
    ids.set(arn, id);
  }
  return id;
}

/** A label inside `"…"`: no quote, angle bracket or line break can end it or the graph. */
function mermaidText(text: string): string {
  return terminalText(text).replace(/["<>]/g, '');
}

/** A Mermaid `graph LR` of one or more paths (GitHub renders it in Markdown). */
export function pathsToMermaid(paths: readonly Path[], home?: string): string {
  const ids = new Map<string, string>();
  const lines = ['```mermaid', 'graph LR'];
  const seen = new Set<string>();
  for (const path of paths) {
    for (const hop of path.hops) {
      const from = mermaidId(hop.from, ids);
      const to = mermaidId(hop.to, ids);
      const line = `  ${from}["${mermaidText(shortName(hop.from, home))}"] -->|"${mermaidText(hopLabel(hop))}"| ${to}["${mermaidText(shortName(hop.to, home))}"]`;
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

/** Markdown: a heading, the Mermaid graph and a table of hops with their statements. */
export function pathToMarkdown(path: Path, home?: string, goal?: string): string {
  const name = (arn: string) => shortName(arn, home);
  const lines = [
    `### ${markdownCode(name(path.from), false)} → ${markdownCode(name(path.to), false)}${goal ? ` (${markdownText(goal)})` : ''}: ${path.hops.length} hop(s), ${pathCertainty(path.hops)}`,
    '',
    pathsToMermaid([path], home),
    '',
    '| # | From | To | How | Depends on / needs | Statements |',
    '| ---: | --- | --- | --- | --- | --- |',
  ];
  path.hops.forEach((hop, i) => {
    const caveat = [...hop.dependsOn, ...(hop.needs ? [hop.needs] : [])].join('; ') || '—';
    lines.push(
      `| ${i + 1} | ${markdownCode(name(hop.from), true)} | ${markdownCode(name(hop.to), true)} | ${markdownText(hopLabel(hop))} | ${markdownText(caveat)} | ${hop.evidence.map((e) => markdownText(evidenceLine(e))).join('<br>')} |`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** A quoted DOT string; control characters as visible escapes, so the graph printed on a terminal is only text. */
function dotString(text: string): string {
  return `"${terminalText(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Graphviz dot of one or more paths: principals as nodes, hops as labelled edges (dashed when uncertain). */
export function pathsToDot(paths: readonly Path[], home?: string): string {
  const lines = ['digraph access {', '  rankdir=LR;', '  node [shape=box];'];
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const path of paths) {
    for (const hop of path.hops) {
      for (const arn of [hop.from, hop.to]) {
        if (nodes.has(arn)) continue;
        nodes.add(arn);
        lines.push(`  ${dotString(arn)} [label=${dotString(shortName(arn, home))}];`);
      }
      const style = hop.decision === 'allowed' && !hop.needs ? '' : ', style=dashed';
      const edge = `  ${dotString(hop.from)} -> ${dotString(hop.to)} [label=${dotString(hopLabel(hop))}${style}];`;
      if (!edges.has(edge)) lines.push(edge);
      edges.add(edge);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
