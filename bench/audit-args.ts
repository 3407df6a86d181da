// The command line every benchmark times: `leash audit` of one input, written as a JSON report to a file.

/** Arguments after `node`: the CLI script, then `audit --input <input> --format json --output <output>`. */
export function auditArgs(leashScript: string, input: string, output: string): string[] {
  return [leashScript, 'audit', '--input', input, '--format', 'json', '--output', output];
}
