// Packs statement templates into as few policy documents as AWS allows, splitting long action lists across
// statements and dropping the lowest-priority patterns (reported, never silent) when the budget runs out.
import type { CatalogAction } from '../catalog/types';
import { policySize, type PolicySizeKind } from '../policy';
import type { ConditionBlock } from './conditions';
import { PLACEMENT_LEVELS, type PlacementLevel } from './spec';
import type { PolicyDocumentJson } from './types';

/** What a statement is for; coverage reads this to say how an action is enforced. */
export type StatementRole =
  /** Destructive actions on resources tagged production (SCP or RCP). */
  | 'production-tag'
  /**
   * Pure escalation and execution on resources tagged production, for everyone but the exempt and operator
   * principals (SCP, opt-in: everyone.denyEscalationAndExecution).
   */
  | 'production-operation'
  /** Destructive actions on resources named by production ARN patterns. */
  | 'production-arn'
  /** Changing or removing a production tag key on a production-tagged resource. */
  | 'tag-tamper'
  /** Agents: the allow ceiling (boundary) or the deny of every other service (SCP). */
  | 'agent-ceiling'
  /** Agents: the boundary's allow of reads (and the production allowlist) on any resource. */
  | 'agent-read'
  /** Agents: destructive actions unless the resource is positively tagged non-production. */
  | 'agent-fail-closed'
  /** Agents: destructive actions on resources where any production key is production (several keys). */
  | 'agent-production-tag'
  /** Agents: changing production tag keys on resources that are not non-production. */
  | 'agent-tagging'
  /** Agents: boundary, role creation, PassRole, AssumeRole and account-level guards. */
  | 'agent-guard'
  /** Everyone not exempt: the agent tag and the boundary policy itself. */
  | 'identity-guard'
  /**
   * Everyone not exempt: switches of tag evaluation that carry no tag to condition on (an account's ABAC
   * status), denied outright.
   */
  | 'tag-evaluation-guard'
  /** Everyone not exempt: roles and users whose names an exempt pattern matches. */
  | 'exemption-guard'
  /** Everyone neither exempt nor operator: roles and users whose names an operator pattern matches. */
  | 'operator-guard';

/** One action pattern in a chunkable list, with the tier that decides what is dropped first. */
export interface PatternItem {
  readonly pattern: string;
  readonly tier: number;
  readonly covers: readonly CatalogAction[];
}

export interface StatementTemplate {
  /** Sid base (letters and digits); chunks get a number appended. */
  readonly sid: string;
  readonly role: StatementRole;
  readonly effect: 'Allow' | 'Deny';
  /** RCPs require `Principal: "*"`. */
  readonly principal?: '*';
  /** A list the packer may split across statements and policies, and trim from the end by tier. */
  readonly items?: readonly PatternItem[];
  /** A fixed Action value (`"*"` or a short list), never split. */
  readonly action?: string | readonly string[];
  readonly notAction?: readonly string[];
  readonly resource: string | readonly string[];
  readonly condition?: ConditionBlock;
  /** The whole statement must be emitted; failing that is an error, not a drop. */
  readonly mandatory: boolean;
  /**
   * For a non-mandatory statement without `items`: its tier. It is placed whole among the chunked patterns
   * in tier order, or dropped whole (and reported) when no policy has room.
   */
  readonly tier?: number;
  /** For per-key statements: the production tag key this statement keys on. */
  readonly tagKey?: string;
}

/** A statement as emitted, with what coverage needs to know about it. */
export interface PackedStatement {
  readonly template: StatementTemplate;
  readonly sid: string;
  /** The patterns in this chunk (empty for fixed-action statements). */
  readonly items: PatternItem[];
}

export interface PackedPolicy {
  /** The organization level it is attached at (set when the packer was given levels). */
  readonly level?: PlacementLevel;
  readonly statements: PackedStatement[];
  readonly document: PolicyDocumentJson;
  readonly characters: number;
}

