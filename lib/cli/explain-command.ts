// `leash explain <principal-arn> <action>`: one decision of the evaluator, with the statements that decided
// it in each layer and what it depends on. Thin over audit/evaluate; reads saved inputs only.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ActionDecision, CompiledPrincipal, RequestContext, StatementRef } from '../audit/evaluate';
import type { Catalog, CatalogAction } from '../catalog/types';
import { arnProblem } from '../policy/arn';
import { InputError } from '../util/read-input';
import { refuseDuplicates } from './usage';
import { EXIT_OK } from './exit-codes';
import type { CliContext } from './context';
import { closeMatches, principalFromArgument } from './principal-argument';
import { jsonVisible, terminalText } from '../audit/report/terminal-text';

export interface ExplainCommandOptions {
  readonly input: string[];
  readonly scp?: string[];
  readonly rcp?: string[];
  readonly resourceArn?: string;
  readonly resourceTag?: Record<string, string>;
  readonly requestTag?: Record<string, string>;
  readonly context?: Record<string, string[]>;
  readonly json?: boolean;
}

function keyValue(flag: string) {
  return (value: string, previous: Record<string, string> = {}): Record<string, string> => {
    const equals = value.indexOf('=');
    if (equals <= 0) throw new InvalidArgumentError(`${flag} expects key=value, got ${JSON.stringify(value)}`);
    return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
  };
}

function contextKey(value: string, previous: Record<string, string[]> = {}): Record<string, string[]> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`--context expects key=value, got ${JSON.stringify(value)}`);
  const key = value.slice(0, equals).toLowerCase();
  return { ...previous, [key]: [...(previous[key] ?? []), value.slice(equals + 1)] };
}

