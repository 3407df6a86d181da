// SARIF for `leash check`: the shared SARIF log, with each template result pointed at the line where its
// logical id is written, so code scanning annotates the template line rather than the whole file.
import { sarifLog } from '../audit/report';
import type { ReportInput } from '../audit/report';
import type { LoadedStack } from './assembly';
import { locateLogicalId } from './template-file';

export function renderCheckSarif(input: ReportInput, stacks: readonly LoadedStack[]): string {
  const log = sarifLog(input) as {
    runs: { results: { locations?: { physicalLocation?: Record<string, unknown> }[] }[] }[];
  };
  const texts = new Map(stacks.map((stack) => [stack.file, stack.text]));
  const results = log.runs[0]?.results ?? [];
  input.findings.forEach((finding, index) => {
    const physical = results[index]?.locations?.[0]?.physicalLocation;
    const text = finding.location ? texts.get(finding.location.file) : undefined;
    if (!physical || !text || !finding.location?.logicalId) return;
    const at = locateLogicalId(text, finding.location.logicalId);
    if (at) physical.region = { startLine: at.line, startColumn: at.column };
  });
  return JSON.stringify(log, null, 2) + '\n';
}
