import * as rule from '../../../lib/audit/rules/can-change-production-tag';
import { about, allow, deny, doc, FULL_ACCESS_LEVEL, run } from './helpers';

describe('can-change-production-tag', () => {
  it('reports a principal that may untag production EC2 instances', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'tagger', policies: [doc(allow(['ec2:CreateTags', 'ec2:DeleteTags']))] }],
    });
    expect(finding.severity).toBe('high');
    expect(finding.details?.allowed).toEqual(expect.arrayContaining(['ec2:CreateTags', 'ec2:DeleteTags']));
  });

  it('under a region deny SCP, is allowed in a region the SCP lets the request name, and says which', () => {
    const regions = doc(
      deny('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } }),
    );
    const scps = [FULL_ACCESS_LEVEL([{ name: 'regions', document: regions }])];
    const [finding] = run(rule, {
      principals: [{ name: 'tagger', policies: [doc(allow(['ec2:CreateTags', 'ec2:DeleteTags']))] }],
      scps,
    });
    expect(finding).toMatchObject({ severity: 'high', details: { dependsCount: 0, requestedRegion: 'eu-west-1' } });
    expect(finding.message).toContain('on production resources in eu-west-1');
  });

  it('rewrites the tag once it claims the resource with another tag it may write (owner=agent), and says so', () => {
    // Untagging only on resources the agent owns; adding only its owner tag, and no other key.
    const untagOwned = allow('ec2:DeleteTags', '*', {
      Condition: { StringEquals: { 'aws:ResourceTag/owner': 'agent' } },
    });
    const claim = allow('ec2:CreateTags', '*', {
      Condition: {
        StringEquals: { 'aws:RequestTag/owner': 'agent' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['owner'] },
      },
    });
    const found = (...statements: object[]) =>
      about(run(rule, { principals: [{ name: 'agent', policies: [doc(...statements)] }] }), 'agent');
    const [claimed] = found(untagOwned, claim);
    expect(claimed).toMatchObject({
      severity: 'high',
      details: { allowedCount: 1, tagFirst: { tags: { owner: 'agent' }, tagActions: ['ec2:CreateTags'] } },
    });
    expect(claimed.message).toContain('once it tags the resource owner=agent first (ec2:CreateTags)');
    // Without the claim it depends on who owns the resource.
    const [unclaimed] = found(untagOwned);
    expect(unclaimed).toMatchObject({ severity: 'medium', details: { allowedCount: 0, dependsCount: 1 } });
    expect(unclaimed.details).not.toHaveProperty('tagFirst');
  });

  it('says nothing when tagging the production key is denied by aws:TagKeys', () => {
    const policy = doc(
      allow(['ec2:CreateTags', 'ec2:DeleteTags']),
      deny(['ec2:CreateTags', 'ec2:DeleteTags'], '*', {
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment'] } },
      }),
    );
    expect(run(rule, { principals: [{ name: 'tagger', policies: [policy] }] })).toEqual([]);
  });

  it('says nothing when tagging is only allowed on non-production resources', () => {
    const policy = doc(
      allow(['ec2:CreateTags', 'ec2:DeleteTags'], '*', {
        Condition: { StringEquals: { 'aws:ResourceTag/environment': 'dev' } },
      }),
    );
    expect(run(rule, { principals: [{ name: 'tagger', policies: [policy] }] })).toEqual([]);
  });

  it('honours a custom production tag key from the config', () => {
    const findings = run(
      rule,
      { principals: [{ name: 'tagger', policies: [doc(allow('rds:RemoveTagsFromResource'))] }] },
      { guardrails: { production: { tagKeys: ['stage'], values: ['live'] } } },
    );
    expect(findings[0].details?.tagKey).toBe('stage');
  });

  it('asks under every production tag key: a deny that guards only the first key leaves the second open', () => {
    const policy = doc(
      allow(['ec2:CreateTags', 'ec2:DeleteTags']),
      deny(['ec2:CreateTags', 'ec2:DeleteTags'], '*', {
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment'] } },
      }),
    );
    const config = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production'] } } };
    const [finding] = run(rule, { principals: [{ name: 'tagger', policies: [policy] }] }, config);
    expect(finding).toMatchObject({ severity: 'high', details: { tagKey: 'stage' } });
    expect(finding.message).toContain('stage=production');
  });

  it('asks a production resource the snapshot knows by ARN with its tags: a grant on the ARN is certain', () => {
    const bucket = 'arn:aws:s3:::acme-data';
    const spec = (environment: string) => ({
      principals: [{ name: 'dev', policies: [doc(allow('s3:PutBucketTagging', bucket))] }],
      resources: [{ arn: bucket, tags: { Environment: environment } }],
    });
    const [finding] = about(run(rule, spec('production')), 'dev');
    expect(finding).toMatchObject({ severity: 'high', details: { productionArn: bucket, allowedCount: 1 } });
    expect(finding.message).toContain(`on production resource ${bucket}`);
    // Tagged dev: only the tag questions, where the grant depends on the resource.
    expect(about(run(rule, spec('dev')), 'dev')).toMatchObject([{ severity: 'medium' }]);
  });

  it('rewrites the tag in a call that also sends what a tag grant asks for (aws:RequestTag, aws:TagKeys)', () => {
    for (const [condition, sent] of [
      [{ StringEquals: { 'aws:RequestTag/owner': 'agent' } }, 'owner=agent'],
      [{ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['cost'] } }, 'cost='],
    ] as const) {
      const grant = allow('ec2:CreateTags', '*', { Condition: condition });
      const [finding] = about(run(rule, { principals: [{ name: 'tagger', policies: [doc(grant)] }] }), 'tagger');
      expect(finding).toMatchObject({ severity: 'high', details: { allowed: ['ec2:CreateTags'] } });
      expect(finding.message).toContain(`sending the tags ${sent}`);
      expect(finding.message).toContain('the tags it sends are its pick');
    }
  });

  it("sends those tags in a region a region deny SCP lets through: both are the caller's pick", () => {
    const regions = doc(
      deny('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } }),
    );
    const grant = allow('ec2:CreateTags', '*', { Condition: { StringEquals: { 'aws:RequestTag/owner': 'agent' } } });
    const [finding] = about(
      run(rule, {
        principals: [{ name: 'tagger', policies: [doc(grant)] }],
        scps: [FULL_ACCESS_LEVEL([{ name: 'regions', document: regions }])],
      }),
      'tagger',
    );
    expect(finding).toMatchObject({ severity: 'high', details: { allowed: ['ec2:CreateTags'] } });
    expect(finding.message).toContain('in eu-west-1, sending the tags owner=agent');
  });
});
