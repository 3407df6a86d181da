// Taking production's backups away is the first half of a destruction in two steps: a backup selection that
// selected production resources removed, or pointed elsewhere, and a backup plan that backs them up cut to a
// shorter retention. None of these resources holds data or carries the production tag itself.
import { gate, prodTags, table } from './gate-helpers';

const plan = (deleteAfterDays = 35) => ({
  Type: 'AWS::Backup::BackupPlan',
  Properties: {
    BackupPlan: {
      BackupPlanName: 'daily',
      BackupPlanRule: [
        {
          RuleName: 'daily',
          TargetBackupVault: 'vault',
          ScheduleExpression: 'cron(0 5 * * ? *)',
          Lifecycle: { DeleteAfterDays: deleteAfterDays },
        },
      ],
    },
  },
});
const selection = (body: object) => ({
  Type: 'AWS::Backup::BackupSelection',
  Properties: {
    BackupPlanId: { Ref: 'Plan' },
    BackupSelection: { SelectionName: 'chosen', IamRoleArn: 'arn:aws:iam::111122223333:role/backup', ...body },
  },
});
const byTag = (value: string) => ({
  ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'environment', ConditionValue: value }],
});
const template = (resources: Record<string, unknown>) => ({ Resources: { Plan: plan(), ...resources } });
const orders = table({ Tags: prodTags });

describe('the gate on production backups', () => {
  it.each([
    ['a tag condition on the production value', byTag('production')],
    [
      'a Conditions StringLike that matches it',
      { Conditions: { StringLike: [{ ConditionKey: 'aws:ResourceTag/environment', ConditionValue: 'prod*' }] } },
    ],
    ['every resource', { Resources: ['*'] }],
    ['every table', { Resources: ['arn:aws:dynamodb:*:*:table/*'] }],
    ['the production table by reference', { Resources: [{ 'Fn::GetAtt': ['Orders', 'Arn'] }] }],
    ['a tag value only deployment knows', byTag({ Ref: 'Environment' } as unknown as string)],
  ])('stops a removed selection of %s (critical)', (_, body) => {
    const before = template({ Orders: orders, Selection: selection(body) });
    const [finding] = gate(before, template({ Orders: orders }));
    expect(finding).toMatchObject({ severity: 'critical', details: { logicalId: 'Selection', action: 'delete' } });
    expect(finding.message).toMatch(/backed up production .* is removed/);
  });

  it('stops a selection pointed away from production, and lets one that never selected it go', () => {
    const [moved] = gate(
      template({ Selection: selection(byTag('production')) }),
      template({ Selection: selection(byTag('dev')) }),
    );
    expect(moved).toMatchObject({ severity: 'critical', details: { action: 'modify' } });
    expect(moved.message).toContain('no longer selects them');
    expect(gate(template({ Selection: selection(byTag('dev')) }), template({}))).toEqual([]);
  });

  it('keeps quiet when another selection rule still selects production', () => {
    const both = { ListOfTags: [...byTag('dev').ListOfTags, ...byTag('production').ListOfTags] };
    expect(
      gate(template({ Selection: selection(byTag('production')) }), template({ Selection: selection(both) })),
    ).toEqual([]);
  });

  it("makes a backup plan's shorter retention critical when its selection backs up production", () => {
    const chosen = { Selection: selection(byTag('production')) };
    const shorter = { Resources: { ...template(chosen).Resources, Plan: plan(1) } };
    const findings = gate(template(chosen), shorter).filter((f) => f.location?.logicalId === 'Plan');
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
    expect(findings[0].message).toContain(
      'it backs up production: selection Selection selects resources tagged environment=production',
    );
    const dev = { Selection: selection(byTag('dev')) };
    const shorterDev = { Resources: { ...template(dev).Resources, Plan: plan(1) } };
    expect(gate(template(dev), shorterDev).map((f) => f.severity)).toEqual(['low']);
  });
});

describe('Data Lifecycle Manager policies: snapshots of production kept for less', () => {
  const dlm = (retain: object, target = 'production', state = 'ENABLED') => ({
    Type: 'AWS::DLM::LifecyclePolicy',
    Properties: {
      Description: 'ebs',
      State: state,
      ExecutionRoleArn: 'arn:aws:iam::111122223333:role/dlm',
      PolicyDetails: {
        ResourceTypes: ['VOLUME'],
        TargetTags: [{ Key: 'environment', Value: target }],
        Schedules: [{ Name: 'daily', CreateRule: { Interval: 24, IntervalUnit: 'HOURS' }, RetainRule: retain }],
      },
    },
  });
  const change = (before: object, after: object) =>
    gate({ Resources: { Snapshots: before } }, { Resources: { Snapshots: after } }).map((f) => [
      f.ruleId,
      f.severity,
      f.message,
    ]);

  it('a count or an age cut on a policy whose TargetTags select production: critical, saying what is deleted', () => {
    const [count] = change(dlm({ Count: 14 }), dlm({ Count: 1 }));
    expect(count.slice(0, 2)).toEqual(['data-destroying-setting', 'critical']);
    expect(count[2]).toContain('the fewest kept cut from 14 snapshots to 1 snapshot');
    expect(count[2]).toContain('snapshots production: its TargetTags select environment=production');
    const [age] = change(dlm({ Interval: 2, IntervalUnit: 'WEEKS' }), dlm({ Interval: 3, IntervalUnit: 'DAYS' }));
    expect(age[2]).toContain('the shortest kept cut from 14 days to 3 days');
  });

  it('a TargetTags value only deployment knows, or a lookalike of production, may select production: critical', () => {
    const target = (value: unknown) => dlm({ Count: 14 }, value as string);
    const severity = (value: unknown) =>
      change(target(value), {
        ...target(value),
        Properties: { ...target(value).Properties, State: 'DISABLED' },
      })[0]?.[1];
    expect(severity({ Ref: 'Env' })).toBe('critical');
    expect(severity('Production ')).toBe('critical');
    expect(severity('dev')).toBe('low');
  });

  it('low when it snapshots no production resource; nothing when kept as long or longer, or unknown', () => {
    expect(change(dlm({ Count: 14 }, 'dev'), dlm({ Count: 1 }, 'dev')).map((f) => f[1])).toEqual(['low']);
    expect(change(dlm({ Count: 14 }), dlm({ Count: 30 }))).toEqual([]);
    expect(change(dlm({ Count: 14 }), dlm({ Count: { Ref: 'Keep' } }))).toEqual([]);
  });

  it('the policy switched off: no more snapshots of production', () => {
    const [off] = change(dlm({ Count: 14 }), dlm({ Count: 14 }, 'production', 'DISABLED'));
    expect(off.slice(0, 2)).toEqual(['data-destroying-setting', 'critical']);
    expect(off[2]).toContain('the lifecycle policy (no more snapshots) switched off (State)');
  });
});