export interface DroppedItem {
  readonly sid: string;
  readonly role: StatementRole;
  readonly tagKey?: string;
  readonly item: PatternItem;
}

export interface PackResult {
  readonly policies: PackedPolicy[];
  readonly dropped: DroppedItem[];
}

export class GuardrailSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardrailSizeError';
  }
}

export interface PackOptions {
  /** How AWS counts this policy type. */
  readonly kind: PolicySizeKind;
  readonly limit: number;
  readonly maxPolicies: number;
  /** For error messages: `SCP`, `RCP`, `permissions boundary`. */
  readonly label: string;
  /**
   * Free slots per organization level; when given, they replace `maxPolicies` and every policy is placed at
   * one level. Each template tries the levels in the order `levelPreference` gives for it.
   */
  readonly levels?: readonly { readonly level: PlacementLevel; readonly slots: number }[];
}

/** Statements that bind agents only (their roles start with `agent-`). */
export function isAgentLayer(role: StatementRole): boolean {
  return role.startsWith('agent-');
}

/**
 * Where a statement costs least. The agent layer keys on the agent principal tag, so at the root it binds
 * agents in every account at no extra attachment; everything else prefers the production OU (one
 * attachment, no effect on other OUs), then the root, and only then every production account one by one.
 * Every level binds the accounts under it, so any order is correct for an account that has all three.
 */
export function levelPreference(role: StatementRole): readonly PlacementLevel[] {
  return isAgentLayer(role) ? ['root', 'organizational-unit', 'account'] : ['organizational-unit', 'root', 'account'];
}

function renderStatement(statement: PackedStatement): Record<string, unknown> {
  const { template } = statement;
  const out: Record<string, unknown> = { Sid: statement.sid, Effect: template.effect };
  if (template.principal) out.Principal = template.principal;
  if (template.notAction) out.NotAction = single(template.notAction);
  // Chunk lists stay arrays even with one pattern, so each added pattern costs exactly its string plus a comma.
  else if (template.items) out.Action = [...statement.items.map((i) => i.pattern)].sort();
  else if (template.action !== undefined) out.Action = template.action;
  out.Resource = template.resource;
  if (template.condition && Object.keys(template.condition).length > 0) out.Condition = template.condition;
  return out;
}

/** `B`, `C`, ... `Z`, `BB`, ...: a suffix that never ends in a digit, so it cannot meet a chunk number. */
function sidLetters(index: number): string {
  const letters = 'BCDEFGHIJKLMNOPQRSTUVWXYZ';
  return letters[index % letters.length].repeat(Math.floor(index / letters.length) + 1);
}

function single(list: readonly string[]): string | readonly string[] {
  return list.length === 1 ? list[0] : list;
}

function renderDocument(statements: readonly PackedStatement[]): PolicyDocumentJson {
  return { Version: '2012-10-17', Statement: statements.map(renderStatement) };
}

/**
 * First-fit packing in priority order: mandatory statements first (in the order given), then every
 * pattern of the chunkable lists by (tier, template order, pattern order). A pattern joins an existing
 * chunk of its template when it fits, else starts a new chunk in the first policy with room, else opens a
 * new policy while `maxPolicies` allows; otherwise it is dropped. Sizes are measured on the exact JSON.
 *
 * Priority order scatters a template over many chunks, and each chunk repeats its Sid, Resource and
 * Condition. When that drops something, the same first fit is tried in template order (each template's
 * patterns together: fewer chunks) and kept if it drops nothing; a layout that fits stays as it was.
 */
export function packStatements(templates: readonly StatementTemplate[], options: PackOptions): PackResult {
  const byPriority = packInOrder(templates, options, 'priority');
  if (byPriority.dropped.length === 0) return byPriority;
  const byTemplate = packInOrder(templates, options, 'template');
  return byTemplate.dropped.length === 0 ? byTemplate : byPriority;
}

