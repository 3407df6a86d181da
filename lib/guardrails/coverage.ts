// The coverage report: for every destructive action in the catalog, which emitted statement stops it, for
// whom, and why not when nothing does. It is computed from the emitted documents' action lists (expanded
// against the catalog), never from what the generators meant to emit.
import { TAG_EVALUATION_SWITCH } from '../catalog/classification-rules';
import type { Catalog, CatalogAction, DestructiveClass } from '../catalog/types';
import { DESTRUCTIVE_CLASSES } from '../catalog/types';
import { compileActionMatcher } from '../policy';
import { buildAgentCoverage } from './agent-coverage';
import { conditionalDeletes, deletingRequest } from './conditional-deletes';
import type { DroppedItem, PackedPolicy, StatementRole } from './packing';
import { TIER_NAMES } from './priority';
import { exemptIdentities, type ExemptIdentity } from './exemptions';
import { isTagWrite, reportsTagKeys } from './select';
import { PLACEMENT_LEVELS, type GuardrailSpec } from './spec';
import type {
  ActionCoverage,
  ConditionalDeleteCoverage,
  CoverageReport,
  CoverageTotals,
  DroppedPattern,
  Enforcement,
  EveryoneCoverage,
  ExemptionCoverage,
  GeneratedPolicy,
} from './types';
import { productionSpellingDoubts } from './production-lookalikes';

