// Taking a safety catch off a production resource leaves it standing, so can-delete-production never saw it:
// deletion protection off, backup retention cut, versioning suspended. This rule says who can.
import * as rule from '../../../lib/audit/rules/can-disarm-production';
import { about, allow, deny, doc, FULL_ACCESS_LEVEL, run } from './helpers';

const productionDeny = (actions: string[]) =>
  doc(
    deny(actions, '*', {
      Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
    }),
  );

describe('can-disarm-production', () => {
  it.each([
    ['rds:ModifyDBInstance'],
    ['dynamodb:UpdateTable'],
    ['s3:PutBucketVersioning'],
    ['kms:DisableKey'],
    // the bucket policy may hold the Deny that keeps the bucket's objects safe
    ['s3:DeleteBucketPolicy'],
    ['secretsmanager:PutResourcePolicy'],
  ])('reports a principal allowed %s on production, with the SCPs that do not stop it', (action) => {
    const findings = run(rule, { principals: [{ name: 'ops', policies: [doc(allow(action))] }] });
    const [finding] = about(findings, 'ops');
    expect(finding).toMatchObject({ ruleId: 'can-disarm-production', severity: 'high' });
    expect(finding.details?.allowed).toEqual([action]);
    expect(finding.message).toContain('SCPs were not read');
  });

  it('leaves tag changes to can-change-production-tag and deletes to can-delete-production', () => {
    const policies = [doc(allow(['rds:AddTagsToResource', 'rds:RemoveTagsFromResource', 'rds:DeleteDBInstance']))];
    expect(run(rule, { principals: [{ name: 'dba', policies }] })).toEqual([]);
  });

  it('says nothing when an SCP denies it on production-tagged resources', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['dynamodb:UpdateTable']) }])];
    expect(run(rule, { principals: [{ name: 'app', policies: [doc(allow('dynamodb:UpdateTable'))] }], scps })).toEqual(
      [],
    );
  });

  it('asks under every production tag key: an SCP that guards only the first key leaves the second open', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['dynamodb:UpdateTable']) }])];
    const spec = { principals: [{ name: 'ops', policies: [doc(allow('dynamodb:UpdateTable'))] }], scps };
    const config = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production'] } } };
    const [finding] = about(run(rule, spec, config), 'ops');
    expect(finding).toMatchObject({ severity: 'high', details: { productionTag: 'stage=production' } });
  });

  it('under a region deny SCP, is allowed in a region the SCP lets the request name, and says which', () => {
    const regions = doc(
      deny('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } } }),
    );
    const scps = [FULL_ACCESS_LEVEL([{ name: 'regions', document: regions }])];
    const [finding] = about(
      run(rule, { principals: [{ name: 'ops', policies: [doc(allow('kms:DisableKey'))] }], scps }),
      'ops',
    );
    expect(finding).toMatchObject({
      severity: 'high',
      details: { allowed: ['kms:DisableKey'], dependsCount: 0, requestedRegion: 'eu-west-1' },
    });
    expect(finding.message).toContain('resources tagged environment=production in eu-west-1');
  });

  it('switches a protection off once it tags the resource as a guard on another tag asks, where it may tag it', () => {
    const guard = doc(
      deny('rds:ModifyDBInstance', '*', { Condition: { StringNotEquals: { 'aws:ResourceTag/change-ok': 'yes' } } }),
    );
    const found = (actions: string[]) =>
      about(
        run(rule, {
          principals: [{ name: 'dba', policies: [doc(allow(actions))] }],
          scps: [FULL_ACCESS_LEVEL([{ name: 'change-ok', document: guard }])],
        }),
        'dba',
      );
    const [tags] = found(['rds:ModifyDBInstance', 'rds:AddTagsToResource']);
    expect(tags).toMatchObject({
      severity: 'high',
      details: { allowedCount: 1, tagFirst: { tags: { 'change-ok': 'yes' } } },
    });
    expect(tags.message).toContain('once it tags the resource change-ok=yes first (rds:AddTagsToResource)');
    const [cannot] = found(['rds:ModifyDBInstance']);
    expect(cannot).toMatchObject({ severity: 'medium', details: { allowedCount: 0, dependsCount: 1 } });
  });

  it('rates an exempt principal info', () => {
    const findings = run(
      rule,
      { principals: [{ name: 'pipeline', policies: [doc(allow('rds:ModifyDBCluster'))] }] },
      { guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:role/pipeline'] } },
    );
    expect(about(findings, 'pipeline').map((f) => f.severity)).toEqual(['info']);
  });
});

describe('can-disarm-production through another principal', () => {
  it('reports a principal that can assume a role that switches protections off, with the path', () => {
    const trust = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'sts:AssumeRole',
    });
    const findings = run(rule, {
      principals: [
        { name: 'dev', kind: 'user', policies: [doc(allow('sts:AssumeRole', 'arn:aws:iam::111122223333:role/dba'))] },
        { name: 'dba', trust, policies: [doc(allow('rds:ModifyDBInstance'))] },
      ],
    });
    const [finding] = about(findings, 'dev');
    expect(finding).toMatchObject({
      severity: 'high',
      details: { transitive: true, productionTag: 'environment=production' },
    });
    expect(finding.message).toContain('through another principal: user/dev → assume role/dba → rds:ModifyDBInstance');
  });

  describe('a production resource known by ARN', () => {
    const bucket = 'arn:aws:s3:::acme-data';
    const suspends = { name: 'dev', policies: [doc(allow('s3:PutBucketVersioning', bucket))] };

    it('reads a grant on it as certain when the config names the ARN', () => {
      expect(about(run(rule, { principals: [suspends] }), 'dev')).toMatchObject([{ severity: 'medium' }]);
      const [finding] = about(
        run(rule, { principals: [suspends] }, { guardrails: { production: { arns: [bucket] } } }),
        'dev',
      );
      expect(finding).toMatchObject({ severity: 'high', details: { productionArn: bucket, allowedCount: 1 } });
      expect(finding.message).toContain(`production resource ${bucket}`);
    });

    it('reads a grant on it as certain when the snapshot tags it production, and not when it tags it dev', () => {
      const withTags = (environment: string) =>
        about(run(rule, { principals: [suspends], resources: [{ arn: bucket, tags: { environment } }] }), 'dev');
      expect(withTags('production')).toMatchObject([{ severity: 'high', details: { productionArn: bucket } }]);
      expect(withTags('dev')).toMatchObject([
        { severity: 'medium', details: { productionTag: 'environment=production' } },
      ]);
    });
  });
});
