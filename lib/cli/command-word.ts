// Which command a `leash` command line names, read the way commander reads it: the first word that is not an
// option (the program's own options, --quiet, --version and --help, take no value). Its own module so the
// entry point can read it before anything heavy loads (workload.ts) and the program reads it the same way.

/** The word naming the command in `argv` (arguments after `leash`), or undefined when there is none. */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}
