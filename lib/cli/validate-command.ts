// `leash validate <file>`: check one policy document against the grammar, its type's rules, the action
// catalog and its size quota, printing every problem with its JSON path.
import { Command, Option } from 'commander';
import type { Catalog } from '../catalog/types';
import { POLICY_SIZE_LIMITS, type PolicySizeKind } from '../policy/size';
import type { PolicyType } from '../policy/types';
import { wrongKindHint } from '../util/file-kind';
import { InputError, parseJsonText, readTextFile } from '../util/read-input';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import type { CliContext } from './context';

const POLICY_TYPES: readonly PolicyType[] = ['identity', 'trust', 'resource', 'boundary', 'scp', 'rcp'];
const SIZE_KINDS = Object.keys(POLICY_SIZE_LIMITS) as PolicySizeKind[];

interface ValidateFlags {
  readonly type?: PolicyType;
  readonly size?: PolicySizeKind;
}

/** Registers `validate`; `catalog` is injectable so tests can use a small one. */
export function registerValidateCommand(program: Command, context: CliContext, catalog?: () => Catalog): void {
  program
    .command('validate')
    .description(
      'Check an IAM policy document (JSON, or URL-encoded as IAM APIs return it): grammar, the rules of its ' +
        'type, actions against the AWS action catalog, and its size quota.',
    )
    .argument('<file>', 'policy document file')
    .addOption(
      new Option('--type <type>', 'policy type (default: guessed from the document)').choices([...POLICY_TYPES]),
    )
    .addOption(
      new Option('--size <kind>', "size quota to check against (default: the type's own)").choices([...SIZE_KINDS]),
    )
    .action(async (file: string, flags: ValidateFlags) => {
      // Loaded when the command runs, so `leash --help` does not pay for them; the policy modules one by one,
      // not through lib/policy's index, which loads the zod schemas a valid policy never needs.
      const [
        { decodePolicyInput, guessPolicyType },
        { DEFAULT_SIZE_KIND, validatePolicy },
        { policySize },
        { loadCatalog },
      ] = await Promise.all([
        import('../policy/parse'),
        import('../policy/validate'),
        import('../policy/size'),
        import('../catalog'),
      ]);
      const text = readTextFile(file);
      // Plain JSON is checked here first so a syntax error reads `file:line:column`, as in every command.
      if (text.trimStart().startsWith('{')) parseJsonText(text, file);
      const decoded = decodePolicyInput(text);
      if (!decoded.ok) {
        throw new InputError(decoded.problems.map((p) => `${file}: ${p.message}`).join('\n'));
      }
      const hint = wrongKindHint(decoded.value, file, ['policy-document']);
      if (hint) throw new InputError(`${file}: not a policy document${hint}`);
      const type = flags.type ?? guessPolicyType(decoded.value);
      const sizeKind = flags.size ?? DEFAULT_SIZE_KIND[type];
      const problems = validatePolicy(text, type, (catalog ?? loadCatalog)(), { sizeKind: sizeKind ?? false });
      for (const p of problems) {
        const severity = p.severity === 'warning' ? 'warning: ' : '';
        context.io.stdout(`${file}: ${p.path || '(root)'}: ${severity}${p.message}\n`);
      }
      const errors = problems.filter((p) => p.severity !== 'warning').length;
      const warnings = problems.length - errors;
      const guessed = flags.type ? '' : ' (guessed; choose with --type)';
      if (errors > 0) {
        context.io.stderr(
          `${file}: ${errors} problem${errors === 1 ? '' : 's'} as ${article(type)} ${type} policy${guessed}\n`,
        );
        context.exitCode = EXIT_FINDINGS;
        return;
      }
      const size = sizeKind
        ? `, ${policySize(text, sizeKind).toLocaleString('en-US')} of ${POLICY_SIZE_LIMITS[sizeKind].toLocaleString('en-US')} characters (${sizeKind})`
        : '';
      const warned = warnings > 0 ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
      context.io.stdout(`${file}: valid ${type} policy${guessed}${warned}${size}\n`);
      context.exitCode = Math.max(context.exitCode, EXIT_OK);
    });
}

function article(type: PolicyType): string {
  return type === 'identity' || type === 'rcp' ? 'an' : 'a';
}
