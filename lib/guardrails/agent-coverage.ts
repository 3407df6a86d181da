// The agent lines of the coverage report: how many writes of the agent services each layer leaves open on
// production and untagged resources (0 is the invariant), what the read patterns reach, and what agents
// cannot do even on non-production. Computed from the emitted documents, like the rest of the report; the
// simulator proof (bench/prove-guardrails.ts) checks the same counts request by request.
import { isCreateAction, mayCarryRequestTag } from '../catalog/create-actions';
import { isReadLevel } from '../catalog/read-patterns';
import { roleFromResourceKey } from '../catalog/role-from-resource';
import { targetsOutsideRequest } from '../catalog/targets-outside-request';
import type { Catalog, CatalogAction } from '../catalog/types';
import { compileActionMatcher } from '../policy';
import { agentInvariantParts, allowlistMatcher } from './agent-invariant';
import type { PackedPolicy, StatementRole } from './packing';
import { agentRecognitions } from './scp-agent';
import { servicesSet } from './select';
import type { GuardrailSpec } from './spec';
import type { AgentInvariantCoverage, AgentLayerCount } from './types';

interface Emitted {
  readonly role: StatementRole;
  readonly allow: boolean;
  readonly conditional: boolean;
  readonly sid: string;
  /** True when the statement's Action/NotAction reaches the action. */
  readonly covers: (action: string) => boolean;
  readonly characters: number;
}

const INVARIANT_ROLES: ReadonlySet<StatementRole> = new Set([
  'agent-fail-closed',
  'agent-production-tag',
  'agent-tagging',
]);
const AGENT_ROLES: ReadonlySet<StatementRole> = new Set([...INVARIANT_ROLES, 'agent-ceiling', 'agent-guard']);

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function emitted(policies: readonly PackedPolicy[], sidPrefix?: string): Emitted[] {
  const out: Emitted[] = [];
  for (const policy of policies) {
    policy.statements.forEach((packed, index) => {
      if (sidPrefix !== undefined && !packed.sid.startsWith(sidPrefix)) return;
      const json = policy.document.Statement[index];
      const not = json.NotAction !== undefined;
      const matches = compileActionMatcher(asList(not ? json.NotAction : json.Action));
      out.push({
        role: packed.template.role,
        allow: json.Effect === 'Allow',
        conditional: json.Condition !== undefined,
        sid: packed.sid,
        covers: (a) => (not ? !matches(a) : matches(a)),
        characters: JSON.stringify(json).length,
      });
    });
  }
  return out;
}

/** Whether the statements deny a write of `action` on a production-tagged and on an untagged resource. */
function denies(statements: readonly Emitted[], action: CatalogAction): { production: boolean; untagged: boolean } {
  const by = (role: StatementRole): boolean => statements.some((s) => s.role === role && s.covers(action.action));
  // The SCP ceiling denies every action but the agent services' (a Deny with NotAction).
  const ceiling = statements.some((s) => s.role === 'agent-ceiling' && !s.allow && s.covers(action.action));
  const failClosed = by('agent-fail-closed');
  const tagged = by('agent-production-tag');
  return {
    production: ceiling || failClosed || (action.tagAware && tagged),
    untagged: ceiling || failClosed,
  };
}