function packInOrder(
  templates: readonly StatementTemplate[],
  options: PackOptions,
  order: 'priority' | 'template',
): PackResult {
  type OpenPolicy = { statements: PackedStatement[]; characters: number; level?: PlacementLevel };
  const policies: OpenPolicy[] = [];
  const slots = new Map((options.levels ?? []).map((l) => [l.level, l.slots]));
  const maxPolicies = options.levels ? [...slots.values()].reduce((n, s) => n + s, 0) : options.maxPolicies;
  /**
   * The levels a template tries, most preferred first; it spills to the next level only when the one
   * before has neither room in its policies nor a free slot. Without levels: one pseudo-level.
   */
  const levelsFor = (template: StatementTemplate): (PlacementLevel | undefined)[] =>
    options.levels ? levelPreference(template.role).filter((l) => (slots.get(l) ?? 0) > 0) : [undefined];
  const policiesAt = (level: PlacementLevel | undefined): OpenPolicy[] =>
    options.levels ? policies.filter((p) => p.level === level) : policies;
  const hasFreeSlot = (level: PlacementLevel | undefined): boolean =>
    options.levels
      ? policiesAt(level).length < (slots.get(level as PlacementLevel) ?? 0)
      : policies.length < maxPolicies;
  const chunkCount = new Map<StatementTemplate, number>();
  const dropped: DroppedItem[] = [];

  // Sizes are tracked incrementally (a pattern adds its JSON string and a comma to a chunk's Action array)
  // and checked against the exact serialisation at the end.
  const emptyDocument = policySize(renderDocument([]), options.kind);
  const statementSize = (statement: PackedStatement): number => policySize(renderStatement(statement), options.kind);
  // IAM and Organizations refuse a policy whose Sids repeat. Two templates can render the same Sid (tag keys
  // "Environment" and "environment", key "env" in its second chunk and key "env2", key "set-x" beside the
  // tag-set statement of key "x"), so every Sid of the pack is unique (ignoring case) and a later one gets a
  // letter. Without a collision the Sids are as before.
  const usedSids = new Set<string>();
  const newChunk = (template: StatementTemplate): PackedStatement => {
    const n = (chunkCount.get(template) ?? 0) + 1;
    chunkCount.set(template, n);
    const base = n === 1 ? template.sid : `${template.sid}${n}`;
    let sid = base;
    for (let i = 0; usedSids.has(sid.toLowerCase()); i++) sid = `${base}${sidLetters(i)}`;
    usedSids.add(sid.toLowerCase());
    return { template, sid, items: [] };
  };
  const undoChunk = (chunk: PackedStatement): void => {
    chunkCount.set(chunk.template, (chunkCount.get(chunk.template) ?? 1) - 1);
    usedSids.delete(chunk.sid.toLowerCase());
  };
  /** Size of a policy after adding a statement of `size` characters. */
  const withStatement = (policy: OpenPolicy, size: number): number =>
    policy.characters + size + (policy.statements.length > 0 ? 1 : 0);

  /** Place a whole statement (fixed, or a chunk with its first pattern) at one level; false when no room. */
  const placeStatementAt = (chunk: PackedStatement, level: PlacementLevel | undefined): boolean => {
    const size = statementSize(chunk);
    for (const policy of policiesAt(level)) {
      if (chunk.items.length > 0 && policy.statements.some((s) => s.template === chunk.template)) continue;
      const next = withStatement(policy, size);
      if (next <= options.limit) {
        policy.statements.push(chunk);
        policy.characters = next;
        return true;
      }
    }
    if (hasFreeSlot(level) && emptyDocument + size <= options.limit) {
      policies.push({ statements: [chunk], characters: emptyDocument + size, level });
      return true;
    }
    return false;
  };
  const placeStatement = (chunk: PackedStatement): boolean =>
    levelsFor(chunk.template).some((level) => placeStatementAt(chunk, level));

  /** Place one pattern of a chunkable template; false when no policy has room. */
  const placeItem = (template: StatementTemplate, item: PatternItem): boolean => {
    const cost = JSON.stringify(item.pattern).length + 1;
    for (const level of levelsFor(template)) {
      for (const policy of policiesAt(level)) {
        const existing = policy.statements.find((s) => s.template === template);
        if (existing && policy.characters + cost <= options.limit) {
          existing.items.push(item);
          policy.characters += cost;
          return true;
        }
      }
      const chunk = newChunk(template);
      chunk.items.push(item);
      if (placeStatementAt(chunk, level)) return true;
      undoChunk(chunk);
    }
    return false;
  };

  const tooBig = (template: StatementTemplate, detail: string): GuardrailSizeError =>
    new GuardrailSizeError(
      `${options.label}: statement ${template.sid} does not fit: ${detail}; at most ${maxPolicies} ` +
        `${options.label} document(s) of ${options.limit} characters each. Reduce the production tag keys/values, ` +
        `exempt principal ARNs or agent services in the guardrail spec.`,
    );

  for (const template of templates.filter((t) => t.mandatory)) {
    if (!template.items) {
      const chunk = newChunk(template);
      if (!placeStatement(chunk)) {
        throw tooBig(template, `it needs ${statementSize(chunk)} characters and no document has room left`);
      }
      continue;
    }
    for (const item of template.items) {
      if (!placeItem(template, item)) throw tooBig(template, `no room left for ${item.pattern}`);
    }
  }

  const optional: { template: StatementTemplate; item: PatternItem; order: number; index: number; whole: boolean }[] =
    [];
  templates.forEach((template, order) => {
    if (template.mandatory) return;
    if (!template.items) {
      // A whole statement: its "item" stands for it in the drop report.
      const listed = template.notAction ?? (typeof template.action === 'string' ? [template.action] : template.action);
      const pattern = `${template.notAction ? 'every action but ' : ''}${(listed ?? []).length} pattern(s) of ${template.sid}`;
      const item: PatternItem = { pattern, tier: template.tier ?? Number.MAX_SAFE_INTEGER, covers: [] };
      optional.push({ template, item, order, index: 0, whole: true });
      return;
    }
    template.items.forEach((item, index) => optional.push({ template, item, order, index, whole: false }));
  });
  optional.sort((a, b) =>
    order === 'priority'
      ? a.item.tier - b.item.tier || a.order - b.order || a.index - b.index
      : a.order - b.order || a.index - b.index,
  );
  const placeWhole = (template: StatementTemplate): boolean => {
    const chunk = newChunk(template);
    if (placeStatement(chunk)) return true;
    undoChunk(chunk);
    return false;
  };
  for (const { template, item, whole } of optional) {
    const placed = whole ? placeWhole(template) : placeItem(template, item);
    if (!placed) {
      dropped.push({ sid: template.sid, role: template.role, tagKey: template.tagKey, item });
    }
  }

  // Outermost level first (root, OU, account), creation order within a level: the order of the names.
  const byLevel = options.levels
    ? [...policies].sort(
        (a, b) =>
          PLACEMENT_LEVELS.indexOf(a.level as PlacementLevel) - PLACEMENT_LEVELS.indexOf(b.level as PlacementLevel),
      )
    : policies;
  const packed = byLevel.map(({ statements, characters, level }) => {
    // Keep statements in template order inside each document, for readable output.
    const ordered = [...statements].sort((a, b) => templates.indexOf(a.template) - templates.indexOf(b.template));
    const document = renderDocument(ordered);
    const exact = policySize(document, options.kind);
    if (exact !== characters || exact > options.limit) {
      throw new Error(`internal: ${options.label} size tracked as ${characters} but is ${exact}`);
    }
    return { ...(level ? { level } : {}), statements: ordered, document, characters: exact };
  });
  return { policies: packed, dropped };
}
