// What every command is handed: the terminal it may use and where it puts its exit code. Its own module, so
// command modules do not import the program that imports them.

/** What a command may touch of the terminal; tests pass their own to capture output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
}

/** Handed to every command's `register` function; a command sets `exitCode` instead of calling exit. */
export interface CliContext {
  readonly io: CliIo;
  exitCode: number;
  /** `--quiet`: no notes on stderr (what was written, progress); errors are still printed. */
  quiet?: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** Collects output in memory, for tests. */
export function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    interactive: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}

/** A note for the user on stderr (what was written, where), unless `--quiet`. */
export function note(context: CliContext, text: string): void {
  if (!context.quiet) context.io.stderr(text);
}