export function buildAgentCoverage(
  spec: GuardrailSpec,
  catalog: Catalog,
  boundary: PackedPolicy,
  serviceControlPolicies: readonly PackedPolicy[],
): AgentInvariantCoverage {
  const services = [...servicesSet(spec.agents.allowedServices)].sort();
  const scope = services.flatMap((s) => catalog.serviceActions(s));
  const allowlisted = allowlistMatcher(spec, catalog);
  const writes = scope.filter((a) => !isReadLevel(a));
  const guarded = writes.filter((a) => !allowlisted(a));

  // The boundary's ceiling is the invariant: a write is open only where an Allow reaches it unconditionally.
  const boundaryStatements = emitted([boundary]);
  const boundaryDenies = (action: CatalogAction): { production: boolean; untagged: boolean } => {
    const open = boundaryStatements.some((s) => s.allow && !s.conditional && s.covers(action.action));
    return { production: !open, untagged: !open };
  };
  const recognitions = agentRecognitions(spec);
  const scpLayers = recognitions.map((r) => ({
    recognition: r,
    statements: emitted(serviceControlPolicies).filter(
      (s) => AGENT_ROLES.has(s.role) && s.sid.startsWith(r.sidPrefix) && !startsWithLonger(s.sid, r, recognitions),
    ),
  }));

  const count = (
    layer: string,
    deny: (a: CatalogAction) => { production: boolean; untagged: boolean },
  ): AgentLayerCount => {
    let production = 0;
    let untagged = 0;
    for (const action of guarded) {
      const d = deny(action);
      if (!d.production) production++;
      if (!d.untagged) untagged++;
    }
    return { layer, writes: guarded.length, writesAllowedOnProduction: production, writesAllowedOnUntagged: untagged };
  };
  const layers: AgentLayerCount[] = [count('boundary alone', boundaryDenies)];
  for (const { recognition, statements } of scpLayers) {
    layers.push(count(`SCPs alone (${recognition.describe})`, (a) => denies(statements, a)));
  }
  const tagLayer = scpLayers[0].statements;
  layers.push(
    count('boundary and SCPs', (a) => {
      const b = boundaryDenies(a);
      const s = denies(tagLayer, a);
      return { production: b.production || s.production, untagged: b.untagged || s.untagged };
    }),
  );

  const parts = agentInvariantParts(spec, catalog);
  const tagWriteServices = [
    ...new Set(scope.filter((a) => a.accessLevel === 'Tagging' && !allowlisted(a)).map((a) => a.service)),
  ].sort();
  const agentScpCharacters = emitted(serviceControlPolicies)
    .filter((s) => AGENT_ROLES.has(s.role) && recognitions.some((r) => s.sid.startsWith(r.sidPrefix)))
    .reduce((n, s) => n + s.characters + 1, 0);
  return {
    services,
    writes: writes.length,
    allowlist: spec.agents.productionWriteAllowlist,
    allowlisted: writes.length - guarded.length,
    layers,
    readPatterns: parts.readsAndAllowlist.filter((p) => !spec.agents.productionWriteAllowlist.includes(p)),
    readsDeniedOnProduction: parts.unreachedReads.map((a) => a.action),
    sensitiveReads: spec.agents.sensitiveReads,
    writesWithoutResourceTag: guarded.filter((a) => !a.tagAware).map((a) => a.action),
    tagWritesNeedNonProductionResource: tagWriteServices,
    createPatterns: parts.creates,
    creates: guarded.filter(isCreateAction).length,
    createLookalikes: parts.createExceptions,
    requestTagWritesNotCreates: guarded
      .filter((a) => a.accessLevel !== 'Tagging' && mayCarryRequestTag(a) && !isCreateAction(a))
      .map((a) => a.action),
    createsNotCovered: parts.missedCreates.map((a) => a.action),
    unnamedTargets: scope.filter(targetsOutsideRequest).map((a) => a.action),
    roleFromResource: scope.filter((a) => roleFromResourceKey(a) !== undefined).map((a) => a.action),
    recognitions: recognitions.map((r) => r.describe),
    scpCharacters: agentScpCharacters,
  };
}

/** `AgentSession...` statements also start with `Agent`: attribute a sid to its longest matching prefix. */
function startsWithLonger(
  sid: string,
  recognition: { sidPrefix: string },
  all: readonly { sidPrefix: string }[],
): boolean {
  return all.some(
    (other) =>
      other.sidPrefix.length > recognition.sidPrefix.length &&
      other.sidPrefix.startsWith(recognition.sidPrefix) &&
      sid.startsWith(other.sidPrefix),
  );
}
