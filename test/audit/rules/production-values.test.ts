// Every production tag value is its own question where a policy tells values apart: the guardrails count
// `prod`, `Production` and `PRODUCTION` as production (they compare ignoring case), so a Deny that compares
// one value, case-sensitively, is no guard for the others.
import * as canChangeTag from '../../../lib/audit/rules/can-change-production-tag';
import * as canDelete from '../../../lib/audit/rules/can-delete-production';
import * as canDisarm from '../../../lib/audit/rules/can-disarm-production';
import * as agentWrite from '../../../lib/audit/rules/agent-can-write-production';
import * as weakBoundary from '../../../lib/audit/rules/weak-boundary';
import { statesText } from '../../../lib/audit/rules/support/writes';
import { createAccountAnalysis } from '../../../lib/audit/rules/support/analysis';
import { compileAccount } from '../../../lib/audit/evaluate';
import { LeashConfig } from '../../../lib/config/schema';
import { about, allow, catalog, deny, doc, FULL_ACCESS_LEVEL, run, snapshot, type AccountSpec } from './helpers';

const onEnvironment = (operator: string, values: string | string[]) => ({
  Condition: { [operator]: { 'aws:ResourceTag/environment': values } },
});
const scpDeny = (actions: string | string[], operator: string, values: string | string[]) => [
  FULL_ACCESS_LEVEL([{ name: 'protect', document: doc(deny(actions, '*', onEnvironment(operator, values))) }]),
];
const dba = { name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] };

