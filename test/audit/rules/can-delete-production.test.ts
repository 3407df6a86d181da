import * as rule from '../../../lib/audit/rules/can-delete-production';
import { auditAccount } from '../../../lib/audit/audit';
import { PrincipalEvaluator } from '../../../lib/audit/evaluate/evaluator';
import { sarifLog } from '../../../lib/audit/report/sarif';
import { reportInput } from '../report/fixtures';
import type { Finding } from '../../../lib/audit/rules/types';
import {
  about,
  catalog,
  allow,
  deny,
  doc,
  FULL_ACCESS_LEVEL,
  policyArn,
  REGION_DENY_LEVEL,
  roleArn,
  run,
  serviceTrust,
  snapshot,
  type PrincipalSpec,
} from './helpers';

const serviceTrustDoc = () => serviceTrust('lambda.amazonaws.com');

const productionDeny = (actions: string[]) =>
  doc(
    deny(actions, '*', {
      Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
    }),
  );

describe('can-delete-production', () => {
  it('reports a principal allowed rds:DeleteDBInstance on any resource, naming the missing boundary', () => {
    const findings = run(rule, { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }] });
    const [finding] = about(findings, 'dba');
    expect(finding.severity).toBe('critical');
    expect(finding.details?.allowed).toEqual(['rds:DeleteDBInstance']);
    expect(finding.message).toContain('no permissions boundary');
    expect(finding.message).toContain('SCPs were not read');
    expect(finding.evidence[0]).toMatchObject({ policyKind: 'inline', statementIndex: 0 });
  });

  it.each([
    ['every session of the role', 'arn:aws:sts::*:assumed-role/dba/*', 'info'],
    // aws:PrincipalArn of a session is the role's ARN: a pattern naming one session exempts nobody in AWS.
    ['one session of the role', 'arn:aws:sts::*:assumed-role/dba/alice', 'critical'],
  ])('counts an exemption of %s as AWS matches it (%s: %s)', (_what, pattern, severity) => {
    const findings = run(
      rule,
      { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }] },
      { guardrails: { exemptPrincipalArns: [pattern] } },
    );
    expect(about(findings, 'dba').map((f) => f.severity)).toEqual([severity]);
  });

  it('answers an SCP deny on aws:userid from the unique ids: a session of a listed role is let through', () => {
    // AWS's pattern for "only these principals": deny unless aws:userid is one of them (a role's id, then `:*`).
    const onlyOps = doc(
      deny('rds:DeleteDBInstance', '*', {
        Condition: { StringNotLike: { 'aws:userid': ['AROAOPS00000000000001:*', 'AIDAALICE000000000001'] } },
      }),
    );
    const holds = [doc(allow('rds:DeleteDBInstance'))];
    const findings = run(rule, {
      principals: [
        { name: 'ops', uniqueId: 'AROAOPS00000000000001', policies: holds },
        { name: 'dba', uniqueId: 'AROADBA00000000000001', policies: holds },
        { name: 'alice', kind: 'user', uniqueId: 'AIDAALICE000000000001', policies: holds },
        { name: 'bob', kind: 'user', uniqueId: 'AIDABOB00000000000001', policies: holds },
      ],
      scps: [FULL_ACCESS_LEVEL([{ name: 'only-ops', document: onlyOps }])],
    });
    expect(about(findings, 'ops').map((f) => f.severity)).toEqual(['critical']);
    expect(about(findings, 'alice').map((f) => f.severity)).toEqual(['critical']);
    expect(about(findings, 'dba')).toEqual([]);
    expect(about(findings, 'bob')).toEqual([]);
  });

  it.each([
    // AWS's example SCP for centralized root access: it aims at root sessions only.
    ['aws:AssumedRoot', { Bool: { 'aws:AssumedRoot': 'true' } }, 'critical', 'critical'],
    // A role only Lambda assumes has no source identity (its trust allows no sts:SetSourceIdentity): a fact.
    ['aws:SourceIdentity', { StringLike: { 'aws:SourceIdentity': 'admin-*' } }, 'critical', 'critical'],
    ['aws:FederatedProvider', { StringEquals: { 'aws:FederatedProvider': 'accounts.google.com' } }, 'critical', 'high'],
    // Credentials EC2 delivers to an instance carry its VPC: a Deny of them used outside it (a data perimeter).
    [
      'aws:ec2InstanceSourceVpc',
      {
        StringNotEquals: { 'aws:ec2InstanceSourceVpc': 'vpc-1' },
        Null: { 'aws:ec2InstanceSourceVpc': 'false' },
      },
      'critical',
      'high',
    ],
  ])(
    'reads an SCP deny on %s, which no IAM user sends, as not stopping users (and roles by how the session was made)',
    (_key, condition, userSeverity, roleSeverity) => {
      const findings = run(rule, {
        principals: [
          { name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] },
          { name: 'alice', kind: 'user', policies: [doc(allow('rds:DeleteDBInstance'))] },
        ],
        scps: [
          FULL_ACCESS_LEVEL([
            { name: 'sessions', document: doc(deny('rds:DeleteDBInstance', '*', { Condition: condition })) },
          ]),
        ],
      });
      expect(about(findings, 'alice').map((f) => f.severity)).toEqual([userSeverity]);
      expect(about(findings, 'dba').map((f) => f.severity)).toEqual([roleSeverity]);
    },
  );

  describe('an SCP exemption by how a session was made is the pick of whoever makes the session', () => {
    const ACCOUNT_ROOT = 'arn:aws:iam::111122223333:root';
    const trust = (actions: string[], condition?: object) =>
      doc({
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT_ROOT },
        Action: actions,
        ...(condition ? { Condition: condition } : {}),
      });
    // Everything but STS (and IAM, when asked) denied to all but the exempt sessions.
    const exempting = (condition: object, notAction = ['sts:*']) => [
      FULL_ACCESS_LEVEL([
        {
          name: 'protect',
          document: doc({ Effect: 'Deny', NotAction: notAction, Resource: '*', Condition: condition }),
        },
      ]),
    ];
    const byName = { StringNotLike: { 'aws:userid': '*:breakglass-*' } };
    const bySourceIdentity = { StringNotLike: { 'aws:SourceIdentity': 'breakglass-*' } };
    const admin = (trustPolicy: unknown): PrincipalSpec => ({
      name: 'admin',
      uniqueId: 'AROAADMIN00000000001',
      policies: [doc(allow('*'))],
      trust: trustPolicy,
    });

    it.each([
      [
        'a session name any caller picks',
        byName,
        trust(['sts:AssumeRole']),
        'critical',
        'as a session named breakglass-',
      ],
      [
        'a source identity a caller may set',
        bySourceIdentity,
        trust(['sts:AssumeRole', 'sts:SetSourceIdentity']),
        'critical',
        'with source identity breakglass-',
      ],
      // The trust pins the name to the caller's user name: whether that starts with breakglass- is not known.
      [
        'a session name the trust pins',
        byName,
        trust(['sts:AssumeRole'], { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } }),
        'high',
        'depending on aws:userid',
      ],
      // Only a service makes its sessions, and names them itself.
      ['a session name a service picks', byName, serviceTrustDoc(), 'high', 'depending on aws:userid'],
      // No caller may set a source identity: no session of the role has one, so none is exempt.
      ['a source identity no caller may set', bySourceIdentity, trust(['sts:AssumeRole']), undefined, ''],
    ])('%s', (_what, condition, trustPolicy, severity, text) => {
      const [finding] = about(run(rule, { principals: [admin(trustPolicy)], scps: exempting(condition) }), 'admin');
      expect(finding?.severity).toBe(severity);
      if (finding) expect(finding.message).toContain(text);
    });

    it('picks no source identity the organization keeps every caller the trust admits from setting', () => {
      const refuse = (condition: object) =>
        deny('sts:SetSourceIdentity', '*', {
          Condition: { StringLike: { 'sts:SourceIdentity': 'breakglass-*' }, ...condition },
        });
      const levels = (...extra: object[]) => [
        FULL_ACCESS_LEVEL([
          {
            name: 'protect',
            document: doc(
              { Effect: 'Deny', NotAction: ['sts:*'], Resource: '*', Condition: bySourceIdentity },
              ...extra,
            ),
          },
        ]),
      ];
      const messages = (trustPolicy: unknown, scps: ReturnType<typeof levels>) =>
        about(run(rule, { principals: [admin(trustPolicy)], scps }), 'admin').map((f) => `${f.severity} ${f.message}`);
      const own = trust(['sts:AssumeRole', 'sts:SetSourceIdentity']);
      // Callers of its own account only, all held by the SCP: nobody sets breakglass-, so no session is exempt
      // for certain (what is left depends on a source identity no pick names).
      const refused = messages(own, levels(refuse({}))).join(' ');
      expect(refused).not.toContain('critical');
      expect(refused).not.toContain('breakglass-');
      // The Deny lets one role through (the identity provider's): that role may set it.
      const exceptOne = refuse({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/idp' } });
      expect(messages(own, levels(exceptOne)).join(' ')).toContain('critical');
      // A caller of another account is not held by this account's SCPs.
      const other = doc({
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      });
      expect(messages(other, levels(refuse({}))).join(' ')).toContain('with source identity breakglass-');
    });

    it.each([
      ['a session name', byName, 'as a session named breakglass-'],
      ['a source identity', bySourceIdentity, 'with source identity breakglass-'],
    ])(
      'lets a role its creator trusts escape %s exemption, which its own sessions cannot',
      (_what, condition, text) => {
        const creator: PrincipalSpec = {
          name: 'creator',
          policies: [doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole', 'sts:SetSourceIdentity']))],
        };
        const scps = exempting(condition, ['sts:*', 'iam:*']);
        const [finding] = about(run(rule, { principals: [creator], scps }), 'creator');
        expect(finding.severity).toBe('critical');
        expect(finding.message).toContain('create-role-and-pass on a new role');
        expect(finding.message).toContain(text);
        expect(finding.details).toMatchObject({ dependsCount: 0 });
      },
    );

    it('lets a creator set a source identity on its new role only where it may set that one', () => {
      const creator = (actions: string[]): PrincipalSpec => ({
        name: 'creator',
        policies: [doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole', ...actions]))],
      });
      // The organization also keeps anyone from setting the exempt source identity (sts:SourceIdentity).
      const scps = [
        FULL_ACCESS_LEVEL([
          {
            name: 'protect',
            document: doc(
              { Effect: 'Deny', NotAction: ['sts:*', 'iam:*'], Resource: '*', Condition: bySourceIdentity },
              deny('sts:SetSourceIdentity', '*', {
                Condition: { StringLike: { 'sts:SourceIdentity': 'breakglass-*' } },
              }),
            ),
          },
        ]),
      ];
      const severityOf = (actions: string[], levels = scps) =>
        about(run(rule, { principals: [creator(actions)], scps: levels }), 'creator').map((f) => f.message);
      for (const messages of [severityOf(['sts:SetSourceIdentity']), severityOf([])]) {
        expect(messages.join(' ')).not.toContain('with source identity breakglass-');
      }
      // Allowed to set one only on roles of its own naming: it names the new role so.
      const onItsRoles: PrincipalSpec = {
        name: 'creator',
        policies: [
          doc(
            allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole']),
            allow('sts:SetSourceIdentity', 'arn:aws:iam::111122223333:role/team-*'),
          ),
        ],
      };
      const named = about(
        run(rule, { principals: [onItsRoles], scps: exempting(bySourceIdentity, ['sts:*', 'iam:*']) }),
        'creator',
      );
      expect(named.map((f) => f.message).join(' ')).toContain('with source identity breakglass-');
      // Its own policies may not set one at all: no source identity either, whatever the SCPs.
      expect(severityOf([], exempting(bySourceIdentity, ['sts:*', 'iam:*'])).join(' ')).not.toContain(
        'with source identity',
      );
    });

    it('does not let a creator whose own session may carry a source identity pick another for its new role', () => {
      const creator: PrincipalSpec = {
        name: 'creator',
        // Its sessions carry the source identity their maker set (agent-*), which the new role's session carries on.
        trust: trust(['sts:AssumeRole', 'sts:SetSourceIdentity'], { StringLike: { 'sts:SourceIdentity': 'agent-*' } }),
        policies: [doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole', 'sts:SetSourceIdentity']))],
      };
      const scps = exempting(bySourceIdentity, ['sts:*', 'iam:*']);
      const [found] = about(run(rule, { principals: [creator], scps }), 'creator');
      expect(found.message).not.toContain('with source identity');
      // The IAM deletions the SCP leaves it, not everything a break-glass session may delete.
      expect(found.details?.allowedCount).toBeLessThanOrEqual(16);
    });

    it("keeps a source identity the caller's session carries on the role it assumes: no escape by leaving it out", () => {
      // An agent layer by source identity: the agent's sessions always carry one (its trust asks for it), and
      // the role it assumes carries it on, though a session of that role someone else makes may have none.
      const agentLayer = [
        FULL_ACCESS_LEVEL([
          {
            name: 'agents',
            document: doc({
              Effect: 'Deny',
              NotAction: 'sts:*',
              Resource: '*',
              Condition: { StringLike: { 'aws:SourceIdentity': 'agent-*' } },
            }),
          },
        ]),
      ];
      const agentTrust = trust(['sts:AssumeRole', 'sts:SetSourceIdentity'], {
        StringLike: { 'sts:SourceIdentity': 'agent-*' },
      });
      const findings = run(rule, {
        principals: [
          admin(trust(['sts:AssumeRole', 'sts:SetSourceIdentity'])),
          { name: 'agent', trust: agentTrust, policies: [doc(allow('sts:AssumeRole', roleArn('admin')))] },
        ],
        scps: agentLayer,
      });
      const [own] = about(findings, 'admin');
      expect(own.severity).toBe('critical');
      expect(own.message).toContain('with no source identity');
      const [through] = about(findings, 'agent');
      expect(through.severity).not.toBe('critical');
      expect(through.message).toContain('depending on conditions');
    });

    it('lets a caller that may assume the role delete through it, naming the session as it likes', () => {
      const findings = run(rule, {
        principals: [
          admin(trust(['sts:AssumeRole'])),
          { name: 'agent', policies: [doc(allow('sts:AssumeRole', roleArn('admin')))] },
        ],
        scps: exempting(byName),
      });
      const [finding] = about(findings, 'agent');
      expect(finding.severity).toBe('critical');
      expect(finding.message).toContain('assume role/admin');
      expect(finding.message).not.toContain('depending');
    });
  });

  describe('a guard on another tag of the resource, which the principal may write first', () => {
    // Deletions denied unless the resource carries delete-ok=true: a tag anyone who may tag it can set.
    const deleteOk = doc(
      deny(['rds:Delete*', 's3:DeleteBucket'], '*', {
        Condition: { StringNotEquals: { 'aws:ResourceTag/delete-ok': 'true' } },
      }),
    );
    const tagGuard = doc(
      deny(['rds:AddTagsToResource'], '*', {
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['delete-ok'] } },
      }),
    );
    const found = (actions: string[], guarded = false) =>
      about(
        run(rule, {
          principals: [{ name: 'dba', policies: [doc(allow(actions))] }],
          scps: [
            FULL_ACCESS_LEVEL([
              { name: 'delete-ok', document: deleteOk },
              ...(guarded ? [{ name: 'tag-guard', document: tagGuard }] : []),
            ]),
          ],
        }),
        'dba',
      );

    it('deletes for certain once it tags the resource as the guard asks, naming the tag and the tag write', () => {
      const [finding] = found(['rds:DeleteDBInstance', 'rds:AddTagsToResource']);
      expect(finding.severity).toBe('critical');
      expect(finding.details).toMatchObject({
        allowedCount: 1,
        dependsCount: 0,
        tagFirst: { tags: { 'delete-ok': 'true' }, tagActions: ['rds:AddTagsToResource'] },
      });
      expect(finding.message).toContain('once it tags the resource delete-ok=true first (rds:AddTagsToResource)');
    });

    it.each([
      ['it may not tag the resource', ['rds:DeleteDBInstance'], false],
      ['a guard denies writing that tag key', ['rds:DeleteDBInstance', 'rds:AddTagsToResource'], true],
    ])('still depends on the tag where %s', (_why, actions, guarded) => {
      const [finding] = found(actions, guarded);
      expect(finding.severity).toBe('high');
      expect(finding.details).toMatchObject({ allowedCount: 0, dependsCount: 1 });
      expect(finding.details?.tagFirst).toBeUndefined();
    });

    it('claims a production resource for its own team where a grant compares the team tags (ABAC) and it may tag', () => {
      const abac = allow('rds:DeleteDBInstance', '*', {
        Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
      });
      const dev = (tagging: boolean) => ({
        principals: [
          {
            name: 'dba',
            tags: { team: 'core' },
            policies: [doc(abac, ...(tagging ? [allow('rds:AddTagsToResource')] : []))],
          },
        ],
      });
      const [tags] = about(run(rule, dev(true)), 'dba');
      expect(tags.severity).toBe('critical');
      expect(tags.details?.tagFirst).toMatchObject({ tags: { team: 'core' } });
      const [cannot] = about(run(rule, dev(false)), 'dba');
      expect(cannot.severity).toBe('high');
    });

    it('counts a deletion only where it may tag what that deletion deletes (not the objects of a bucket)', () => {
      const [objects] = found(['s3:DeleteBucket', 's3:PutObjectTagging']);
      expect(objects.details).toMatchObject({ allowedCount: 0, dependsCount: 1 });
      const [bucket] = found(['s3:DeleteBucket', 's3:PutBucketTagging']);
      expect(bucket.details).toMatchObject({ allowedCount: 1, tagFirst: { tagActions: ['s3:PutBucketTagging'] } });
    });

    it("counts only the deletions whose own service's tag write it may make", () => {
      // It may tag RDS resources, not S3 buckets: the bucket deletion still depends on the tag.
      const [finding] = found(['rds:DeleteDBInstance', 's3:DeleteBucket', 'rds:AddTagsToResource']);
      expect(finding.details).toMatchObject({ allowedCount: 1, dependsCount: 1, depends: ['s3:DeleteBucket'] });
    });
  });

  it("is critical under a resource perimeter SCP: the account's own production is inside the perimeter", () => {
    // AWS's resource perimeter: deny anything on a resource outside the organization.
    const perimeter = doc(
      deny('*', '*', { Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } } }),
    );
    const spec = {
      principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }],
      scps: [FULL_ACCESS_LEVEL([{ name: 'perimeter', document: perimeter }])],
    };
    const [inside] = about(run(rule, { ...spec, organizationId: 'o-a1b2c3d4e5' }), 'dba');
    expect(inside).toMatchObject({ severity: 'critical', details: { allowed: ['rds:DeleteDBInstance'] } });
    // Without the organization id, whether the perimeter lets it through is not known: said so.
    const [unknown] = about(run(rule, spec), 'dba');
    expect(unknown.severity).toBe('high');
    expect(unknown.message).toContain('depending on aws:ResourceOrgID');
  });

  it('names a role it creates as an SCP exemption by name allows, where its own policies let it create that name', () => {
    // The organization exempts its administrators by name: whoever may create a role so named is exempt too.
    const exemptByName = doc(
      deny('rds:DeleteDBInstance', '*', {
        Condition: {
          StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] },
          ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' },
        },
      }),
    );
    const creating = (resource: string) => ({
      name: 'dev',
      kind: 'user' as const,
      policies: [doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole'], resource))],
    });
    const escalated = (resource: string) => {
      const [finding] = about(
        run(rule, {
          principals: [creating(resource)],
          scps: [FULL_ACCESS_LEVEL([{ name: 'exempt-admins', document: exemptByName }])],
        }),
        'dev',
      );
      return finding?.details as { allowedCount?: number; escalation?: { holder: string } } | undefined;
    };
    const anyName = escalated(roleArn('*'));
    expect(anyName?.escalation?.holder).toBe(roleArn('admin-x'));
    // Only app-* roles: the exempt name is out of its reach, and the SCP stops rds:DeleteDBInstance.
    const appOnly = escalated(roleArn('app-*'));
    expect(appOnly?.escalation?.holder).not.toBe(roleArn('admin-x'));
    expect(anyName?.allowedCount).toBe((appOnly?.allowedCount ?? 0) + 1);
  });

  describe('under a region deny SCP (the caller picks aws:RequestedRegion)', () => {
    const regionDeny = (regions: string[]) =>
      doc(
        deny('*', '*', {
          Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } },
        }),
      );
    const scps = [FULL_ACCESS_LEVEL([{ name: 'regions', document: regionDeny(['eu-west-1', 'us-east-1']) }])];

    it('is critical, in a region the SCP allows, and says which', () => {
      const findings = run(rule, {
        principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }],
        scps,
      });
      const [finding] = about(findings, 'dba');
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { allowed: ['rds:DeleteDBInstance'], dependsCount: 0, requestedRegion: 'eu-west-1' },
      });
      expect(finding.message).toContain('tagged environment=production in eu-west-1');
    });

    it('finds the one region both its own policy and the SCP allow', () => {
      const usOnly = doc(
        allow('rds:DeleteDBInstance', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
      );
      const [finding] = about(run(rule, { principals: [{ name: 'dba', policies: [usOnly] }], scps }), 'dba');
      expect(finding).toMatchObject({ severity: 'critical', details: { requestedRegion: 'us-east-1' } });
    });

    it('stays undecided where no region the policies name lets it through', () => {
      // Its own policy allows only a region the SCP denies: no region named lets the deletion through.
      const only = doc(
        allow('rds:DeleteDBInstance', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'ap-south-1' } } }),
      );
      const [finding] = about(run(rule, { principals: [{ name: 'dba', policies: [only] }], scps }), 'dba');
      expect(finding).toMatchObject({ severity: 'high', details: { allowedCount: 0 } });
      expect(finding.details?.requestedRegion).toBeUndefined();
    });

    it('reaches it through a role it passes to Lambda in that region, for certain', () => {
      const findings = run(rule, {
        principals: [
          {
            name: 'deployer',
            kind: 'user',
            policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
          },
          { name: 'fn', policies: [doc(allow('rds:DeleteDBInstance'))] },
        ],
        scps: [REGION_DENY_LEVEL()],
      });
      const [finding] = about(findings, 'deployer');
      expect(finding).toMatchObject({ severity: 'critical', details: { transitive: true } });
    });

    it('names no region where the region does not matter', () => {
      const [finding] = about(
        run(rule, { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }] }),
        'dba',
      );
      expect(finding.details?.requestedRegion).toBeUndefined();
      expect(finding.message).not.toContain(' in eu-west-1');
    });
  });

  it('answers date conditions at the audit time: a grant that ran out, one in force, one that starts later', () => {
    const until = (when: string) => ({ Condition: { DateLessThan: { 'aws:CurrentTime': when } } });
    const findings = run(rule, {
      principals: [
        { name: 'expired', policies: [doc(allow('rds:DeleteDBInstance', '*', until('2020-01-01T00:00:00Z')))] },
        { name: 'in-force', policies: [doc(allow('rds:DeleteDBInstance', '*', until('2099-01-01T00:00:00Z')))] },
        {
          name: 'scheduled',
          policies: [
            doc(
              allow('rds:DeleteDBInstance', '*', {
                Condition: { DateGreaterThan: { 'aws:CurrentTime': '2099-01-01T00:00:00Z' } },
              }),
            ),
          ],
        },
      ],
    });
    expect(about(findings, 'expired')).toEqual([]);
    expect(about(findings, 'in-force').map((f) => [f.severity, f.details?.allowed])).toEqual([
      ['critical', ['rds:DeleteDBInstance']],
    ]);
    const [scheduled] = about(findings, 'scheduled');
    expect(scheduled.message).toContain('aws:CurrentTime');
  });

  it('is critical for a recreate a grant allows only with request tags: the caller sends them', () => {
    const tagged = { Condition: { StringEquals: { 'aws:RequestTag/owner': 'platform' } } };
    const [finding] = about(
      run(rule, {
        principals: [{ name: 'deployer', policies: [doc(allow('cloudformation:UpdateStack', '*', tagged))] }],
      }),
      'deployer',
    );
    expect(finding).toMatchObject({
      severity: 'critical',
      details: { allowed: ['cloudformation:UpdateStack'], callerPick: 'sending the tags owner=platform' },
    });
    expect(finding.message).toContain('the tags it sends are its pick');
  });

  it('is critical for that recreate under a region deny SCP: the caller picks the region and the tags together', () => {
    const tagged = { Condition: { StringEquals: { 'aws:RequestTag/owner': 'platform' } } };
    const [finding] = about(
      run(rule, {
        principals: [{ name: 'deployer', policies: [doc(allow('cloudformation:UpdateStack', '*', tagged))] }],
        scps: [REGION_DENY_LEVEL()],
      }),
      'deployer',
    );
    expect(finding).toMatchObject({
      severity: 'critical',
      details: {
        allowed: ['cloudformation:UpdateStack'],
        requestedRegion: 'eu-west-1',
        callerPick: 'in eu-west-1, sending the tags owner=platform',
      },
    });
  });

  it('says nothing about a principal that can only read', () => {
    expect(
      run(rule, { principals: [{ name: 'reader', policies: [doc(allow(['rds:Describe*', 's3:GetObject']))] }] }),
    ).toEqual([]);
  });

  it('says nothing when an SCP denies the action on production-tagged resources', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['rds:DeleteDBInstance']) }])];
    expect(run(rule, { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }], scps })).toEqual(
      [],
    );
  });

  it("credits an SCP written with RDS's own key for the instance's tags (rds:db-tag), not for the cluster's", () => {
    const onTag = (action: string, key: string) =>
      deny(action, '*', { Condition: { StringEqualsIgnoreCase: { [key]: ['production', 'prod'] } } });
    const spec = (...statements: object[]) => ({
      principals: [{ name: 'dba', policies: [doc(allow(['rds:DeleteDBInstance', 'rds:DeleteDBCluster']))] }],
      scps: [FULL_ACCESS_LEVEL([{ name: 'protect', document: doc(...statements) }])],
    });
    const [instanceOnly] = about(run(rule, spec(onTag('rds:DeleteDBInstance', 'rds:db-tag/environment'))), 'dba');
    expect(instanceOnly.details).toMatchObject({ allowedCount: 1, allowed: ['rds:DeleteDBCluster'], dependsCount: 0 });
    // The cluster's key is not known on rds:DeleteDBCluster, which also names the final snapshot: it depends.
    const [both] = about(
      run(
        rule,
        spec(
          onTag('rds:DeleteDBInstance', 'rds:db-tag/environment'),
          onTag('rds:DeleteDBCluster', 'rds:cluster-tag/environment'),
        ),
      ),
      'dba',
    );
    expect(both.details).toMatchObject({ allowedCount: 0, dependsCount: 1, depends: ['rds:DeleteDBCluster'] });
  });

  it('asks under every production tag key: an SCP that guards only the first key leaves the second open', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['rds:DeleteDBInstance']) }])];
    const spec = { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }], scps };
    const config = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production'] } } };
    const [finding] = about(run(rule, spec, config), 'dba');
    expect(finding).toMatchObject({ severity: 'critical', details: { productionTag: 'stage=production' } });
    expect(finding.message).toContain('can delete or recreate resources tagged stage=production');
  });

  it('explains that a tag-conditioned SCP deny does not apply to route53:DeleteHostedZone (no tag support)', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['route53:DeleteHostedZone']) }])];
    const [finding] = run(rule, {
      principals: [{ name: 'dns', policies: [doc(allow('route53:DeleteHostedZone'))] }],
      scps,
    });
    expect(finding.details?.tagConditionUnsupported).toEqual(['route53:DeleteHostedZone']);
    expect(finding.message).toContain('cannot evaluate');
  });

  it('reports route53:ChangeResourceRecordSets, asked as a batch that deletes records', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'dns', policies: [doc(allow('route53:ChangeResourceRecordSets'))] }],
    });
    expect(finding.details?.allowed).toEqual(['route53:ChangeResourceRecordSets']);
  });

  it('says nothing about record changes when an SCP denies the deleting batches', () => {
    const deleting = {
      'ForAnyValue:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE', 'UPSERT'] },
    };
    const scps = [
      FULL_ACCESS_LEVEL([
        { name: 'dns', document: doc(deny(['route53:ChangeResourceRecordSets'], '*', { Condition: deleting })) },
      ]),
    ];
    expect(
      run(rule, { principals: [{ name: 'dns', policies: [doc(allow('route53:ChangeResourceRecordSets'))] }], scps }),
    ).toEqual([]);
  });

  it('rates a grant scoped to named resources as high (depends on the resource), not critical', () => {
    const policy = doc(allow('dynamodb:DeleteTable', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'));
    const [finding] = run(rule, { principals: [{ name: 'app', policies: [policy] }] });
    expect(finding.severity).toBe('high');
    expect(finding.details?.depends).toEqual(['dynamodb:DeleteTable']);
  });

  it('marks exempt principals (break-glass) as info', () => {
    const [finding] = run(rule, { principals: [{ name: 'leash-break-glass', policies: [doc(allow('*'))] }] });
    expect(finding.severity).toBe('info');
    expect(finding.details?.exempt).toBe(true);
  });

  // An IAM write that grants anything is one call from deleting: only what the write cannot change still stops
  // the principal (its boundary, the SCPs, its own Deny statements). AddUserToGroup gives the group's permissions.
  const self = 'arn:aws:iam::111122223333:user/attacker';
  const rootTrust = doc({
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:root' },
    Action: 'sts:AssumeRole',
  });
  const dbas: PrincipalSpec = { name: 'dbas', kind: 'group', policies: [doc(allow('rds:DeleteDBInstance'))] };
  const readers: PrincipalSpec = { name: 'readers', kind: 'group', policies: [doc(allow('s3:GetObject'))] };
  const ESCALATIONS: readonly (readonly [string, readonly PrincipalSpec[], string | undefined])[] = [
    [
      'attach-user-policy on itself',
      [{ name: 'attacker', kind: 'user', policies: [doc(allow('iam:AttachUserPolicy', self))] }],
      'attach-user-policy',
    ],
    [
      'create-policy-version of a policy it holds',
      [{ name: 'attacker', kind: 'user', managed: ['mine'] }],
      'create-policy-version',
    ],
    [
      'put-role-policy on a role it can assume (pathfinding.cloud iam-017)',
      [
        {
          name: 'attacker',
          kind: 'user',
          policies: [doc(allow(['iam:PutRolePolicy', 'sts:AssumeRole'], roleArn('target')))],
        },
        { name: 'target', trust: rootTrust },
      ],
      'put-role-policy',
    ],
    [
      'add-user-to-group of a group that deletes',
      [{ name: 'attacker', kind: 'user', policies: [doc(allow('iam:AddUserToGroup'))] }, dbas],
      'add-user-to-group',
    ],
    [
      'add-user-to-group when the first group only reads and another deletes',
      [{ name: 'attacker', kind: 'user', policies: [doc(allow('iam:AddUserToGroup'))] }, readers, dbas],
      'add-user-to-group',
    ],
    [
      'add-user-to-group of a group that only reads',
      [{ name: 'attacker', kind: 'user', policies: [doc(allow('iam:AddUserToGroup'))] }, readers],
      undefined,
    ],
    [
      'attach-user-policy on itself behind a boundary without deletes',
      [{ name: 'attacker', kind: 'user', policies: [doc(allow('iam:AttachUserPolicy', self))], boundary: 'narrow' }],
      undefined,
    ],
    [
      'attach-user-policy on itself with a Deny of everything else it holds',
      [
        {
          name: 'attacker',
          kind: 'user',
          policies: [
            doc(allow('iam:AttachUserPolicy', self), {
              Effect: 'Deny',
              NotAction: 'iam:AttachUserPolicy',
              Resource: '*',
            }),
          ],
        },
      ],
      undefined,
    ],
    [
      'put-role-policy on a role it can assume whose boundary has no deletes',
      [
        {
          name: 'attacker',
          kind: 'user',
          policies: [doc(allow(['iam:PutRolePolicy', 'sts:AssumeRole'], roleArn('target')))],
        },
        { name: 'target', trust: rootTrust, boundary: 'narrow' },
      ],
      undefined,
    ],
  ];
  const managed = {
    mine: doc(allow('iam:CreatePolicyVersion', policyArn('mine'))),
    narrow: doc(allow(['iam:AttachUserPolicy', 'iam:PutRolePolicy', 'sts:AssumeRole', 's3:GetObject'])),
  };

  it.each(ESCALATIONS)('after %s', (_, principals, pathId) => {
    const found = about(run(rule, { principals, managed }), 'attacker');
    if (pathId === undefined) {
      expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('critical');
    expect(found[0].details?.escalation).toMatchObject({ pathId, decision: 'allowed' });
    expect(found[0].details?.allowedCount).toBeGreaterThan(0);
    expect(found[0].message).toContain('once it raises its own permissions');
  });

  it('joins every group it may add itself to, not only the first one the graph names', () => {
    // The graph names one group per way (the first that grants a write it lacks): here the one that only writes
    // objects. Nothing stops the user joining the one that deletes as well.
    const principals: PrincipalSpec[] = [
      { name: 'attacker', kind: 'user', policies: [doc(allow('iam:AddUserToGroup'))] },
      { name: 'aaa-writers', kind: 'group', policies: [doc(allow('s3:PutObject'))] },
      { name: 'zz-dbas', kind: 'group', policies: [doc(allow('rds:DeleteDBInstance'))] },
    ];
    const [finding] = about(run(rule, { principals }), 'attacker');
    expect(finding).toMatchObject({ severity: 'critical', details: { allowed: ['rds:DeleteDBInstance'] } });
    expect(finding.message).toContain('add-user-to-group on group/aaa-writers, group/zz-dbas');
  });

  it('joins only the groups its iam:AddUserToGroup names', () => {
    const principals: PrincipalSpec[] = [
      {
        name: 'attacker',
        kind: 'user',
        policies: [doc(allow('iam:AddUserToGroup', 'arn:aws:iam::111122223333:group/aaa-writers'))],
      },
      { name: 'aaa-writers', kind: 'group', policies: [doc(allow('s3:PutObject'))] },
      { name: 'zz-dbas', kind: 'group', policies: [doc(allow('rds:DeleteDBInstance'))] },
    ];
    expect(about(run(rule, { principals }), 'attacker')).toEqual([]);
  });

  it('joins the groups a name pattern names among many, asking about kinds of group, not each group', () => {
    const group = (name: string) => `arn:aws:iam::111122223333:group/${name}`;
    const grants = (i: number) =>
      i === 29
        ? 'rds:DeleteDBInstance'
        : i === 7
          ? 'dynamodb:DeleteTable'
          : i === 0
            ? 'sqs:DeleteQueue'
            : 's3:PutObject';
    const principals: PrincipalSpec[] = [
      {
        name: 'attacker',
        kind: 'user',
        policies: [doc(allow('iam:AddUserToGroup', group('team-a-*')), deny('iam:AddUserToGroup', group('team-a-7')))],
      },
      ...['a', 'b'].flatMap((team) =>
        Array.from({ length: 30 }, (_, i): PrincipalSpec => ({
          name: `team-${team}-${i}`,
          kind: 'group',
          policies: [doc(allow(team === 'a' ? grants(i) : 'sqs:DeleteQueue'))],
        })),
      ),
    ];
    const decide = jest.spyOn(PrincipalEvaluator.prototype, 'decide');
    try {
      const [finding] = about(run(rule, { principals }), 'attacker');
      const allowed = finding.details?.allowed as string[];
      expect(allowed).toContain('rds:DeleteDBInstance');
      expect(allowed).toContain('sqs:DeleteQueue');
      expect(allowed).not.toContain('dynamodb:DeleteTable');
      const joined = Array.from({ length: 30 }, (_, i) => i)
        .filter((i) => i !== 7)
        .map((i) => `group/team-a-${i}`);
      expect(finding.message).toContain(`add-user-to-group on ${joined.join(', ')} `);
      // Three kinds of group (team-a, team-a-7, team-b), not sixty groups, per question.
      const onGroups = decide.mock.calls.filter(
        ([action, context]) => action === 'iam:AddUserToGroup' && context?.resourceArn !== undefined,
      );
      expect(onGroups.length).toBeLessThan(20);
    } finally {
      decide.mockRestore();
    }
  });

  it('shows a path of many hops by its ends, saying how many it leaves out (SARIF too)', () => {
    // role/r29 trusts nobody; role/r(i) trusts role/r(i+1): r29 reaches the administrator r0 in 29 hops.
    const principals: PrincipalSpec[] = Array.from({ length: 30 }, (_, i) => ({
      name: `r${i}`,
      trust:
        i < 29
          ? doc({ Effect: 'Allow', Principal: { AWS: roleArn(`r${i + 1}`) }, Action: 'sts:AssumeRole' })
          : undefined,
      policies: [doc(allow(i === 0 ? 'rds:DeleteDBInstance' : 'sts:AssumeRole'))],
    }));
    const [finding] = about(run(rule, { principals }), 'r29');
    const path = finding.details?.path as {
      hopCount: number;
      omittedHops: { after: number; count: number };
      hops: { from: string; to: string }[];
    };
    expect(path).toMatchObject({ hopCount: 29, omittedHops: { after: 8, count: 13 } });
    expect(path.hops.map((hop) => hop.to)).toEqual([
      ...[28, 27, 26, 25, 24, 23, 22, 21].map((i) => roleArn(`r${i}`)),
      ...[7, 6, 5, 4, 3, 2, 1, 0].map((i) => roleArn(`r${i}`)),
    ]);
    expect(finding.message).toContain('assume role/r21 → (13 more hops) → role/r8 → assume role/r7');
    expect(finding.severity).toBe('high');
    const sarif = JSON.stringify(sarifLog({ ...reportInput, findings: [finding] }));
    expect(sarif).toContain('… 13 more hops, left out of the finding');
    // Of a short path, nothing is left out.
    const [near] = about(run(rule, { principals }), 'r3');
    expect(near.details?.path).not.toHaveProperty('omittedHops');
    expect((near.details?.path as { hops: unknown[] }).hops).toHaveLength(3);
  });

  it('is stopped after the escalation by an SCP that denies the delete', () => {
    const scps = [
      FULL_ACCESS_LEVEL([
        {
          name: 'protect',
          document: doc(
            deny('*', '*', { Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': 'production' } } }),
            deny('*', '*', { Condition: { Null: { 'aws:ResourceTag/environment': 'true' } } }),
          ),
        },
      ]),
    ];
    const principals = [
      { name: 'attacker', kind: 'user' as const, policies: [doc(allow('iam:AttachUserPolicy', self))] },
    ];
    expect(about(run(rule, { principals, scps }), 'attacker')).toEqual([]);
  });

  it('does not give a role it creates its own tags, which an SCP keyed on them would need', () => {
    // The SCP denies principals tagged team=ops everything but making and assuming a role; the creator is ops,
    // the role it makes need not be tagged at all, so the SCP does not stop the role.
    const scps = [
      FULL_ACCESS_LEVEL([
        {
          name: 'ops-only',
          document: doc({
            Effect: 'Deny',
            NotAction: ['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
          }),
        },
      ]),
    ];
    const principals: PrincipalSpec[] = [
      {
        name: 'attacker',
        kind: 'user',
        tags: { team: 'ops' },
        policies: [doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole']))],
      },
    ];
    const [finding] = about(run(rule, { principals, scps }), 'attacker');
    expect(finding?.severity).toBe('critical');
    expect(finding.message).toContain('once it raises its own permissions');
  });

  it('shows the path of a principal that reaches one that can escalate', () => {
    const findings = run(rule, {
      principals: [
        { name: 'attacker', kind: 'user', policies: [doc(allow('iam:AttachUserPolicy', self))] },
        { name: 'helpdesk', kind: 'user', policies: [doc(allow('iam:CreateAccessKey', self))] },
      ],
    });
    const [finding] = about(findings, 'helpdesk');
    expect(finding.severity).toBe('critical');
    expect(finding.message).toContain(
      'user/helpdesk → take credentials of user/attacker → raise its own permissions →',
    );
  });

  describe('with two production tag keys, where the SCP guards only the first', () => {
    const twoKeys = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production'] } } };
    const firstKeyOnly = [
      FULL_ACCESS_LEVEL([
        {
          name: 'protect-environment',
          document: doc(
            deny('*', '*', { Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': 'production' } } }),
          ),
        },
      ]),
    ];

    it('reports an escalation that deletes under the second key', () => {
      const principals = [
        { name: 'attacker', kind: 'user' as const, policies: [doc(allow('iam:AttachUserPolicy', self))] },
      ];
      const [finding] = about(run(rule, { principals, scps: firstKeyOnly }, twoKeys), 'attacker');
      expect(finding).toMatchObject({ severity: 'critical', details: { productionTag: 'stage=production' } });
      expect(finding.message).toContain('resources tagged stage=production once it raises its own permissions');
    });

    it('names the key the end of a path deletes under', () => {
      const principals: PrincipalSpec[] = [
        { name: 'caller', kind: 'user', policies: [doc(allow('sts:AssumeRole', roleArn('dba')))] },
        { name: 'dba', trust: rootTrust, policies: [doc(allow('rds:DeleteDBInstance'))] },
      ];
      const [finding] = about(run(rule, { principals, scps: firstKeyOnly }, twoKeys), 'caller');
      expect(finding).toMatchObject({ details: { transitive: true, productionTag: 'stage=production' } });
      expect(finding.message).toContain('resources tagged stage=production through another principal');
    });
  });

  it('reports a certain path beside a deletion of its own that depends on a condition', () => {
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    const principals: PrincipalSpec[] = [
      {
        name: 'caller',
        kind: 'user',
        policies: [doc(allow('s3:DeleteBucket', '*', mfa), allow('sts:AssumeRole', roleArn('dba')))],
      },
      { name: 'dba', trust: rootTrust, policies: [doc(allow('rds:DeleteDBInstance'))] },
    ];
    const found = about(run(rule, { principals }), 'caller');
    // Its own deletion needs MFA; through dba it deletes without: the second finding says so, at its severity.
    expect(found.map((f) => [f.severity, f.details?.transitive ?? false])).toEqual([
      ['critical', true],
      ['high', false],
    ]);
    expect(found[0].details?.key).toBe('through-another-principal');
    expect(found[0].message).toContain('through another principal: user/caller → assume role/dba');
  });

  describe('a trust that reads principal tags the caller may set on itself', () => {
    const admin = (trust: unknown): PrincipalSpec => ({
      name: 'dba',
      trust,
      policies: [doc(allow('rds:DeleteDBInstance'))],
    });
    const onTeam = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'dba' } },
    });
    const callerWith = (actions: string[], tags: Record<string, string> = {}): PrincipalSpec => ({
      name: 'caller',
      tags,
      policies: [doc(allow(actions))],
    });
    const found = (principals: PrincipalSpec[]) => about(run(rule, { principals }), 'caller');

    it('meets a condition on its tags by tagging itself first (iam:TagRole on itself): a certain path', () => {
      const [finding] = found([callerWith(['sts:AssumeRole', 'iam:TagRole']), admin(onTeam)]);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain('through another principal: role/caller → assume role/dba');
      expect(JSON.stringify(finding?.evidence)).toContain('it tags itself first (iam:TagRole on itself)');
    });

    it('escapes a trust Deny on a tag it may overwrite', () => {
      const notContractors = doc(
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalTag/contractor': 'true' } },
        },
      );
      const contractor = { contractor: 'true' };
      expect(found([callerWith(['sts:AssumeRole', 'iam:TagRole'], contractor), admin(notContractors)])).toHaveLength(1);
      expect(found([callerWith(['sts:AssumeRole'], contractor), admin(notContractors)])).toEqual([]);
    });

    it('reaches it through a role whose sessions carry tags the caller passes (sts:TagSession): depending on them', () => {
      const hop: PrincipalSpec = {
        name: 'hop',
        trust: doc({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        }),
        policies: [doc(allow('sts:AssumeRole'))],
      };
      const caller = callerWith(['sts:AssumeRole', 'sts:TagSession']);
      const [finding] = found([caller, hop, admin(onTeam)]);
      expect(finding?.message).toContain('role/caller → assume role/hop → assume role/dba');
      expect(finding?.message).toContain('a session tag whoever assumes it may pass');
      // Without session tags in hop's trust, hop's own tags decide: it has none.
      const closed = {
        ...hop,
        trust: doc({ ...JSON.parse(JSON.stringify(hop.trust)).Statement[0], Action: 'sts:AssumeRole' }),
      };
      expect(found([caller, closed, admin(onTeam)])).toEqual([]);
    });

    it('is not certain when its tag write is held to other keys (aws:TagKeys), nor silent', () => {
      const ownerOnly = {
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['owner'] } },
      };
      const caller: PrincipalSpec = {
        name: 'caller',
        policies: [doc(allow('sts:AssumeRole'), allow('iam:TagRole', roleArn('caller'), ownerOnly))],
      };
      const [finding] = found([caller, admin(onTeam)]);
      expect(finding?.severity).not.toBe('critical');
      expect(finding?.message).toContain('a tag it may set on itself');
    });

    it('reads session tags from a trust that allows them through a wildcard (sts:*)', () => {
      const hop: PrincipalSpec = {
        name: 'hop',
        trust: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:*' }),
        policies: [doc(allow('sts:AssumeRole'))],
      };
      const [finding] = found([callerWith(['sts:AssumeRole', 'sts:TagSession']), hop, admin(onTeam)]);
      expect(finding?.message).toContain('a session tag whoever assumes it may pass');
    });

    describe('a trust that keeps out whoever carries a tag, against a caller that may surely remove its own', () => {
      const notAgents = doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/leash:agent': 'true' } },
      });
      const agentDenied = doc(
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalTag/leash:agent': 'true' } },
        },
      );
      const agent = { 'leash:agent': 'true' };

      it.each([
        ['an Allow that asks for the tag to differ', notAgents],
        ['a Deny of those carrying it', agentDenied],
      ])('is a certain path through %s: it removes the tag first (iam:UntagRole on itself)', (_, trust) => {
        const [finding] = found([callerWith(['sts:AssumeRole', 'iam:UntagRole'], agent), admin(trust)]);
        expect(finding?.severity).toBe('critical');
        expect(finding?.message).toContain('through another principal: role/caller → assume role/dba');
        expect(finding?.message).not.toContain('depends on');
        expect(JSON.stringify(finding?.evidence)).toContain(
          'it removes its tag leash:agent first (iam:UntagRole on itself)',
        );
      });

      it('stays depending on the tag when its own grants read it (removing it may cost them)', () => {
        const caller: PrincipalSpec = {
          name: 'caller',
          tags: agent,
          policies: [
            doc(
              allow('iam:UntagRole'),
              allow('sts:AssumeRole', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/leash:agent': 'true' } } }),
            ),
          ],
        };
        const [finding] = found([caller, admin(notAgents)]);
        expect(finding?.severity).not.toBe('critical');
        expect(finding?.message).toContain('a tag it may set on itself');
      });

      it('stays depending on the tag when its own grants read it through a policy variable', () => {
        const caller: PrincipalSpec = {
          name: 'caller',
          tags: agent,
          policies: [
            doc(
              allow('iam:UntagRole'),
              allow('sts:AssumeRole', "arn:aws:iam::111122223333:role/${aws:PrincipalTag/leash:agent, 'dba'}"),
              allow('sts:AssumeRole', roleArn('dba')),
            ),
          ],
        };
        const [finding] = found([caller, admin(notAgents)]);
        expect(finding?.severity).not.toBe('critical');
      });

      it('stays depending on the tag when the removal itself only may be allowed', () => {
        const caller: PrincipalSpec = {
          name: 'caller',
          tags: agent,
          policies: [
            doc(
              allow('sts:AssumeRole'),
              allow('iam:UntagRole', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
            ),
          ],
        };
        const [finding] = found([caller, admin(notAgents)]);
        expect(finding?.severity).not.toBe('critical');
      });

      it('is not helped by removal where the trust asks for a tag it lacks', () => {
        expect(found([callerWith(['sts:AssumeRole', 'iam:UntagRole'], agent), admin(onTeam)])[0]?.severity).not.toBe(
          'critical',
        );
      });
    });

    it('stays out when it may tag only others', () => {
      const principals = [
        {
          ...callerWith(['sts:AssumeRole']),
          policies: [doc(allow('sts:AssumeRole'), allow('iam:TagRole', roleArn('dba')))],
        },
        admin(onTeam),
      ];
      expect(found(principals)).toEqual([]);
    });
  });

  it('reports a principal that tags itself into a tag-conditioned grant that deletes', () => {
    const principals: PrincipalSpec[] = [
      {
        name: 'dev',
        policies: [
          doc(
            allow('iam:TagRole', roleArn('dev')),
            allow('rds:DeleteDBInstance', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/admin': 'true' } } }),
          ),
        ],
      },
    ];
    const [finding] = about(run(rule, { principals }), 'dev');
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain('once it raises its own permissions: tag-itself-role on itself');
  });

  it('reports a user whose federation token may carry the session tag a grant that deletes asks for', () => {
    const deleteAsAdmin = allow('rds:DeleteDBInstance', '*', {
      Condition: { StringEquals: { 'aws:PrincipalTag/admin': 'true' } },
    });
    const user = (extra: Record<string, unknown>[]): PrincipalSpec => ({
      name: 'dev',
      kind: 'user',
      tags: { admin: 'false' },
      policies: [doc(...extra, deleteAsAdmin)],
    });
    const [finding] = about(
      run(rule, { principals: [user([allow(['sts:GetFederationToken', 'sts:TagSession'])])] }),
      'dev',
    );
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain('once it raises its own permissions: federation-token-session-tags on itself');
    // Session tags need sts:TagSession: a token alone carries the user's own admin=false.
    expect(about(run(rule, { principals: [user([allow('sts:GetFederationToken')])] }), 'dev')).toEqual([]);
  });

  describe('a new role it creates, when its boundary says which boundary new roles carry', () => {
    const boundaryArn = policyArn('dev-boundary');
    const found = (required: Record<string, unknown> | undefined) =>
      about(
        run(rule, {
          principals: [
            {
              name: 'dev',
              policies: [
                doc(allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole', 'rds:DeleteDBInstance'])),
              ],
              boundary: 'dev-boundary',
            },
          ],
          managed: {
            // It may create roles, attach policies and assume roles, and nothing else.
            'dev-boundary': doc(
              allow(['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole']),
              ...(required ? [deny(['iam:CreateRole'], '*', { Condition: required })] : []),
            ),
          },
        }),
        'dev',
      );

    it('weighs the new role with the boundary it must carry: no deletion', () => {
      expect(found({ StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } })).toEqual([]);
    });

    it('takes the worst case when new roles need no boundary: the new role, not a write its boundary caps', () => {
      const [finding] = found(undefined);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain('once it raises its own permissions: create-role-and-pass');
    });

    it('goes on to a less sure escalation when the surest gives nothing its boundary lets through', () => {
      // New roles must carry some policy of the account as their boundary: which one is the creator's choice.
      const anyPolicy = { StringNotLike: { 'iam:PermissionsBoundary': 'arn:aws:iam::111122223333:policy/*' } };
      const [finding] = found(anyPolicy);
      expect(finding?.message).toContain('once it raises its own permissions: create-role-and-pass');
      expect(finding?.message).toContain('(depending on conditions)');
    });
  });

  it('asks a resource the snapshot knows by ARN with its tags: certain when production, as before when dev', () => {
    const bucket = 'arn:aws:s3:::acme-data';
    const spec = (environment: string) => ({
      principals: [{ name: 'dev', policies: [doc(allow('s3:DeleteBucket', bucket))] }],
      resources: [{ arn: bucket, tags: { Environment: environment, team: 'web' } }],
    });
    const [finding] = about(run(rule, spec('PRODUCTION')), 'dev');
    expect(finding).toMatchObject({ severity: 'critical', details: { allowed: ['s3:DeleteBucket'] } });
    expect(finding.message).toContain(`production resource ${bucket}`);
    // Tagged dev: the tag questions still say the grant may reach some production bucket.
    expect(about(run(rule, spec('dev')), 'dev')).toMatchObject([{ severity: 'high' }]);
  });

  it('reports an ABAC grant on another tag: a production resource may carry the team it names', () => {
    const sameTeam = { Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } };
    const [finding] = about(
      run(rule, {
        principals: [
          { name: 'dev', tags: { team: 'platform' }, policies: [doc(allow('dynamodb:DeleteTable', '*', sameTeam))] },
        ],
      }),
      'dev',
    );
    expect(finding).toMatchObject({ severity: 'high', details: { allowedCount: 0, dependsCount: 1 } });
    expect(finding.message).toContain('depending on aws:ResourceTag/team (dynamodb:DeleteTable)');
  });

  describe('a new role named as an SCP exempts, beside a write on itself the SCP still caps', () => {
    // Everything but IAM and STS denied to all but the break-glass roles, by name.
    const breakGlassOnly = doc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/breakglass-*' } },
    });
    const found = (actions: string[]) =>
      about(
        run(rule, {
          principals: [{ name: 'dev', policies: [doc(allow(actions))] }],
          scps: [FULL_ACCESS_LEVEL([{ name: 'break-glass', document: breakGlassOnly }])],
        }),
        'dev',
      );

    it.each([
      ['an inline policy', ['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole'], 'create-role-with-inline-policy'],
      [
        'a managed policy',
        ['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'sts:AssumeRole'],
        'create-role-and-pass',
      ],
    ])('reports what the new role deletes, given %s, not the IAM deletions of its own write', (_, actions, pathId) => {
      const [finding] = found(actions);
      expect(finding?.severity).toBe('critical');
      expect(finding?.details?.escalation).toMatchObject({
        pathId,
        holder: expect.stringMatching(/:role\/breakglass-/),
      });
      // Every deletion of the catalog, not the 16 of IAM the write on itself would keep.
      expect(finding?.details?.allowedCount).toBeGreaterThan(1000);
      expect(finding?.message).toContain(`${pathId} on a new role named role/breakglass-`);
    });

    it.each([
      // An exemption by path: the creator makes its role under that path.
      ['arn:aws:iam::*:role/breakglass/*', /:role\/breakglass\/x$/, 'critical'],
      // The service-linked roles' path is AWS's alone (CreateRole refuses it): no new role is exempt.
      ['arn:aws:iam::*:role/aws-service-role/*', undefined, undefined],
    ])('names the new role under the path the SCP exempts (%s) where IAM lets it', (pattern, holder, severity) => {
      const byPath = doc({
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*'],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': pattern } },
      });
      const [finding] = about(
        run(rule, {
          principals: [
            { name: 'dev', policies: [doc(allow(['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole']))] },
          ],
          scps: [FULL_ACCESS_LEVEL([{ name: 'by-path', document: byPath }])],
        }),
        'dev',
      );
      const allowed = finding?.details?.allowedCount as number;
      if (holder) {
        expect(finding?.severity).toBe(severity);
        expect(finding?.details?.escalation).toMatchObject({ holder: expect.stringMatching(holder) });
        expect(allowed).toBeGreaterThan(1000);
      } else expect(allowed ?? 0).toBeLessThanOrEqual(16);
    });
  });

  it('weighs a new role at the audit time asked, when one snapshot is audited at two times', () => {
    // Everything but IAM and STS denied until June: what a new role deletes depends on when the audit asks.
    const untilJune = doc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { DateLessThan: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' } },
    });
    const account = snapshot({
      principals: [
        {
          name: 'dev',
          // A new role only: not a write on itself, which is weighed afresh every time.
          policies: [
            doc(
              allow(['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole']),
              deny('iam:PutRolePolicy', roleArn('dev')),
            ),
          ],
        },
      ],
      scps: [FULL_ACCESS_LEVEL([{ name: 'until-june', document: untilJune }])],
    });
    const counted = (now: string) =>
      about(auditAccount(account, { catalog, rules: [rule], now: new Date(now) }).findings, 'dev').map(
        (f) => f.details?.allowedCount,
      );
    expect(counted('2026-05-01T00:00:00Z')).toEqual([16]);
    expect(counted('2026-07-01T00:00:00Z')[0]).toBeGreaterThan(1000);
  });

  describe('a principal tag an SCP exempts, which the principal may set', () => {
    // Everything but IAM and STS denied to all but principals tagged breakglass=true.
    const breakGlassOnly = doc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/breakglass': 'true' } },
    });
    // The tag itself guarded: nobody may write the key, in any case (aws:PrincipalTag/<key> matches any).
    const tagGuard = doc(
      deny(['iam:TagRole', 'iam:TagUser', 'sts:TagSession'], '*', {
        Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['breakglass'] } },
      }),
    );
    // The same guard compared case-sensitively: a key spelled otherwise gets through, and still sets the tag.
    const caseSensitiveGuard = doc(
      deny(['iam:TagRole', 'iam:TagUser', 'sts:TagSession'], '*', {
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['breakglass'] } },
      }),
    );
    const opsTrust = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    });
    const found = (principals: PrincipalSpec[], guarded: boolean | 'case-sensitive' = false) =>
      about(
        run(rule, {
          principals,
          scps: [
            FULL_ACCESS_LEVEL([
              { name: 'break-glass', document: breakGlassOnly },
              ...(guarded === true ? [{ name: 'tag-guard', document: tagGuard }] : []),
              ...(guarded === 'case-sensitive' ? [{ name: 'tag-guard', document: caseSensitiveGuard }] : []),
            ]),
          ],
        }),
        'dev',
      );
    const escalation = (findings: Finding[]) =>
      findings.find((f) => f.details?.escalation !== undefined) as Finding | undefined;

    it('tags itself out of the SCP', () => {
      const findings = found([{ name: 'dev', policies: [doc(allow(['iam:TagRole', 'rds:DeleteDBInstance']))] }]);
      expect(escalation(findings)).toMatchObject({
        severity: 'critical',
        details: { escalation: { pathId: 'tag-itself-role' }, allowed: ['rds:DeleteDBInstance'] },
      });
      expect(escalation(findings)?.message).toContain('breakglass=true');
    });

    it('reports an administrator the SCP holds to IAM deletions deleting everything once it escapes', () => {
      const findings = found([{ name: 'dev', policies: [doc(allow('*'))] }]);
      expect(findings.map((f) => f.details?.allowedCount)).toContainEqual(16);
      expect(escalation(findings)?.severity).toBe('critical');
      expect(escalation(findings)?.details?.allowedCount).toBeGreaterThan(1000);
    });

    it('does not, where a guard denies writing that tag key', () => {
      expect(escalation(found([{ name: 'dev', policies: [doc(allow('*'))] }], true))).toBeUndefined();
      const tagger = [{ name: 'dev', policies: [doc(allow(['iam:TagRole', 'rds:DeleteDBInstance']))] }];
      expect(escalation(found(tagger, true))).toBeUndefined();
    });

    it.each([
      [
        'tags itself',
        'tag-itself-role',
        [{ name: 'dev', policies: [doc(allow(['iam:TagRole', 'rds:DeleteDBInstance']))] }],
      ],
      [
        'creates a role carrying the tag',
        'create-role-with-inline-policy',
        [
          {
            name: 'dev',
            policies: [doc(allow(['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole', 'iam:TagRole']))],
          },
        ],
      ],
      [
        'passes it as a session tag',
        'assume-with-session-tags',
        [
          { name: 'dev', policies: [doc(allow(['sts:AssumeRole', 'sts:TagSession']))] },
          { name: 'ops', trust: opsTrust, policies: [doc(allow('*'))] },
        ],
      ],
    ])('%s past a guard that compares the key case-sensitively, spelling it otherwise', (_how, pathId, principals) => {
      // A sure escalation by that path: the tag written, in a spelling the guard lets through.
      const sure = (guard: boolean | 'case-sensitive') => {
        const details = escalation(found(principals as PrincipalSpec[], guard))?.details;
        const used = details?.escalation as { pathId: string; decision: string } | undefined;
        return used?.pathId === pathId && used.decision === 'allowed' && (details?.allowedCount as number) > 0;
      };
      expect(sure('case-sensitive')).toBe(true);
      expect(sure(true)).toBe(false);
    });

    it('creates a role carrying the tag, where it may tag what it creates', () => {
      const create = ['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole'];
      const [finding] = found([{ name: 'dev', policies: [doc(allow([...create, 'iam:TagRole']))] }]);
      expect(finding?.details?.escalation).toMatchObject({ pathId: 'create-role-with-inline-policy' });
      expect(finding?.details?.allowedCount).toBeGreaterThan(1000);
      // Without iam:TagRole the new role is untagged, and the SCP holds it.
      const [untagged] = found([{ name: 'dev', policies: [doc(allow(create))] }]);
      expect(untagged?.details?.allowedCount).toBe(16);
    });

    it('passes the tag as a session tag of a role whose trust allows sts:TagSession', () => {
      const ops = { name: 'ops', trust: opsTrust, policies: [doc(allow('*'))] };
      const [finding] = found([{ name: 'dev', policies: [doc(allow(['sts:AssumeRole', 'sts:TagSession']))] }, ops]);
      expect(finding?.details?.escalation).toMatchObject({ pathId: 'assume-with-session-tags' });
      expect(finding?.details?.allowedCount).toBeGreaterThan(1000);
    });
  });

  describe('a role it rewrites and can act as, beside a write on itself its boundary caps', () => {
    const trustsDev = doc({ Effect: 'Allow', Principal: { AWS: roleArn('dev') }, Action: 'sts:AssumeRole' });
    const found = (otherBoundary?: string) =>
      about(
        run(rule, {
          principals: [
            {
              name: 'dev',
              boundary: 'dev-boundary',
              policies: [
                doc(
                  allow('iam:AttachRolePolicy', roleArn('dev')),
                  allow('iam:PutRolePolicy', roleArn('ops')),
                  allow('sts:AssumeRole', roleArn('ops')),
                ),
              ],
            },
            { name: 'ops', trust: trustsDev, policies: [], ...(otherBoundary ? { boundary: otherBoundary } : {}) },
          ],
          managed: {
            // Its boundary lets through the writes and nothing that deletes.
            'dev-boundary': doc(allow(['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'sts:AssumeRole', 's3:Get*'])),
          },
        }),
        'dev',
      );

    it('reports the deletion through the role it rewrites: its own boundary does not bind the role', () => {
      const [finding] = found();
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain('once it raises its own permissions: put-role-policy on role/ops');
      expect(finding?.message).toContain('assume role/ops');
    });

    it('stays out when the role it rewrites carries the same boundary', () => {
      expect(found('dev-boundary')).toEqual([]);
    });
  });

  describe("freeing another principal it can act as of that principal's boundary", () => {
    const trustsDev = doc({ Effect: 'Allow', Principal: { AWS: roleArn('dev') }, Action: 'sts:AssumeRole' });
    const found = (writes: Record<string, unknown>[]) =>
      about(
        run(rule, {
          principals: [
            { name: 'dev', policies: [doc(...writes, allow('sts:AssumeRole', roleArn('ops')))] },
            // An administrator by its identity policies, held to reading by its boundary.
            {
              name: 'ops',
              trust: trustsDev,
              boundary: 'ops-boundary',
              managed: ['ops-tools'],
              policies: [doc(allow('*'))],
            },
          ],
          managed: { 'ops-boundary': doc(allow('s3:Get*')), 'ops-tools': doc(allow('s3:List*')) },
        }),
        'dev',
      );

    it('reports a deletion once it removes the boundary of the role it assumes', () => {
      const [finding] = found([allow('iam:DeleteRolePermissionsBoundary', roleArn('ops'))]);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain(
        'once it raises its own permissions: delete-role-permissions-boundary on role/ops',
      );
    });

    it('reports a deletion once it rewrites the policy that is the boundary of the role it assumes', () => {
      const [finding] = found([allow('iam:CreatePolicyVersion', policyArn('ops-boundary'))]);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain('create-policy-version on role/ops');
    });

    it('stays out when it can rewrite only a policy the role holds: the boundary still caps it', () => {
      expect(found([allow('iam:CreatePolicyVersion', policyArn('ops-tools'))])).toEqual([]);
    });
  });

  describe('after freeing itself of its permissions boundary', () => {
    const boundedAdmin = (boundaryActions: string[]) =>
      about(
        run(rule, {
          principals: [{ name: 'dev', policies: [doc(allow('*'))], boundary: 'dev-boundary' }],
          managed: { 'dev-boundary': doc(allow(boundaryActions)) },
        }),
        'dev',
      );

    it.each([
      ['a new version of the policy that is its boundary', 'iam:CreatePolicyVersion', 'create-policy-version'],
      ['deleting its boundary', 'iam:DeleteRolePermissionsBoundary', 'delete-role-permissions-boundary'],
      ['replacing its boundary', 'iam:PutRolePermissionsBoundary', 'put-role-permissions-boundary'],
    ])('reports %s (%s): its identity policies then hold alone', (_what, action, pathId) => {
      const [finding] = boundedAdmin(['s3:GetObject', action]);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain('once it raises its own permissions');
      expect(finding?.details?.escalation).toMatchObject({ pathId });
    });

    it('says nothing when the boundary lets it change nothing of itself', () => {
      expect(boundedAdmin(['s3:GetObject', 'iam:ListPolicies'])).toEqual([]);
    });
  });

  it('skips service-linked roles', () => {
    const principals = [
      { name: 'AWSServiceRoleForX', path: '/aws-service-role/x.amazonaws.com/', policies: [doc(allow('*'))] },
    ];
    expect(run(rule, { principals })).toEqual([]);
  });
});

describe('can-delete-production on the production ARNs of the config', () => {
  const config = {
    guardrails: {
      production: { arns: ['arn:aws:rds:us-east-1:111122223333:db:orders', 'arn:aws:route53:::hostedzone/Z123'] },
    },
  };
  const grant = (action: string, resource: string) => ({ name: 'dba', policies: [doc(allow(action, resource))] });

  it('a grant scoped to a production ARN is an allowed deletion there, not one that depends on the resource', () => {
    const findings = run(
      rule,
      { principals: [grant('rds:DeleteDBInstance', 'arn:aws:rds:us-east-1:111122223333:db:orders')] },
      config,
    );
    const [finding] = about(findings, 'dba');
    expect(finding).toMatchObject({
      severity: 'critical',
      details: { productionArn: 'arn:aws:rds:us-east-1:111122223333:db:orders', allowedCount: 1 },
    });
    expect(finding.message).toContain(
      'can delete or recreate production resource arn:aws:rds:us-east-1:111122223333:db:orders',
    );
  });

  it('asks each ARN only the actions its resource type can have, and credits an SCP deny of that ARN', () => {
    const zone = 'arn:aws:route53:::hostedzone/Z123';
    const scps = [FULL_ACCESS_LEVEL([{ name: 'zone', document: doc(deny('route53:DeleteHostedZone', zone)) }])];
    const [guarded] = about(run(rule, { principals: [grant('route53:DeleteHostedZone', zone)], scps }, config), 'dba');
    // Other zones may be production too (a tag route53 cannot evaluate): still high, but not an allowed deletion of Z123.
    expect(guarded).toMatchObject({ severity: 'high', details: { allowedCount: 0 } });
    expect(guarded.details?.productionArn).toBeUndefined();
  });

  it('a grant on a non-production ARN stays a deletion that depends on the resource', () => {
    const findings = run(
      rule,
      { principals: [grant('rds:DeleteDBInstance', 'arn:aws:rds:us-east-1:111122223333:db:dev-*')] },
      config,
    );
    expect(about(findings, 'dba')).toMatchObject([
      { severity: 'high', details: { productionTag: 'environment=production' } },
    ]);
  });
});
