// reportChunks for every format, each format's writer loaded when a report of it is first asked for: an audit
// writes one or two formats, and loading the other writers (the HTML page's client script, the terminal
// table's width tables, ...) took 10-14 ms of CPU on their own (too little to see in a whole run's time).
import { asffChunks, AsffError, type AsffOptions } from './asff';
import { jsonChunks } from './json';
import type { ReportFormat, ReportInput } from './types';

/** What some formats need beyond the findings. */
export interface ReportOptions {
  /** ASFF: the Security Hub region and the time stamped on the findings. */
  readonly asff?: AsffOptions;
}

/** The whole report as one string (see reportChunks for large reports). */
export function renderReport(result: ReportInput, format: ReportFormat, options: ReportOptions = {}): string {
  return [...reportChunks(result, format, options)].join('');
}

/** The report's text in pieces, made as they are read; joined, they are renderReport's text. */
export function reportChunks(result: ReportInput, format: ReportFormat, options: ReportOptions = {}): Iterable<string> {
  switch (format) {
    case 'table':
      return load<typeof import('./table')>('./table').tableChunks(result);
    case 'json':
      return jsonChunks(result);
    case 'sarif':
      return load<typeof import('./sarif')>('./sarif').sarifChunks(result);
    case 'markdown':
      // A pull-request comment is short by design (at most 150 rows).
      return [load<typeof import('./markdown')>('./markdown').renderMarkdown(result)];
    case 'html':
      return load<typeof import('./html')>('./html').htmlChunks(result);
    case 'junit':
      return load<typeof import('./junit')>('./junit').junitChunks(result);
    case 'asff':
      if (!options.asff) throw new AsffError('asff: the Security Hub region and time are needed (ReportOptions.asff)');
      return asffChunks(result, options.asff);
  }
}

/** A format's writer module, loaded on first use (node keeps it loaded). */
function load<Module>(path: './table' | './sarif' | './markdown' | './html' | './junit'): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as Module;
}