describe('production tag values', () => {
  it('an SCP that denies only "production" leaves resources tagged "prod" deletable', () => {
    const [finding] = about(
      run(canDelete, {
        principals: [dba],
        scps: scpDeny('rds:DeleteDBInstance', 'StringEqualsIgnoreCase', 'production'),
      }),
      'dba',
    );
    expect(finding).toMatchObject({ severity: 'critical', details: { productionTag: 'environment=prod' } });
    expect(finding.message).toContain('can delete or recreate resources tagged environment=prod:');
  });

  it('a case-sensitive SCP deny of every configured value leaves another casing deletable, and says why', () => {
    const scps = scpDeny('rds:DeleteDBInstance', 'StringEquals', ['production', 'prod']);
    const [finding] = about(run(canDelete, { principals: [dba], scps }), 'dba');
    expect(finding.severity).toBe('critical');
    expect(finding.details?.productionTag).toMatch(/^environment=(PRODUCTION|Production|PROD|Prod|pRoDuCtIoN|pRoD)$/);
    expect(finding.message).toContain('a condition that compares them case-sensitively does not match it');
  });

  it.each([
    ['StringEqualsIgnoreCase', ['production', 'prod']],
    ['StringLike', ['*']],
    ['StringEqualsIgnoreCase', ['PRODUCTION', 'Prod']],
  ])('a deny that matches every casing of every value (%s %j) is a guard', (operator, values) => {
    expect(run(canDelete, { principals: [dba], scps: scpDeny('rds:DeleteDBInstance', operator, values) })).toEqual([]);
  });

  it('a grant only on a production value other than the first is found', () => {
    const principals = [
      { name: 'dba', policies: [doc(allow('rds:DeleteDBInstance', '*', onEnvironment('StringEquals', 'prod')))] },
    ];
    const [finding] = about(run(canDelete, { principals, scps: [FULL_ACCESS_LEVEL()] }), 'dba');
    expect(finding).toMatchObject({ severity: 'critical', details: { productionTag: 'environment=prod' } });
  });

  it('a grant only on a non-production value is no finding', () => {
    const principals = [
      {
        name: 'dba',
        policies: [doc(allow('rds:DeleteDBInstance', '*', onEnvironment('StringEqualsIgnoreCase', 'DEV')))],
      },
    ];
    expect(run(canDelete, { principals, scps: [FULL_ACCESS_LEVEL()] })).toEqual([]);
  });

  it('reads a policy variable with the principal tags: a deny outside its own environment guards a dev role only', () => {
    const isolated = (environment: string) => ({
      name: `${environment}-ops`,
      tags: { environment },
      policies: [
        doc(
          allow('rds:DeleteDBInstance'),
          deny('*', '*', onEnvironment('StringNotEquals', '${aws:PrincipalTag/environment}')),
        ),
      ],
    });
    const findings = run(canDelete, { principals: [isolated('dev'), isolated('prod')], scps: [FULL_ACCESS_LEVEL()] });
    expect(about(findings, 'dev-ops')).toEqual([]);
    expect(about(findings, 'prod-ops')).toMatchObject([{ details: { productionTag: 'environment=prod' } }]);
  });

  it('can-disarm-production and can-change-production-tag ask the same values', () => {
    const principals = [{ name: 'ops', policies: [doc(allow(['dynamodb:UpdateTable', 'dynamodb:UntagResource']))] }];
    const scps = scpDeny(['dynamodb:UpdateTable', 'dynamodb:UntagResource'], 'StringEquals', 'production');
    const [disarm] = about(run(canDisarm, { principals, scps }), 'ops');
    expect(disarm).toMatchObject({ severity: 'high', details: { productionTag: 'environment=prod' } });
    const [retag] = about(run(canChangeTag, { principals, scps }), 'ops');
    expect(retag).toMatchObject({ severity: 'high', details: { productionTag: 'environment=prod' } });
    expect(retag.message).toContain('can change or remove the tag environment=prod on production resources');
  });

  it('a tag deny that lists the non-production values still lets the tag be rewritten to an unlisted one', () => {
    const principals = [{ name: 'ops', policies: [doc(allow('dynamodb:TagResource'))] }];
    const denyRewrites = (operator: string, values: string[]) => [
      FULL_ACCESS_LEVEL([
        {
          name: 'protect-tag',
          document: doc(
            deny('dynamodb:TagResource', '*', {
              Condition: {
                StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] },
                [operator]: { 'aws:RequestTag/environment': values },
              },
            }),
          ),
        },
      ]),
    ];
    // Denied: a rewrite to any listed non-production value, whatever its case. Not denied: `qa`, a typo.
    const listed = run(canChangeTag, {
      principals,
      scps: denyRewrites('StringEqualsIgnoreCase', ['dev', 'development', 'test', 'sandbox', 'staging']),
    });
    expect(about(listed, 'ops')).toMatchObject([
      { severity: 'high', details: { productionTag: 'environment=production' } },
    ]);
    // Only production values may be written: every rewrite away is denied.
    const onlyProduction = run(canChangeTag, {
      principals,
      scps: denyRewrites('StringNotEqualsIgnoreCase', ['production', 'prod']),
    });
    expect(about(onlyProduction, 'ops')).toEqual([]);
  });

  it('a tag deny that compares the new value case-sensitively lets "DEV" through', () => {
    const principals = [{ name: 'ops', policies: [doc(allow('dynamodb:TagResource'))] }];
    const scps = [
      FULL_ACCESS_LEVEL([
        {
          name: 'protect-tag',
          document: doc(
            deny('dynamodb:TagResource', '*', {
              Condition: {
                StringEquals: {
                  'aws:RequestTag/environment': ['dev', 'development', 'test', 'sandbox', 'staging', 'unlisted'],
                },
              },
            }),
          ),
        },
      ]),
    ];
    expect(about(run(canChangeTag, { principals, scps }), 'ops')).toMatchObject([{ severity: 'high' }]);
  });

  it('weak-boundary reports a boundary whose deny names one value case-sensitively', () => {
    const boundary = doc(allow('*'), deny('rds:DeleteDBInstance', '*', onEnvironment('StringEquals', 'production')));
    const [finding] = run(weakBoundary, {
      principals: [{ name: 'ops', boundary: 'boundary', policies: [doc(allow('*'))] }],
      managed: { boundary },
    });
    expect(finding.message).toContain('delete/recreate action(s) on resources tagged environment=prod (');
  });

  it('an agent whose boundary guards "production" and untagged resources still writes to "prod" ones', () => {
    const boundary = doc(
      allow('*'),
      deny('*', '*', onEnvironment('StringEquals', 'production')),
      deny('*', '*', { Condition: { Null: { 'aws:ResourceTag/environment': 'true' } } }),
    );
    const findings = run(agentWrite, {
      principals: [
        { name: 'agent', tags: { 'leash:agent': 'true' }, boundary: 'boundary', policies: [doc(allow('rds:*'))] },
      ],
      managed: { boundary },
    });
    const byTag = about(findings, 'agent').find((f) => f.details?.recognisedBy === 'agent principal tag');
    expect(byTag?.severity).toBe('critical');
    // "prod" stands for every value the boundary's deny misses ("PRODUCTION", "Prod", ...).
    expect(byTag?.message).toContain('it can write to resources tagged environment=prod or (any other value): ');
    expect(byTag?.details?.resourceStates).not.toContain('tagged environment=production');
  });

  it('an agent boundary that denies production and untagged resources still lets the agent write to a misspelt tag', () => {
    // A denylist of production values: "prodution", "qa", "PROD " are none of them, and the agent writes there.
    const boundary = doc(
      allow('*'),
      deny('*', '*', onEnvironment('StringEqualsIgnoreCase', ['production', 'prod'])),
      deny('*', '*', { Condition: { Null: { 'aws:ResourceTag/environment': 'true' } } }),
    );
    const findings = run(agentWrite, {
      principals: [
        { name: 'agent', tags: { 'leash:agent': 'true' }, boundary: 'boundary', policies: [doc(allow('rds:*'))] },
      ],
      managed: { boundary },
    });
    const byTag = about(findings, 'agent').find((f) => f.details?.recognisedBy === 'agent principal tag');
    expect(byTag?.severity).toBe('critical');
    expect(byTag?.details?.resourceStates).toEqual(['tagged environment=(any other value)']);
    expect(byTag?.message).toContain('it can write to resources tagged environment=(any other value): ');
  });

  it('an agent boundary that allows only non-production values is no finding', () => {
    const devRequest = { 'aws:RequestTag/environment': 'dev' };
    const byTag = (boundary: unknown) =>
      about(
        run(agentWrite, {
          principals: [
            { name: 'agent', tags: { 'leash:agent': 'true' }, boundary: 'boundary', policies: [doc(allow('rds:*'))] },
          ],
          managed: { boundary },
        }),
        'agent',
      ).filter((f) => f.details?.recognisedBy === 'agent principal tag');
    const onNonProduction = allow('*', '*', onEnvironment('StringEqualsIgnoreCase', ['dev', 'test']));
    // Any request that sends environment=dev: the agent re-tags a production database dev with it.
    const [retag] = byTag(doc(onNonProduction, allow('*', '*', { Condition: { StringEqualsIgnoreCase: devRequest } })));
    expect(retag).toMatchObject({
      severity: 'critical',
      details: { callerPicks: ['sending the tags environment=dev'] },
    });
    expect(retag.details?.allowed).toContain('rds:AddTagsToResource');
    // Only creates of new resources tagged dev, and tag writes only on resources already tagged non-production.
    const newOnly = allow('rds:Create*', '*', {
      Condition: { StringEqualsIgnoreCase: devRequest, Null: { 'aws:ResourceTag/environment': 'true' } },
    });
    const tagWrites = deny(['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'], '*', {
      Condition: { StringNotEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['dev', 'test'] } },
    });
    expect(byTag(doc(onNonProduction, newOnly, tagWrites))).toEqual([]);
  });

  it('names the values of one key together in a message', () => {
    expect(
      statesText(['tagged environment=production', 'tagged environment=prod', 'tagged stage=prod', 'untagged']),
    ).toBe('tagged environment=production or prod and tagged stage=prod and untagged');
    expect(statesText(['tagged a=1', 'tagged a=2', 'tagged a=3'])).toBe('tagged a=1, 2 or 3');
  });

  describe('questions asked', () => {
    const questions = (spec: AccountSpec, config: unknown = {}) => {
      const snap = snapshot(spec);
      const guardrails = LeashConfig.parse(config).guardrails;
      return createAccountAnalysis(snap, compileAccount(snap, catalog), catalog, guardrails);
    };

    it('one per key where no policy compares the tag: the cost of an account without such conditions is unchanged', () => {
      const analysis = questions(
        { principals: [dba] },
        { guardrails: { production: { tagKeys: ['environment', 'stage'] } } },
      );
      expect(analysis.productionTags().map((t) => t.text)).toEqual(['environment=production', 'stage=production']);
      expect(analysis.productionTags(analysis.principals[0]).map((t) => t.text)).toEqual([
        'environment=production',
        'stage=production',
      ]);
    });

    it('per principal: only the principal whose policies compare the value is asked more than one', () => {
      const analysis = questions({
        principals: [
          dba,
          { name: 'careful', policies: [doc(allow('*'), deny('*', '*', onEnvironment('StringEquals', 'production')))] },
        ],
      });
      const [plain, careful] = analysis.principals;
      expect(analysis.productionTags(plain).map((t) => t.value)).toEqual(['production']);
      // "production" is matched; "prod" and every other casing are not: two groups, the first value of each asked.
      expect(analysis.productionTags(careful).map((t) => t.value)).toEqual(['production', 'prod']);
    });

    it('values one condition lists together are answered alike: one is asked for them all', () => {
      const nonProduction = ['dev', 'development', 'test', 'sandbox', 'staging'];
      const rewriteOnly = (values: string[]) =>
        deny('ec2:CreateTags', '*', {
          Condition: { StringNotEqualsIgnoreCase: { 'aws:RequestTag/environment': values } },
        });
      const analysis = questions({
        principals: [
          { name: 'one-list', policies: [doc(allow('*'), rewriteOnly(nonProduction))] },
          { name: 'two-lists', policies: [doc(allow('*'), rewriteOnly(['dev', 'test']), rewriteOnly(['dev']))] },
        ],
        scps: scpDeny('*', 'StringEqualsIgnoreCase', ['production', 'prod']),
      });
      const [oneList, twoLists] = analysis.principals;
      // `production` and `prod` are both in the SCP's list: one tag is asked for both.
      expect(analysis.productionTags(oneList).map((t) => t.value)).toEqual(['production']);
      // Every listed value, then one no list names.
      expect(analysis.rewriteValues(oneList, 'environment')).toEqual(['dev', 'unlisted']);
      // `test` is in one list and not the other, `dev` in both: each answered otherwise, each asked.
      expect(analysis.rewriteValues(twoLists, 'environment')).toEqual(['dev', 'development', 'test']);
    });

    it('an organization policy that compares the value asks it of every principal', () => {
      const analysis = questions({ principals: [dba], scps: scpDeny('*', 'StringEqualsIgnoreCase', 'prod') });
      expect(analysis.productionTags(analysis.principals[0]).map((t) => t.value)).toEqual(['production', 'prod']);
    });
  });
});