function statementText(ref: StatementRef): string {
  const text = JSON.stringify(ref.statement ?? {});
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

/** The lines that show one statement. */
function describeRef(ref: StatementRef): string[] {
  const attached = ref.layer === 'scp' || ref.layer === 'rcp' ? (ref.note ? `, ${ref.note}` : '') : '';
  const where = `${ref.policyKind} ${ref.policy}${attached}, statement ${ref.statementIndex ?? 0}${ref.sid ? ` (${ref.sid})` : ''}`;
  return [
    `    ${ref.effect === 'Deny' ? '✗' : '✓'} ${where}`,
    `      ${statementText(ref)}`,
    ...(ref.dependsOn?.length ? [`      applies only if: ${ref.dependsOn.join(', ')}`] : []),
  ];
}

const LAYER_TITLES: Record<string, string> = {
  scp: 'service control policies',
  rcp: 'resource control policies',
  identity: 'identity policies',
  boundary: 'permissions boundary',
};

const BLOCKED_TITLES: Record<string, string> = {
  'explicit-deny': 'an explicit Deny',
  scp: 'a service control policy level that allows nothing matching',
  rcp: 'a resource control policy',
  identity: 'no identity policy allowing it',
  boundary: 'the permissions boundary, which does not allow it',
};

export function formatExplanation(
  principal: CompiledPrincipal,
  action: CatalogAction | undefined,
  decision: ActionDecision,
  request: RequestContext,
): string {
  const lines: string[] = [];
  lines.push(`principal   ${principal.arn} (${principal.kind})`);
  const boundary = principal.hasPermissionsBoundary ? 'has a permissions boundary' : 'no permissions boundary';
  lines.push(
    `            ${boundary}; SCPs: ${principal.serviceControlPolicies}; RCPs: ${principal.resourceControlPolicies}`,
  );
  const classes = action?.classes.length ? ` [${action.classes.join(', ')}]` : '';
  const tags = action
    ? `; resource tags: ${action.tagSupport === 'none' ? 'not available for this action' : `supported (${action.tagSupport})`}`
    : '';
  lines.push(`action      ${decision.action}${classes}${tags}`);
  const tagText = request.resourceTags
    ? Object.entries(request.resourceTags)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ') || '(none)'
    : '(unknown)';
  // With no ARN the evaluator takes the resource to be in the principal's account (aws:ResourceAccount): say so.
  const anyResource = `(any, in account ${principal.arn.split(':')[4] || 'unknown'})`;
  lines.push(`request     resource ${request.resourceArn ?? anyResource}; resource tags ${tagText}`);
  lines.push('');
  const verdict = decision.decision === 'depends' ? 'DEPENDS' : decision.decision.toUpperCase();
  lines.push(
    `decision    ${verdict}${decision.blockedAt ? ` — stopped by ${BLOCKED_TITLES[decision.blockedAt]}` : ''}`,
  );
  if (decision.dependsOn.length) lines.push(`depends on  ${decision.dependsOn.join(', ')}`);
  if (decision.unevaluated?.length) {
    lines.push(
      `not known   ${decision.unevaluated.map((layer) => layer.toUpperCase() + 's').join(' and ')} were not in the input: ` +
        'the answer covers the account’s own policies only',
    );
  }
  if (decision.deniedBy.length) {
    lines.push(
      '',
      decision.decision === 'denied' && decision.blockedAt === 'explicit-deny'
        ? 'explicit deny'
        : 'denies that may apply',
    );
    for (const ref of decision.deniedBy) lines.push(...describeRef(ref));
  }
  for (const layer of ['scp', 'identity', 'boundary'] as const) {
    const refs = decision.allowedBy.filter((ref) => ref.layer === layer);
    if (refs.length === 0) continue;
    lines.push('', `${LAYER_TITLES[layer]}: allowed by`);
    for (const ref of refs) lines.push(...describeRef(ref));
  }
  if (principal.notes.length) {
    lines.push('', 'notes');
    for (const note of principal.notes) lines.push(`    - ${note}`);
  }
  // Names, Sids and condition values come from the account: none may drive the terminal.
  return `${lines.map(terminalText).join('\n')}\n`;
}

function findAction(catalog: Catalog, wanted: string): CatalogAction {
  const action = catalog.get(wanted);
  if (action) return action;
  const colon = wanted.indexOf(':');
  const service = colon > 0 ? wanted.slice(0, colon) : '';
  const pool = catalog.hasService(service) ? catalog.serviceActions(service) : catalog.actions;
  const suggestions = closeMatches(
    wanted,
    pool.map((candidate) => candidate.action),
  );
  throw new InputError(
    `unknown action ${JSON.stringify(wanted)}: expected service:Action from the catalog` +
      (suggestions.length ? `; did you mean: ${suggestions.join(', ')}` : ''),
  );
}

export async function runExplain(
  principalArn: string,
  actionName: string,
  options: ExplainCommandOptions,
  context: CliContext,
): Promise<void> {
  // The principal may be named by its name instead (principal-argument.ts); an ARN must be well formed.
  for (const [flag, arn] of [
    ['principal', principalArn.startsWith('arn:') ? principalArn : undefined],
    ['--resource-arn', options.resourceArn],
  ] as const) {
    const why = arn === undefined ? undefined : arnProblem(arn);
    if (why) throw new InputError(`${flag}: ${why}`);
  }
  refuseDuplicates(options.input, '--input');
  // Loaded when the command runs, so `leash --help` and the other commands never pay for the engine.
  const [{ compileAccount }, { loadAuditInput }, { loadCatalog }] = await Promise.all([
    import('../audit/evaluate'),
    import('../audit/sources'),
    import('../catalog'),
  ]);
  const catalog = loadCatalog();
  const action = findAction(catalog, actionName);
  const input = await loadAuditInput({ input: options.input, scp: options.scp, rcp: options.rcp });
  const arn = principalFromArgument(
    principalArn,
    input.accounts.flatMap((snapshot) => snapshot.principals.map((candidate) => candidate.arn)),
    options.input.join(', '),
  );
  const snapshot = input.accounts.find((account) => account.principals.some((candidate) => candidate.arn === arn))!;
  const account = compileAccount(snapshot, catalog, undefined, new Date());
  const principal: CompiledPrincipal = account.principal(arn)!;
  for (const invalid of account.invalidPolicies) {
    context.io.stderr(`leash explain: warning: ${terminalText(`${invalid.where}: ${invalid.message}`)}\n`);
  }
  const request: RequestContext = {
    resourceArn: options.resourceArn,
    resourceTags: options.resourceTag,
    requestTags: options.requestTag,
    contextKeys: options.context,
  };
  const decision = principal.decide(action.action, request);
  if (options.json) {
    context.io.stdout(
      `${jsonVisible(JSON.stringify({ principal: principal.arn, request, notes: principal.notes, ...decision }, null, 2))}\n`,
    );
  } else {
    context.io.stdout(formatExplanation(principal, action, decision, request));
  }
  context.exitCode = EXIT_OK;
}

export function registerExplainCommand(program: Command, context: CliContext): void {
  program
    .command('explain')
    .description(
      'Explain whether a principal can perform an action: the decision, the deciding statements per layer (explicit deny, SCPs, identity policies, permissions boundary) and what it depends on.',
    )
    .argument('<principal>', 'ARN of the role, user or group, or its name when no other principal has it')
    .argument('<action>', 'service:Action, e.g. rds:DeleteDBInstance')
    .requiredOption('--input <file...>', 'authorization details, account snapshot or organization snapshot files')
    .option('--scp <file...>', 'SCP chain: policy documents, or one JSON array of levels from the root down')
    .option('--rcp <file...>', 'RCP chain, same format as --scp')
    .option('--resource-arn <arn>', 'the target resource (default: any resource)')
    .option('--resource-tag <key=value>', 'a tag on the target resource (repeat for more)', keyValue('--resource-tag'))
    .option('--request-tag <key=value>', 'a tag sent with the request (repeat for more)', keyValue('--request-tag'))
    .option(
      '--context <key=value>',
      'any other condition key, e.g. aws:MultiFactorAuthPresent=true (repeatable)',
      contextKey,
    )
    .option('--json', 'print the decision as JSON')
    .action(async (principalArn: string, action: string, options: ExplainCommandOptions) => {
      await runExplain(principalArn, action, options, context);
    });
}