/** One emitted statement, reduced to what coverage needs. */
interface EmittedStatement {
  readonly sid: string;
  readonly role: StatementRole;
  /** The Resource element as a list. */
  readonly resources: readonly string[];
  readonly tagKey?: string;
  readonly matches: (action: string) => boolean;
  /** Action "*" (the tag-tamper statement) rather than a list. */
  readonly allActions: boolean;
  readonly notAction: boolean;
  readonly resourceIsStar: boolean;
  readonly hasCondition: boolean;
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function emitted(policies: readonly PackedPolicy[]): EmittedStatement[] {
  const out: EmittedStatement[] = [];
  for (const policy of policies) {
    policy.statements.forEach((packed, index) => {
      const json = policy.document.Statement[index];
      const notAction = json.NotAction !== undefined;
      const patterns = asList(notAction ? json.NotAction : json.Action);
      out.push({
        sid: packed.sid,
        role: packed.template.role,
        resources: asList(json.Resource),
        tagKey: packed.template.tagKey,
        matches: compileActionMatcher(patterns),
        allActions: patterns.includes('*'),
        notAction,
        resourceIsStar: json.Resource === '*',
        hasCondition: json.Condition !== undefined,
      });
    });
  }
  return out;
}

export interface CoverageInput {
  readonly spec: GuardrailSpec;
  readonly catalog: Catalog;
  readonly boundary: PackedPolicy;
  readonly serviceControlPolicies: readonly PackedPolicy[];
  readonly resourceControlPolicies: readonly PackedPolicy[];
  readonly generated: readonly GeneratedPolicy[];
  readonly dropped: readonly (DroppedItem & { policyType: DroppedPattern['policyType'] })[];
}

function emptyTotals(): { -readonly [K in keyof CoverageTotals]: number } {
  return {
    destructive: 0,
    protectedForEveryone: 0,
    protectedForAgents: 0,
    protectedForAgentsByBoundary: 0,
    tagAware: 0,
    tagAwareProtectedForEveryone: 0,
  };
}

function add(totals: ReturnType<typeof emptyTotals>, entry: ActionCoverage): void {
  totals.destructive++;
  if (entry.protectedForEveryone) totals.protectedForEveryone++;
  if (entry.protectedForAgents) totals.protectedForAgents++;
  if (entry.protectedForAgentsByBoundary) totals.protectedForAgentsByBoundary++;
  if (entry.tagAware) {
    totals.tagAware++;
    if (entry.protectedForEveryone) totals.tagAwareProtectedForEveryone++;
  }
}

/** The configured tag keys whose production deny in `statements` catches the action. */
function coveredForEveryKey(
  statements: readonly EmittedStatement[],
  tagKeys: readonly string[],
  catches: (statement: EmittedStatement) => boolean,
): { all: boolean; some: boolean; keys: string[] } {
  const keys = tagKeys.filter((tagKey) => statements.some((s) => s.tagKey === tagKey && catches(s)));
  return { all: keys.length === tagKeys.length, some: keys.length > 0, keys };
}

/**
 * The production tag keys under which the SCP statements given deny the action for everyone, or for the
 * operator principals (whom the opt-in escalation and execution deny leaves out).
 */
function scpTagCoverage(
  action: CatalogAction,
  keys: readonly string[],
  scps: readonly EmittedStatement[],
  principals: 'everyone' | 'operators' = 'everyone',
): { all: boolean; some: boolean; keys: string[] } {
  const name = action.action;
  const tagWrite = isTagWrite(action);
  const withTagKeys = reportsTagKeys(action);
  return coveredForEveryKey(scps, keys, (s) => {
    if (s.role === 'production-tag') return s.matches(name);
    if (s.role === 'production-operation') return principals === 'everyone' && s.matches(name);
    if (s.role === 'tag-tamper') {
      if (!tagWrite) return false;
      // "every action but ..." (NotAction) and "*" reach only the tag writes that report aws:TagKeys.
      if (s.notAction) return withTagKeys && !s.matches(name);
      return s.allActions ? withTagKeys : s.matches(name);
    }
    return false;
  });
}

/**
 * Tag-aware destructive actions the SCPs of each level deny for everyone on their own (every tag key), and
 * those only the levels together deny. The total holds for an account under every level that has policies.
 */
function levelCoverage(input: CoverageInput, actions: readonly ActionCoverage[]): CoverageReport['levels'] {
  const keys = input.spec.production.tagKeys;
  const tagAware = actions.filter((a) => a.tagAware).map((a) => input.catalog.get(a.action)!);
  return PLACEMENT_LEVELS.map((level) => {
    const scps = input.serviceControlPolicies.filter((p) => p.level === level);
    const rcps = input.resourceControlPolicies.filter((p) => p.level === level);
    const statements = emitted(scps);
    return {
      level,
      serviceControlPolicies: input.generated
        .filter((g) => g.level === level && g.name.includes('-scp-'))
        .map((g) => g.name),
      resourceControlPolicies: input.generated
        .filter((g) => g.level === level && g.name.includes('-rcp-'))
        .map((g) => g.name),
      characters: [...scps, ...rcps].reduce((n, p) => n + p.characters, 0),
      tagAwareProtectedForEveryone: tagAware.filter((a) => scpTagCoverage(a, keys, statements).all).length,
    };
  }).filter((l) => l.serviceControlPolicies.length + l.resourceControlPolicies.length > 0);
}

function classify(
  action: CatalogAction,
  spec: GuardrailSpec,
  scps: readonly EmittedStatement[],
  rcps: readonly EmittedStatement[],
  boundary: readonly EmittedStatement[],
  hasArnSelectors: boolean,
): ActionCoverage {
  const name = action.action;
  const enforcement: Enforcement[] = [];
  const reasons: string[] = [];
  const keys = spec.production.tagKeys;
  const tagWrite = isTagWrite(action);

  // For everyone (SCP): production tag conditions.
  const scpTag = scpTagCoverage(action, keys, scps);
  const scpTagProtects = action.tagAware && scpTag.all;
  const operatorScpTag = scpTagCoverage(action, keys, scps, 'operators');
  if (scpTagProtects) {
    enforcement.push('scp-tag-condition');
    reasons.push(
      tagWrite
        ? 'SCP denies changing or removing the production tag on production-tagged resources'
        : operatorScpTag.some
          ? 'SCP denies it on production-tagged resources'
          : 'SCP denies it on production-tagged resources to everyone but the exempt and operator principals ' +
            '(everyone.denyEscalationAndExecution: production workloads and deployments that run it must run as ' +
            'an operator or exempt principal)',
    );
  } else if (action.tagAware && scpTag.some) {
    reasons.push('SCP covers it for some production tag keys only (the rest was dropped for size)');
  } else if (!action.tagAware && scpTag.some) {
    reasons.push('listed in the SCP tag deny, but aws:ResourceTag is never in its request context');
  }
  const scpArn = hasArnSelectors && scps.some((s) => s.role === 'production-arn' && s.matches(name));
  if (scpArn) {
    enforcement.push('scp-arn-pattern');
    reasons.push('SCP denies it on the production ARN patterns / ARNs (only those resources)');
  }
  const scpOutright = scps.some((s) => s.role === 'tag-evaluation-guard' && s.resourceIsStar && s.matches(name));
  if (scpOutright) {
    enforcement.push('scp-outright');
    reasons.push('SCP denies it outright to everyone not exempt: it switches tag evaluation off');
  }
  const rcpTag = coveredForEveryKey(
    rcps,
    keys,
    (s) => (s.role === 'production-tag' || (s.role === 'tag-tamper' && tagWrite)) && s.matches(name),
  );
  const rcpTagProtects = action.tagAware && rcpTag.all;
  if (rcpTagProtects) {
    enforcement.push('rcp-tag-condition');
    reasons.push(
      tagWrite
        ? 'RCP denies changing or removing the production tag on production-tagged resources, also to principals of other accounts'
        : 'RCP denies it on production-tagged resources, also to principals of other accounts',
    );
  }

  // For agents: boundary ceiling, fail-closed deny (boundary or SCP agent layer), outright guards.
  // The boundary's ceiling: conditional Allows of the agent services (or of "*" beside a Deny of every
  // other service).
  const ceilingAllows =
    boundary.some((s) => s.role === 'agent-ceiling' && !s.notAction && s.matches(name)) &&
    !boundary.some((s) => s.role === 'agent-ceiling' && s.notAction && !s.matches(name));
  const scpCeilingDenies = scps.some((s) => s.role === 'agent-ceiling' && s.notAction && !s.matches(name));
  const guardedBy = (statements: readonly EmittedStatement[]): boolean =>
    statements.some((s) => s.role === 'agent-guard' && s.resourceIsStar && s.matches(name));
  const guardedInBoundary = guardedBy(boundary);
  const guarded = guardedInBoundary || guardedBy(scps);
  // The invariant's read-only statement is a NotAction over read patterns: it reaches what it does not list.
  const failClosedBy = (statements: readonly EmittedStatement[]): boolean =>
    statements.some(
      (s) =>
        (s.role === 'agent-fail-closed' && (s.notAction ? !s.matches(name) : s.matches(name))) ||
        (s.role === 'agent-tagging' && s.matches(name)),
    );
  // The boundary's ceiling is the invariant: a write it allows only under a condition (resource or request
  // tagged non-production) is fail-closed there.
  const allowedOutright = boundary.some(
    (s) =>
      (s.role === 'agent-ceiling' || s.role === 'agent-read') && !s.notAction && !s.hasCondition && s.matches(name),
  );
  const failClosedInBoundary = failClosedBy(boundary) || (ceilingAllows && !allowedOutright);
  const failClosed = failClosedInBoundary || failClosedBy(scps);
  if (!ceilingAllows || scpCeilingDenies) {
    enforcement.push('boundary-allowlist');
    reasons.push(`agents cannot call ${action.service} at all (not in agents.allowedServices)`);
  } else if (failClosed || guarded) {
    enforcement.push('agent-fail-closed');
    if (guarded) reasons.push('agents are denied it outright by a boundary guard statement');
    else if (!action.tagAware)
      reasons.push('agents are always denied it: no tag support, so never tagged non-production');
    else if (tagWrite) reasons.push('agents may change tags only on resources already tagged non-production');
    else reasons.push('agents are denied it unless the resource is tagged non-production (read-only invariant)');
  }
  const protectedForAgents = enforcement.includes('boundary-allowlist') || enforcement.includes('agent-fail-closed');
  // The boundary on its own: its allow ceiling, its guards and its fail-closed denies, no SCP.
  const protectedForAgentsByBoundary = !ceilingAllows || guardedInBoundary || failClosedInBoundary;
  if (protectedForAgents && !protectedForAgentsByBoundary) {
    reasons.push('for agents only by the SCP agent layer: the boundary alone does not stop it');
  }
  const protectedForEveryone = scpTagProtects || scpArn || scpOutright || rcpTagProtects;
  if (!protectedForEveryone && action.classes.every((c) => c === 'escalate' || c === 'execute')) {
    reasons.push(
      'escalation and execution alone are guarded for agents only (denying them to everyone would stop normal deployments)',
    );
  }
  if (enforcement.length === 0) {
    enforcement.push('none');
    reasons.push(
      action.tagAware ? 'dropped from every policy for size' : 'no aws:ResourceTag support and no ARN pattern',
    );
  } else if (!protectedForEveryone && !action.tagAware && !scpArn) {
    reasons.push('not protected for other principals: no aws:ResourceTag support and no ARN pattern');
  }
  // A tag write is judged as a request that touches the first production tag key (as the proof sends it).
  const agentDenied = !ceilingAllows || scpCeilingDenies || guarded || (failClosed && !action.tagAware);
  return {
    action: name,
    service: action.service,
    classes: action.classes,
    tagAware: action.tagAware,
    tagSupport: action.tagSupport,
    enforcement,
    protectedForEveryone,
    productionTagKeys: action.tagAware ? keys.filter((k) => scpTag.keys.includes(k) || rcpTag.keys.includes(k)) : [],
    ...(spec.everyone.operatorPrincipalArns.length > 0
      ? {
          productionTagKeysForOperators: action.tagAware
            ? keys.filter((k) => operatorScpTag.keys.includes(k) || rcpTag.keys.includes(k))
            : [],
        }
      : {}),
    protectedForAgents,
    protectedForAgentsByBoundary,
    reason: reasons.join('; '),
    agentOnNonProduction: agentDenied ? 'denied' : 'allowed',
  };
}

export function caveats(spec: GuardrailSpec, actions: readonly ActionCoverage[]): string[] {
  const resourceTypeOnly = actions.filter((a) => a.tagSupport === 'resource-type').length;
  const noTags = actions.filter((a) => !a.tagAware).length;
  const exemptWildcard = spec.exemptPrincipalArns.some((arn) => arn.split(':')[4] === '*');
  const switches = actions
    .filter((a) => a.classes.includes('tamper') && TAG_EVALUATION_SWITCH.test(a.action.slice(a.service.length + 1)))
    .map((a) => a.action);
  const noSlot = (slots: GuardrailSpec['placement']['resourceControlPolicies']) =>
    slots.root + slots.organizationalUnit + slots.account === 0;
  const out = [
    // First: a production tag the config may have misspelt leaves every guard below off those resources.
    ...productionSpellingDoubts(spec.production).map((doubt) => doubt.message),
    ...(noSlot(spec.placement.resourceControlPolicies)
      ? [
          'No RCP slot is free at any level (guardrails.placement.resourceControlPolicies), so no RCP was made: ' +
            'principals outside the organization are held by no leash guardrail on production resources (SCPs bind ' +
            'only principals of the organization). Free a slot, or accept this in writing.',
        ]
      : []),
    'SCPs do not apply to the management account (any principal there, its root user included): keep workloads out of it.',
    'SCPs and RCPs do not restrict service-linked roles: AWS services acting through them can still delete resources.',
    'RCPs do not apply to resources in the management account, nor to AWS managed KMS keys.',
    `${noTags} destructive actions cannot evaluate aws:ResourceTag; a tag condition never stops them. They are ` +
      'covered only by ARN patterns (production.arnPatterns / arns) or, for agents, by the fail-closed deny.',
    `${resourceTypeOnly} destructive actions get tag support only from their resource type's table in the Service ` +
      'Authorization Reference, not from their own row (tagSupport "resource-type"): AWS documents them less directly.',
    'Tag values are compared with StringEqualsIgnoreCase / StringNotEqualsIgnoreCase, so "Production" and "PROD" ' +
      'count. Each configured tag key gets its own statement (an OR across keys needs separate statements); list ' +
      'every spelling of the key your accounts use.',
    'An action with several resource types is stopped by a tag condition only for the resources that carry the tag ' +
      '(for example the subnet of ec2:RunInstances), and only where the service puts aws:ResourceTag in the request.',
    'S3 evaluates aws:ResourceTag on buckets only when attribute-based access control is enabled on the bucket, ' +
      'and DynamoDB only where ABAC is on for the account and Region (on for most accounts: dynamodb:GetAbacStatus ' +
      'tells); without it the SCP and RCP tag denies do not fire for them (agents stay denied: fail-closed). ' +
      (switches.length > 0
        ? `Turning it off is denied to everyone not exempt (${switches.join(', ')}; a bucket's switch on ` +
          'production-tagged buckets whose ABAC is on).'
        : 'No action of the catalog switches it.'),
    'The production tag guard denies any request that touches a production tag key of a production-tagged ' +
      'resource without keeping a production value, which also refuses creating a resource tagged non-production ' +
      'inside a production-tagged parent (for example an instance in a production-tagged subnet).',
    `Create the boundary at path "/" named "${spec.agents.boundaryPolicyName}": role creation by agents and the ` +
      'self-protection statements match that ARN. Non-exempt principals cannot edit it: put the role that deploys ' +
      'it (for example the StackSet execution role) in exemptPrincipalArns. An exempt StackSet execution role is ' +
      'exempt for every stack set: whoever may deploy a service-managed stack set from the management account ' +
      'then acts with the exemption in every member (leash audit over the organization shows who).',
    'Agents may pass (iam:PassRole) or assume only roles tagged with the agent tag; roles they create must carry ' +
      'the agent tag and this boundary. iam:PassRole is escalation, fail-closed like the other destructive ' +
      'actions: the passed role must also be tagged non-production.',
  ];
  if (spec.everyone.denyEscalationAndExecution) {
    const operators = spec.everyone.operatorPrincipalArns;
    out.push(
      'everyone.denyEscalationAndExecution is on: invoking, starting, running commands in, updating the code of ' +
        'and passing roles to production-tagged resources is denied to everyone but the exempt principals' +
        (operators.length > 0 ? ` and the operator principals (${operators.join(', ')})` : '') +
        '. Production workloads that invoke or start each other, and CloudFormation deployments (its execution ' +
        'role passes roles and updates function code), must run as one of them. It is an SCP deny: principals of ' +
        'other accounts that a resource policy lets in are not stopped by it (the RCPs keep to delete, recreate ' +
        'and tamper).',
    );
  }
  if (exemptWildcard) {
    out.push(
      'Exempt ARN patterns with a wildcard account are pinned to the resource account in RCPs ' +
        '(${aws:ResourceAccount}), so a same-named role in another account is not exempt there.',
    );
  }
  if (spec.production.arnPatterns.length + spec.production.arns.length === 0) {
    out.push('No production ARN patterns are configured: actions without tag support are protected for agents only.');
  }
  return out;
}

/**
 * The conditional deletes (conditional-deletes.ts): not in the catalog's destructive list, so without this no
 * line of the report would name them.
 */
function conditionalDeleteCoverage(
  spec: GuardrailSpec,
  catalog: Catalog,
  scps: readonly EmittedStatement[],
): ConditionalDeleteCoverage[] {
  const arns = [...spec.production.arnPatterns, ...spec.production.arns];
  return conditionalDeletes(catalog).map(({ entry, action }) => {
    const resources = arns.filter((arn) => arn.split(':')[2] === entry.arnService);
    const statements = scps
      .filter((s) => s.role === 'production-arn' && s.hasCondition && s.matches(action.action))
      .filter((s) => resources.every((r) => s.resources.includes(r)));
    const condition = deletingRequest(entry) as ConditionalDeleteCoverage['condition'];
    return {
      action: action.action,
      condition,
      resources,
      statements: statements.map((s) => s.sid),
      protectedForEveryone: resources.length > 0 && statements.length > 0,
      why: entry.why,
    };
  });
}

function conditionalDeleteCaveats(entries: readonly ConditionalDeleteCoverage[]): string[] {
  return entries.map((entry) => {
    const [operator] = Object.keys(entry.condition);
    const [key] = Object.keys(entry.condition[operator]);
    const when = `when ${key} holds ${entry.condition[operator][key].join(' or ')}`;
    return entry.protectedForEveryone
      ? `${entry.action} deletes ${when} (${entry.why}); it is denied so to everyone not exempt on ${entry.resources.join(', ')} only, and left open for other requests.`
      : `${entry.action} deletes ${when} (${entry.why}); it is not denied to principals other than agents: no production ARN pattern names its resources (${entry.action.split(':')[0]} has no aws:ResourceTag support). Add your production ones to production.arnPatterns.`;
  });
}

export function buildCoverage(input: CoverageInput): CoverageReport {
  const { spec, catalog } = input;
  const scps = emitted(input.serviceControlPolicies);
  const rcps = emitted(input.resourceControlPolicies);
  const boundary = emitted([input.boundary]);
  const hasArnSelectors = spec.production.arnPatterns.length + spec.production.arns.length > 0;
  const actions = catalog.destructive.map((a) => classify(a, spec, scps, rcps, boundary, hasArnSelectors));

  const totals = emptyTotals();
  const byClass = Object.fromEntries(DESTRUCTIVE_CLASSES.map((c) => [c, emptyTotals()])) as Record<
    DestructiveClass,
    ReturnType<typeof emptyTotals>
  >;
  const byService: Record<string, ReturnType<typeof emptyTotals>> = {};
  for (const entry of actions) {
    add(totals, entry);
    for (const c of entry.classes) add(byClass[c], entry);
    add((byService[entry.service] ??= emptyTotals()), entry);
  }
  const dropped: DroppedPattern[] = input.dropped.map((d) => ({
    policyType: d.policyType,
    statement: d.sid,
    pattern: d.item.pattern,
    tier: TIER_NAMES[d.item.tier] ?? String(d.item.tier),
    actions: d.item.covers.map((a) => a.action),
  }));
  const conditional = conditionalDeleteCoverage(spec, catalog, scps);
  return {
    dataVersion: catalog.dataVersion,
    agents: buildAgentCoverage(spec, catalog, input.boundary, input.serviceControlPolicies),
    actions,
    totals,
    byClass,
    byService,
    policySizes: input.generated.map((p) => ({ name: p.name, characters: p.characters, limit: p.limit })),
    caveats: [...caveats(spec, actions), ...conditionalDeleteCaveats(conditional)],
    dropped,
    levels: levelCoverage(input, actions),
    conditionalDeletes: conditional,
    arnPatterns: {
      patterns: [...spec.production.arnPatterns, ...spec.production.arns],
      actionsWithoutTagSupport: actions.filter((a) => !a.tagAware).length,
      coveredForEveryone: actions.filter((a) => !a.tagAware && a.enforcement.includes('scp-arn-pattern')).length,
    },
    exemptions: guardedIdentities(exemptIdentities(spec.exemptPrincipalArns), scps, 'exemption-guard'),
    ...(spec.everyone.denyEscalationAndExecution ? { everyone: everyoneCoverage(spec, actions, scps) } : {}),
  };
}

/** Each identity with the SCP statements of `role` that keep it from being claimed. */
function guardedIdentities(
  identities: readonly ExemptIdentity[],
  scps: readonly EmittedStatement[],
  role: 'exemption-guard' | 'operator-guard',
): ExemptionCoverage[] {
  return identities.map((identity) => ({
    ...identity,
    protectedBy: scps
      .filter(
        (s) =>
          s.role === role &&
          s.matches(identity.kind === 'user' ? 'iam:CreateUser' : 'iam:CreateRole') &&
          identity.resources.every((r) => s.resources.includes(r)),
      )
      .map((s) => s.sid),
  }));
}

/** The opt-in escalation and execution deny: what it covers and who keeps those actions. */
function everyoneCoverage(
  spec: GuardrailSpec,
  actions: readonly ActionCoverage[],
  scps: readonly EmittedStatement[],
): EveryoneCoverage {
  const pure = actions.filter((a) => a.tagAware && a.classes.every((c) => c === 'escalate' || c === 'execute'));
  return {
    denyEscalationAndExecution: true,
    statements: scps.filter((s) => s.role === 'production-operation').map((s) => s.sid),
    escalateOrExecuteOnly: pure.length,
    deniedForEveryone: pure.filter((a) => a.protectedForEveryone).length,
    operators: guardedIdentities(
      exemptIdentities(spec.everyone.operatorPrincipalArns, 'everyone.operatorPrincipalArns'),
      scps,
      'operator-guard',
    ),
    stops: [
      'production workloads invoking or starting each other (lambda:InvokeFunction, states:StartExecution, ' +
        'ecs:RunTask...) unless they run as operator principals',
      'CloudFormation deployments of production stacks (its execution role calls iam:PassRole, ' +
        'lambda:UpdateFunctionCode, cloudformation:CreateStack...) unless that role is an operator or exempt',
      'people running commands or sessions on production (ssm:SendCommand, ssm:StartSession, ' +
        'ecs:ExecuteCommand) unless they are operator or exempt principals',
    ],
  };
}
