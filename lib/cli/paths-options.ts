// What `leash paths` takes on its command line: shared by its registration (paths-command.ts), which must stay
// light, and its run (paths-run.ts).

export const PATH_FORMATS = ['text', 'json', 'markdown', 'dot'] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

export interface PathsCommandOptions {
  readonly input: string[];
  readonly scp?: string[];
  readonly rcp?: string[];
  readonly config?: string;
  readonly to: string;
  readonly format: PathFormat;
  readonly certain?: boolean;
}
