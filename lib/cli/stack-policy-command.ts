// `leash stack-policy`: a stack policy for every stack of a cloud assembly (or template), written as files for
// the pipeline to apply with `aws cloudformation set-stack-policy` after each deploy.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { StackPolicyError, stackPolicyFor } from '../guardrails/stack-policy';
import { InputError } from '../util/read-input';
import { writeFileAtomically } from './atomic-file';
import type { CliContext } from './context';
import { warnConfigDoubts } from './config-doubts';

export interface StackPolicyCommandOptions {
  readonly config?: string;
  readonly out: string;
}

/** A file name from a stack key (`Prod/Service`, `parent/Nested`), unique enough for one assembly. */
function fileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]+/g, '-')}.stack-policy.json`;
}

export async function runStackPolicy(
  inputs: readonly string[],
  options: StackPolicyCommandOptions,
  context: CliContext,
): Promise<void> {
  // Loaded when the command runs, so `leash --help` and the other commands never pay for YAML or the schema.
  // The stateful types read the resource specification: loaded here too.
  const [{ loadStacks }, { loadConfigFile }, { isStatefulResourceType, statefulTypeNames }] = await Promise.all([
    import('../check/assembly'),
    import('../config/load'),
    import('../constructs/stateful-resource-types'),
  ]);
  const config = loadConfigFile(options.config);
  warnConfigDoubts(config, options.config, context);
  const stacks = loadStacks(inputs);
  const files = new Map<string, string>();
  const lines: string[] = [];
  for (const stack of stacks) {
    let policy;
    try {
      policy = stackPolicyFor(stack.template, config.guardrails, statefulTypeNames(), (type) =>
        isStatefulResourceType(type),
      );
    } catch (err) {
      if (err instanceof StackPolicyError) throw new InputError(`${stack.file}: ${err.message}`);
      throw err;
    }
    const name = fileName(stack.key);
    if (files.has(name)) throw new InputError(`${stack.file}: two stacks would both be written to ${name}`);
    files.set(name, JSON.stringify(policy.document));
    const count = (reason: string) => policy.protectedResources.filter((r) => r.reason === reason).length;
    lines.push(
      `${stack.displayName}: ${policy.protectedResources.length} resource(s) protected from replacement and deletion ` +
        `(${count('stateful type')} stateful, ${count('tagged production')} tagged production, ` +
        `${count('tags not resolvable at synth time')} with tags unknown until deploy) -> ${name}`,
      `  aws cloudformation set-stack-policy --stack-name ${stack.nestedIn ? '<nested stack name>' : stack.stackName} ` +
        `--stack-policy-body file://${join(options.out, name)}`,
    );
  }
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (err) {
    throw new InputError(`${options.out}: cannot write the stack policies: ${(err as Error).message}`);
  }
  // Each policy file whole or not at all (issue 16's rule for outputs): a stack policy cut short by a full
  // disk would be applied as invalid JSON or, worse, as a shorter valid one.
  for (const [name, text] of files) writeFileAtomically(join(options.out, name), [text]);
  context.io.stdout(`${lines.join('\n')}\n`);
}

export function registerStackPolicyCommand(program: Command, context: CliContext): void {
  program
    .command('stack-policy')
    .description(
      'Write a stack policy for every stack of a cloud assembly or template: deny Update:Replace and Update:Delete on stateful and production-tagged resources, allow the rest. Apply each after deploy with aws cloudformation set-stack-policy, from the exempt pipeline role.',
    )
    .argument('<inputs...>', 'cdk.out directories or template files')
    .option('--config <file>', 'leash.config.json (production tag keys and values)')
    .option('--out <dir>', 'directory for <stack>.stack-policy.json', 'leash-stack-policies')
    .action(async (inputs: string[], options: StackPolicyCommandOptions) => {
      await runStackPolicy(inputs, options, context);
    });
}
