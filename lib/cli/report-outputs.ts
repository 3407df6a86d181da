// Where `leash audit` and `leash check` put their reports: one format to stdout or --output, or several formats
// (`--format json,sarif,html`) into --output-dir, one file each, with only a summary on the terminal.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { ReportFormat, ReportInput } from '../audit/report';
import { renderSummary, type WrittenReport } from '../audit/report/summary';
import { InputError } from '../util/read-input';
import type { CliIo } from './context';
import { writeReportToFile, writeReportToStdout } from './write-report';

/** File name extension of each format in --output-dir. */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  table: 'txt',
  json: 'json',
  sarif: 'sarif',
  markdown: 'md',
  html: 'html',
  junit: 'junit.xml',
  asff: 'asff.json',
};

/** Parses `--format a,b,c`: each a known format, in the order given, each once; anything else is a usage error. */
export function formatList(allowed: readonly ReportFormat[]): (value: string) => ReportFormat[] {
  return (value) => {
    const formats: ReportFormat[] = [];
    for (const part of value.split(',').map((p) => p.trim())) {
      if (!(allowed as readonly string[]).includes(part)) {
        throw new InvalidArgumentError(
          `${JSON.stringify(part)} is not a format. Allowed: ${allowed.join(', ')} (several, comma-separated, with --output-dir)`,
        );
      }
      if (!formats.includes(part as ReportFormat)) formats.push(part as ReportFormat);
    }
    return formats;
  };
}

export interface ReportDestination {
  readonly formats: readonly ReportFormat[];
  readonly output?: string;
  readonly outputDir?: string;
  /** The files the command read: a report never replaces one of them. */
  readonly inputs?: readonly (string | undefined)[];
  /** --quiet: no note on stderr of what was written. */
  readonly quiet?: boolean;
}

/** Refuses combinations that would lose a report: several formats to one place, or both --output and --output-dir. */
export function checkDestination(command: string, destination: ReportDestination): void {
  if (destination.output && destination.outputDir) {
    throw new InputError(`${command}: --output and --output-dir exclude each other (one file, or one per format)`);
  }
  if (destination.formats.length > 1 && !destination.outputDir) {
    throw new InputError(
      `${command}: ${destination.formats.length} formats (${destination.formats.join(', ')}) need --output-dir DIR: one file each`,
    );
  }
}

/**
 * Writes the reports and says where on stderr (--output) or, with --output-dir, prints the summary on stdout.
 * `chunksFor` makes one format's text in pieces.
 */
export function writeReports(
  io: CliIo,
  command: string,
  input: ReportInput,
  destination: ReportDestination,
  chunksFor: (format: ReportFormat) => Iterable<string>,
): void {
  checkDestination(`leash ${command}`, destination);
  const { formats, output, outputDir } = destination;
  if (outputDir) {
    try {
      mkdirSync(outputDir, { recursive: true });
    } catch (err) {
      throw new InputError(`${outputDir}: cannot create the report directory: ${(err as Error).message}`);
    }
    const written: WrittenReport[] = [];
    for (const format of formats) {
      const file = join(outputDir, `leash-${command}.${REPORT_EXTENSIONS[format]}`);
      writeReportToFile(file, chunksFor(format), { inputs: destination.inputs, flag: '--output-dir' });
      written.push({ format, file, bytes: statSync(file).size });
    }
    io.stdout(renderSummary(input, written));
    return;
  }
  const format = formats[0];
  if (output) {
    writeReportToFile(output, chunksFor(format), { inputs: destination.inputs });
    const open = input.findings.filter((f) => !f.suppressed).length;
    if (!destination.quiet) io.stderr(`leash ${command}: wrote ${output} (${format}): ${open} finding(s)\n`);
    return;
  }
  writeReportToStdout(io, chunksFor(format));
}
