import { loadStacks } from '../../lib/check/assembly';
import { changeFindings, findDestructiveChanges, type DestructiveChange } from '../../lib/check/change-gate';
import { defaultGuardrailSpec } from '../../lib/guardrails/spec';
import { synthesizeApps, type SynthesizedApps } from './cdk-apps';

const production = defaultGuardrailSpec().production;
let apps: SynthesizedApps;

beforeAll(() => {
  apps = synthesizeApps();
});

function gate(app: { before: string; after: string }) {
  return findDestructiveChanges(loadStacks([app.after]), loadStacks([app.before]), production);
}

function byId(changes: readonly DestructiveChange[], prefix: string): DestructiveChange {
  const found = changes.find((change) => change.logicalId.startsWith(prefix));
  if (!found) throw new Error(`no change for ${prefix}: ${changes.map((c) => c.logicalId).join(', ')}`);
  return found;
}

describe('change gate on a production data stack', () => {
  it('reports the Orders table as replaced because KeySchema changed, with no retain policy', () => {
    const orders = byId(gate(apps.database).changes, 'Orders');
    expect(orders).toMatchObject({
      resourceType: 'AWS::DynamoDB::Table',
      action: 'replace',
      stateful: true,
      productionTag: 'environment=production',
      protection: undefined,
    });
    expect(orders.causes).toContain('KeySchema');
    expect(orders.stack.cdkPaths?.get(orders.logicalId)).toBe('DataStack/Orders/Resource');
  });

  it('reports the removed Uploads bucket as deleted', () => {
    const uploads = byId(gate(apps.database).changes, 'Uploads');
    expect(uploads).toMatchObject({ resourceType: 'AWS::S3::Bucket', action: 'delete', stateful: true });
  });

  it('sees that the renamed Audit table is retained (UpdateReplacePolicy: Retain)', () => {
    const audit = byId(gate(apps.database).changes, 'Audit');
    expect(audit).toMatchObject({ action: 'replace', protection: 'Retain' });
    expect(audit.causes).toEqual(['TableName']);
  });

  it('rates replacement of production state critical even when retained, dev state high, stateless not at all', () => {
    const findings = changeFindings(gate(apps.database).changes);
    const severityOf = (prefix: string) => findings.find((f) => f.location?.logicalId?.startsWith(prefix))?.severity;
    expect(severityOf('Orders')).toBe('critical');
    expect(severityOf('Uploads')).toBe('critical');
    expect(severityOf('Scratch')).toBe('high');
    // Retained, but production is left pointing at a new, empty table: still critical.
    expect(severityOf('Audit')).toBe('critical');
    expect(severityOf('Events')).toBeUndefined();
  });

  it('names logical id, type, action and the property that forces replacement in the message', () => {
    const orders = changeFindings(gate(apps.database).changes).find((f) => f.location?.logicalId?.startsWith('Orders'));
    expect(orders?.category).toBe('destructive-change');
    expect(orders?.message).toMatch(
      /would replace stateful, production resource Orders\w+ \(AWS::DynamoDB::Table\) because KeySchema changed/,
    );
    expect(orders?.location?.file).toMatch(/DataStack\.template\.json$/);
    expect(orders?.location?.cdkPath).toBe('DataStack/Orders/Resource');
  });

  it('finds nothing when the templates are the same', () => {
    const same = findDestructiveChanges(
      loadStacks([apps.database.before]),
      loadStacks([apps.database.before]),
      production,
    );
    expect(same.changes).toEqual([]);
  });
});

