// SARIF for `leash check`: the shared SARIF log, with each template result pointed at the line where its
// logical id is written, so code scanning annotates the template line rather than the whole file.
import { sarifChunks } from '../audit/report/sarif';
import type { ReportInput } from '../audit/report/types';
import type { LoadedStack } from './assembly';
import { locateLogicalId } from './template-file';

export function checkSarifChunks(input: ReportInput, stacks: readonly LoadedStack[]): Iterable<string> {
  const texts = new Map(stacks.map((stack) => [stack.file, stack.text]));
  return sarifChunks(input, (result, finding) => {
    const physical = result.locations[0]?.physicalLocation;
    const text = finding.location ? texts.get(finding.location.file) : undefined;
    if (!physical || !text || !finding.location?.logicalId) return;
    const at = locateLogicalId(text, finding.location.logicalId);
    if (at) physical.region = { startLine: at.line, startColumn: at.column };
  });
}