describe('change gate on nested stacks and stages', () => {
  it('deletes every resource of a nested stack that is removed from its parent', () => {
    const result = gate(apps.nested);
    const sessions = byId(result.changes, 'Sessions');
    expect(sessions).toMatchObject({ action: 'delete', stateful: true, productionTag: 'environment=production' });
    expect(sessions.viaNestedStack).toMatch(/^ParentStack\/StorageNestedStack/);
    expect(changeFindings(result.changes).some((f) => f.severity === 'critical')).toBe(true);
  });

  it('pairs a stage stack with its baseline by stack name and sees the renamed table', () => {
    const result = gate(apps.stage);
    const customers = byId(result.changes, 'Customers');
    expect(customers).toMatchObject({ action: 'replace', causes: ['TableName'], stateful: true });
    expect(customers.stack.key).toBe('Prod-Service');
    // Not production-tagged, so high rather than critical.
    expect(changeFindings(result.changes)[0].severity).toBe('high');
  });

  it('treats stacks without a baseline as new', () => {
    const result = findDestructiveChanges(loadStacks([apps.stage.after]), loadStacks([apps.clean]), production);
    expect(result.changes).toEqual([]);
    expect(result.newStacks).toEqual(['Prod-Service']);
    expect(result.baselineOnly).toEqual(['CleanStack']);
  });
});

describe('production selector from config', () => {
  it('uses the configured tag key and values', () => {
    const custom = { ...production, tagKeys: ['stage'], values: ['live'] };
    const result = findDestructiveChanges(
      loadStacks([apps.database.after]),
      loadStacks([apps.database.before]),
      custom,
    );
    expect(byId(result.changes, 'Orders').productionTag).toBeUndefined();
  });
});

describe('change gate on YAML templates', () => {
  const fixture = (name: string) => `${__dirname}/../fixtures/templates/${name}`;
  const result = findDestructiveChanges(
    loadStacks([fixture('database-v2.yaml')]),
    loadStacks([fixture('database-v1.yaml')]),
    production,
  );

  it('pairs one template file with one baseline file whatever their names', () => {
    expect(result.newStacks).toEqual([]);
    expect(result.changes.map((change) => change.logicalId).sort()).toEqual(['OrdersDatabase', 'Sessions']);
  });

  it('keeps a production RDS instance replaced by DBInstanceIdentifier critical though a final snapshot is taken', () => {
    const database = byId(result.changes, 'OrdersDatabase');
    expect(database).toMatchObject({ action: 'replace', causes: ['DBInstanceIdentifier'], protection: 'Snapshot' });
    const finding = changeFindings(result.changes).find((f) => f.location?.logicalId === 'OrdersDatabase');
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toMatch(/a final snapshot is taken/);
  });

  it('reports the removed table as deleted with nothing retained', () => {
    const finding = changeFindings(result.changes).find((f) => f.location?.logicalId === 'Sessions');
    expect(finding).toMatchObject({ severity: 'critical', title: 'Deletes AWS::DynamoDB::Table Sessions' });
    expect(finding?.message).toMatch(
      /removed from the template \(or its condition is now false\); tagged environment=production; nothing is retained/,
    );
  });
});

describe('changes that only may replace', () => {
  const template = (retention: number, environment: string) => ({
    Resources: {
      Db: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          DBInstanceClass: 'db.t3.micro',
          Engine: 'postgres',
          BackupRetentionPeriod: retention,
          Tags: [{ Key: 'environment', Value: environment }],
        },
      },
    },
  });
  const stack = (retention: number, environment = 'production') => ({
    key: 'Db',
    displayName: 'Db',
    stackName: 'Db',
    file: 'db.json',
    text: JSON.stringify(template(retention, environment)),
    template: template(retention, environment),
    stackTags: {},
  });

  it('reports them as "may replace", one step below a certain replacement outside production', () => {
    const result = findDestructiveChanges([stack(14, 'dev')], [stack(7, 'dev')], production);
    expect(result.changes[0]).toMatchObject({
      action: 'replace',
      conditional: true,
      causes: ['BackupRetentionPeriod (may)'],
    });
    const [finding] = changeFindings(result.changes);
    expect(finding.severity).toBe('medium');
    expect(finding.title).toBe('May replace AWS::RDS::DBInstance Db');
  });

  it('keeps a production database critical when it only may be replaced', () => {
    const [finding] = changeFindings(findDestructiveChanges([stack(14)], [stack(7)], production).changes);
    expect(finding.severity).toBe('critical');
  });
});
