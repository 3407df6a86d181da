import { compileAccount, CompileCache } from '../../../lib/audit/evaluate';
import type { CompiledPrincipal, RequestContext } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import {
  ACCOUNT,
  allow,
  deny,
  FULL_AWS_ACCESS,
  managedArn,
  policy,
  principal,
  snapshot,
  type SnapshotSpec,
  type Statement,
} from './helpers';

const catalog = loadCatalog();

function only(spec: SnapshotSpec): CompiledPrincipal {
  const account = compileAccount(snapshot(spec), catalog);
  expect(account.invalidPolicies).toEqual([]);
  return account.principals[0];
}

function decision(p: CompiledPrincipal, action: string, context?: RequestContext): string {
  return p.decide(action, context).decision;
}

const PROD = { StringEquals: { 'aws:ResourceTag/env': 'prod' } };

describe('identity policies', () => {
  const p = only({ principals: [principal('app', { inline: { main: policy(allow(['s3:GetObject', 'rds:*'])) } })] });

  it('allows what an inline policy grants', () => {
    const d = p.decide('s3:GetObject');
    expect(d.decision).toBe('allowed');
    expect(d.allowedBy).toMatchObject([
      { policy: 'inline:main', policyKind: 'inline', statementIndex: 0, layer: 'identity' },
    ]);
  });

  it('denies what nothing grants, blocked at the identity layer', () => {
    expect(p.decide('s3:DeleteBucket')).toMatchObject({ decision: 'denied', blockedAt: 'identity', allowedBy: [] });
  });

  it('matches actions case-insensitively', () => {
    expect(decision(p, 'RDS:deletedbinstance')).toBe('allowed');
  });

  it('applies managed policies and the policies of a user’s groups', () => {
    const account = compileAccount(
      snapshot({
        principals: [
          principal('alice', { kind: 'user', groups: ['ops'] }),
          principal('ops', {
            kind: 'group',
            managed: [managedArn('Ops')],
            inline: { extra: policy(allow('sqs:DeleteQueue')) },
          }),
        ],
        managed: { Ops: policy(allow('ec2:TerminateInstances')) },
      }),
      catalog,
    );
    const alice = account.principal(`arn:aws:iam::${ACCOUNT}:user/alice`)!;
    expect(alice.decide('ec2:TerminateInstances').allowedBy[0]).toMatchObject({
      policy: managedArn('Ops'),
      policyKind: 'managed',
    });
    expect(alice.decide('sqs:DeleteQueue').allowedBy[0]).toMatchObject({
      policy: 'group:ops/inline:extra',
      policyKind: 'group-inline',
    });
    expect(decision(alice, 'sqs:CreateQueue')).toBe('denied');
  });
});

describe('explicit denies', () => {
  it('beat any allow and are reported with their statement', () => {
    const p = only({
      principals: [
        principal('app', { inline: { main: policy(allow('*'), deny('rds:Delete*', '*', { Sid: 'NoDelete' })) } }),
      ],
    });
    expect(p.decide('rds:DeleteDBInstance')).toMatchObject({
      decision: 'denied',
      blockedAt: 'explicit-deny',
      deniedBy: [{ sid: 'NoDelete', statementIndex: 1, effect: 'Deny', layer: 'identity' }],
    });
    expect(decision(p, 'rds:CreateDBInstance')).toBe('allowed');
  });

  it('Deny with NotAction denies everything except the listed actions', () => {
    const p = only({
      principals: [
        principal('app', {
          inline: { main: policy(allow('*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }) },
        }),
      ],
    });
    expect(decision(p, 's3:DeleteBucket')).toBe('denied');
    expect(decision(p, 'iam:CreateRole')).toBe('allowed');
  });

  it('Allow with NotAction allows everything except the listed actions', () => {
    const p = only({
      principals: [
        principal('app', {
          inline: { main: policy({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }) },
        }),
      ],
    });
    expect(decision(p, 'ec2:TerminateInstances')).toBe('allowed');
    expect(p.decide('iam:DeleteRole')).toMatchObject({ decision: 'denied', blockedAt: 'identity' });
  });
});

describe('resources', () => {
  const bucket = 'arn:aws:s3:::logs';
  const p = only({
    principals: [
      principal('app', {
        inline: {
          main: policy(
            allow('s3:DeleteBucket', bucket),
            { Effect: 'Allow', Action: 'sqs:DeleteQueue', NotResource: 'arn:aws:sqs:*:*:prod-*' },
            allow('ec2:DescribeInstances', 'arn:aws:ec2:*:*:instance/*'),
          ),
        },
      }),
    ],
  });

  it('a specific Resource with an unknown target depends on the resource', () => {
    expect(p.decide('s3:DeleteBucket')).toMatchObject({ decision: 'depends', dependsOn: ['resource'] });
  });

  it('decides once the target ARN is known', () => {
    expect(decision(p, 's3:DeleteBucket', { resourceArn: bucket })).toBe('allowed');
    expect(decision(p, 's3:DeleteBucket', { resourceArn: 'arn:aws:s3:::other' })).toBe('denied');
  });

  it('Allow with NotResource allows every other resource', () => {
    expect(decision(p, 'sqs:DeleteQueue', { resourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs` })).toBe('allowed');
    expect(decision(p, 'sqs:DeleteQueue', { resourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:prod-jobs` })).toBe(
      'denied',
    );
    expect(decision(p, 'sqs:DeleteQueue')).toBe('depends');
  });

  it('an action that only supports Resource "*" is authorized against "*" itself', () => {
    expect(catalog.get('ec2:DescribeInstances')?.isWildcardOnly).toBe(true);
    expect(p.decide('ec2:DescribeInstances')).toMatchObject({ decision: 'denied', blockedAt: 'identity' });
  });

  it('a Deny on a specific resource may not apply to an unknown target', () => {
    const q = only({
      principals: [principal('app', { inline: { main: policy(allow('*'), deny('s3:DeleteBucket', bucket)) } })],
    });
    expect(q.decide('s3:DeleteBucket')).toMatchObject({ decision: 'depends', dependsOn: ['resource'] });
    expect(q.decide('s3:DeleteBucket').deniedBy[0].dependsOn).toEqual(['resource']);
    expect(decision(q, 's3:DeleteBucket', { resourceArn: bucket })).toBe('denied');
  });

  it('substitutes policy variables in Resource', () => {
    const account = compileAccount(
      snapshot({
        principals: [
          principal('bob', {
            kind: 'user',
            inline: { home: policy(allow('s3:DeleteObject', 'arn:aws:s3:::home/${aws:username}/*')) },
          }),
        ],
      }),
      catalog,
    );
    const bob = account.principals[0];
    expect(decision(bob, 's3:DeleteObject', { resourceArn: 'arn:aws:s3:::home/bob/notes.txt' })).toBe('allowed');
    expect(decision(bob, 's3:DeleteObject', { resourceArn: 'arn:aws:s3:::home/alice/notes.txt' })).toBe('denied');
  });
});

describe('resource-tag conditions and the deny that silently does not apply', () => {
  const guarded = policy(allow('*'), deny('*', '*', { Sid: 'ProtectProd', Condition: PROD }));
  const p = only({ principals: [principal('agent', { inline: { guard: guarded } })] });
  const tagless = catalog.destructive.find((action) => action.tagSupport === 'none')!;

  it('depends on the tag for a tag-aware action when the tags are unknown', () => {
    expect(p.decide('rds:DeleteDBInstance')).toMatchObject({ decision: 'depends', dependsOn: ['aws:ResourceTag/env'] });
  });

  it('denies a production-tagged instance and allows an untagged one', () => {
    expect(decision(p, 'rds:DeleteDBInstance', { resourceTags: { env: 'prod' } })).toBe('denied');
    expect(decision(p, 'rds:DeleteDBInstance', { resourceTags: { Env: 'dev' } })).toBe('allowed');
    expect(decision(p, 'rds:DeleteDBInstance', { resourceTags: {} })).toBe('allowed');
  });

  it(`allows ${tagless.action}: it carries no resource tags, so the deny never applies`, () => {
    expect(p.decide(tagless.action)).toMatchObject({ decision: 'allowed', deniedBy: [] });
    expect(decision(p, tagless.action, { resourceTags: { env: 'prod' } })).toBe('allowed');
  });

  it('a negated tag condition applies to an action without tags (the missing key makes it true)', () => {
    const q = only({
      principals: [
        principal('agent', {
          inline: {
            guard: policy(
              allow('*'),
              deny('*', '*', { Condition: { StringNotEquals: { 'aws:ResourceTag/env': 'dev' } } }),
            ),
          },
        }),
      ],
    });
    expect(decision(q, tagless.action)).toBe('denied');
    expect(decision(q, 'rds:DeleteDBInstance', { resourceTags: { env: 'dev' } })).toBe('allowed');
  });

  it('request tags: a Null check on aws:RequestTag only bites actions that carry request tags', () => {
    const q = only({
      principals: [
        principal('ci', {
          inline: {
            tagging: policy(allow('*'), deny('*', '*', { Condition: { Null: { 'aws:RequestTag/owner': 'true' } } })),
          },
        }),
      ],
    });
    expect(decision(q, 'iam:CreateRole')).toBe('depends');
    expect(decision(q, 'iam:CreateRole', { requestTags: { owner: 'me' } })).toBe('allowed');
    expect(decision(q, 'iam:CreateRole', { requestTags: {} })).toBe('denied');
    // s3:DeleteBucket lists no request-tag keys: the key is absent, so Null = true holds and the deny applies.
    expect(decision(q, 's3:DeleteBucket')).toBe('denied');
  });
});

describe('principal facts', () => {
  it('reads aws:PrincipalTag from the principal’s tags', () => {
    const team = policy(
      allow('dynamodb:*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'payments' } } }),
    );
    const account = compileAccount(
      snapshot({
        principals: [
          principal('tagged', { tags: { Team: 'payments' }, inline: { p: team } }),
          principal('untagged', { inline: { p: team } }),
        ],
      }),
      catalog,
    );
    expect(decision(account.principals[0], 'dynamodb:DeleteTable')).toBe('allowed');
    expect(decision(account.principals[1], 'dynamodb:DeleteTable')).toBe('denied');
  });

  it('names an unknown global key and resolves it from contextKeys', () => {
    const p = only({
      principals: [
        principal('human', {
          inline: { p: policy(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })) },
        }),
      ],
    });
    expect(p.decide('ec2:TerminateInstances')).toMatchObject({
      decision: 'depends',
      dependsOn: ['aws:MultiFactorAuthPresent'],
    });
    expect(decision(p, 'ec2:TerminateInstances', { contextKeys: { 'aws:multifactorauthpresent': ['true'] } })).toBe(
      'allowed',
    );
    expect(decision(p, 'ec2:TerminateInstances', { contextKeys: { 'aws:multifactorauthpresent': ['false'] } })).toBe(
      'denied',
    );
  });
});

describe('permissions boundary', () => {
  const spec = (boundary: object): SnapshotSpec => ({
    principals: [principal('agent', { inline: { p: policy(allow('*')) }, boundary: managedArn('Boundary') })],
    managed: { Boundary: boundary },
  });

  it('stops what the boundary does not allow', () => {
    const p = only(spec(policy(allow(['s3:*', 'ec2:Describe*']))));
    expect(p.hasPermissionsBoundary).toBe(true);
    expect(decision(p, 's3:GetObject')).toBe('allowed');
    expect(p.decide('ec2:TerminateInstances')).toMatchObject({ decision: 'denied', blockedAt: 'boundary' });
  });

  it('a Deny in the boundary is an explicit deny', () => {
    const p = only(spec(policy(allow('*'), deny('s3:DeleteBucket'))));
    expect(p.decide('s3:DeleteBucket')).toMatchObject({
      decision: 'denied',
      blockedAt: 'explicit-deny',
      deniedBy: [{ layer: 'boundary' }],
    });
  });

  it('a boundary whose document is missing makes answers depend on it', () => {
    const account = compileAccount(
      snapshot({
        principals: [principal('agent', { inline: { p: policy(allow('*')) }, boundary: managedArn('Gone') })],
      }),
      catalog,
    );
    expect(account.principals[0].decide('s3:GetObject')).toMatchObject({
      decision: 'depends',
      dependsOn: ['permissions-boundary'],
    });
    expect(account.invalidPolicies).toMatchObject([{ policy: managedArn('Gone') }]);
  });
});

describe('service control policies', () => {
  const app = () => principal('app', { inline: { p: policy(allow('*')) } });

  it('requires an allow at every level', () => {
    const p = only({
      principals: [app()],
      scps: [{ full: FULL_AWS_ACCESS }, { s3only: policy(allow('s3:*')) }, { full: FULL_AWS_ACCESS }],
    });
    expect(p.serviceControlPolicies).toBe('applied');
    expect(decision(p, 's3:DeleteBucket')).toBe('allowed');
    expect(p.decide('ec2:TerminateInstances')).toMatchObject({ decision: 'denied', blockedAt: 'scp' });
  });

  it('an SCP deny is an explicit deny', () => {
    const p = only({ principals: [app()], scps: [{ full: FULL_AWS_ACCESS, guard: policy(deny('rds:Delete*')) }] });
    expect(p.decide('rds:DeleteDBCluster')).toMatchObject({
      blockedAt: 'explicit-deny',
      deniedBy: [{ layer: 'scp', policy: 'p-guard' }],
    });
  });

  it('an SCP deny exempting a role by aws:PrincipalArn applies to the others only', () => {
    const guard = policy(
      deny('rds:Delete*', '*', {
        Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } },
      }),
    );
    const account = compileAccount(
      snapshot({
        principals: [app(), principal('break-glass', { inline: { p: policy(allow('*')) } })],
        scps: [{ full: FULL_AWS_ACCESS, guard }],
      }),
      catalog,
    );
    expect(decision(account.principals[0], 'rds:DeleteDBInstance')).toBe('denied');
    expect(decision(account.principals[1], 'rds:DeleteDBInstance')).toBe('allowed');
  });

  it('do not apply to the management account', () => {
    const p = only({ principals: [app()], scps: [{ s3only: policy(allow('s3:*')) }], isManagementAccount: true });
    expect(p.serviceControlPolicies).toBe('not-applicable');
    expect(p.notes.join(' ')).toMatch(/management account/);
    expect(decision(p, 'ec2:TerminateInstances')).toBe('allowed');
  });

  it('do not apply to service-linked roles', () => {
    const account = compileAccount(
      snapshot({
        principals: [principal('AWSServiceRoleForX', { serviceLinked: true, inline: { p: policy(allow('*')) } })],
        scps: [{ full: FULL_AWS_ACCESS, guard: policy(deny('*')) }],
      }),
      catalog,
    );
    const slr = account.principals[0];
    expect(slr.serviceControlPolicies).toBe('not-applicable');
    expect(decision(slr, 'ec2:TerminateInstances')).toBe('allowed');
  });

  it('when unknown, answers say so instead of claiming the SCPs allow', () => {
    const p = only({ principals: [app()] });
    expect(p.serviceControlPolicies).toBe('unknown');
    expect(p.decide('ec2:TerminateInstances')).toMatchObject({ decision: 'allowed', unevaluated: ['scp'] });
    expect(p.decide('s3:DeleteBucket').unevaluated).toEqual(['scp', 'rcp']);
  });
});

describe('resource control policies', () => {
  it('deny only for services that support RCPs', () => {
    expect(catalog.rcpServices.has('s3')).toBe(true);
    expect(catalog.rcpServices.has('ec2')).toBe(false);
    const rcp = policy({
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:DeleteBucket', 'ec2:TerminateInstances'],
      Resource: '*',
    });
    const p = only({
      principals: [principal('app', { inline: { p: policy(allow('*')) } })],
      scps: [{ full: FULL_AWS_ACCESS }],
      rcps: [{ guard: rcp }],
    });
    expect(p.decide('s3:DeleteBucket')).toMatchObject({
      decision: 'denied',
      blockedAt: 'explicit-deny',
      deniedBy: [{ layer: 'rcp' }],
    });
    expect(decision(p, 'ec2:TerminateInstances')).toBe('allowed');
  });

  it('answer aws:PrincipalOrgID from the organization the input names: a data perimeter holds or not for certain', () => {
    // The usual RCP data perimeter: no one outside the organization, AWS services aside.
    const perimeter = policy({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: {
        StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    // AWS attaches RCPFullAWSAccess at every level; its Allow is read without a problem and changes nothing.
    const fullAccess = policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    const spec = {
      principals: [principal('app', { inline: { p: policy(allow('s3:DeleteBucket')) } })],
      scps: [{ full: FULL_AWS_ACCESS }],
      rcps: [{ full: fullAccess, perimeter }],
    };
    const inOrganization = (organizationId?: string) => {
      const account = compileAccount({ ...snapshot(spec), organizationId }, catalog);
      expect(account.invalidPolicies).toEqual([]);
      return account.principals[0].decide('s3:DeleteBucket');
    };
    expect(inOrganization('o-a1b2c3d4e5').decision).toBe('allowed');
    expect(inOrganization('o-zzzzzzzzzz')).toMatchObject({ decision: 'denied', deniedBy: [{ layer: 'rcp' }] });
    expect(inOrganization(undefined)).toMatchObject({ decision: 'depends', dependsOn: ['aws:PrincipalOrgID'] });
  });

  describe("aws:PrincipalOrgPaths, from the account's place in the organization", () => {
    const ORG = 'o-a1b2c3d4e5';
    const PROD_OU = 'ou-ab12-11111111';
    const underProd = { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${PROD_OU}/*` } };
    // The account under the root r-ab12 and `units`, with FullAWSAccess at every level and `extra` at the root.
    function app(
      identity: Statement,
      units: string[],
      organizationId: string | null = ORG,
      extra?: unknown,
      cache?: CompileCache,
    ) {
      const base = snapshot({ principals: [principal('app', { inline: { p: policy(identity) } })] });
      const level = (kind: 'root' | 'ou' | 'account', id: string, more?: unknown) => ({
        kind,
        id,
        policies: [
          { name: 'FullAWSAccess', arn: `p-full-${id}`, document: FULL_AWS_ACCESS },
          ...(more ? [{ name: 'extra', arn: 'p-extra', document: more }] : []),
        ],
      });
      const account = compileAccount(
        {
          ...base,
          organizationId: organizationId ?? undefined,
          organizationPoliciesKnown: true,
          serviceControlPolicies: [
            level('root', 'r-ab12', extra),
            ...units.map((unit) => level('ou', unit)),
            level('account', ACCOUNT),
          ],
        },
        catalog,
        cache,
      );
      expect(account.invalidPolicies).toEqual([]);
      return account.principals[0];
    }

    it('lets an SCP Deny on the OU stop the accounts in it and below it, and no other', () => {
      const protectProd = policy(deny('s3:DeleteBucket', '*', { Condition: underProd }));
      const decide = (units: string[]) =>
        app(allow('s3:DeleteBucket'), units, ORG, protectProd).decide('s3:DeleteBucket');
      expect(decide([PROD_OU])).toMatchObject({ decision: 'denied', deniedBy: [{ layer: 'scp' }] });
      expect(decide([PROD_OU, 'ou-ab12-33333333'])).toMatchObject({ decision: 'denied' });
      expect(decide(['ou-ab12-22222222'])).toMatchObject({ decision: 'allowed', dependsOn: [] });
      expect(decide([])).toMatchObject({ decision: 'allowed', dependsOn: [] });
      // Without the organization id the path is not known.
      expect(app(allow('s3:DeleteBucket'), [PROD_OU], null, protectProd).decide('s3:DeleteBucket')).toMatchObject({
        decision: 'depends',
        dependsOn: ['aws:PrincipalOrgPaths'],
      });
    });

    it('keeps the answers of accounts in different OUs apart when they share compiled SCPs (an organization audit)', () => {
      const protectProd = policy(deny('s3:DeleteBucket', '*', { Condition: underProd }));
      const cache = new CompileCache(catalog);
      const dev = app(allow('s3:DeleteBucket'), ['ou-ab12-22222222'], ORG, protectProd, cache);
      const prod = app(allow('s3:DeleteBucket'), [PROD_OU], ORG, protectProd, cache);
      expect(dev.decide('s3:DeleteBucket').decision).toBe('allowed');
      expect(prod.decide('s3:DeleteBucket').decision).toBe('denied');
      expect(dev.decideMany(catalog.serviceActions('s3')).find((d) => d.action === 's3:DeleteBucket')?.decision).toBe(
        'allowed',
      );
      expect(prod.decideMany(catalog.serviceActions('s3')).find((d) => d.action === 's3:DeleteBucket')?.decision).toBe(
        'denied',
      );
    });

    it("answers the principal's own grant on its path, and depends where the two forms AWS writes disagree", () => {
      const granted = (condition: object, units: string[]) =>
        app(allow('s3:DeleteBucket', '*', { Condition: condition }), units).decide('s3:DeleteBucket');
      expect(granted(underProd, [PROD_OU])).toMatchObject({ decision: 'allowed', dependsOn: [] });
      expect(granted(underProd, ['ou-ab12-22222222']).decision).toBe('denied');
      // The path to the OU itself, as AWS's examples write it, or with the account id at the end.
      const exact = { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${PROD_OU}/` } };
      expect(granted(exact, [PROD_OU])).toMatchObject({ decision: 'depends', dependsOn: ['aws:PrincipalOrgPaths'] });
      expect(granted(exact, ['ou-ab12-22222222']).decision).toBe('denied');
    });
  });

  it('answers aws:SecureTransport as a request over TLS: a Deny on insecure transport stops nothing asked', () => {
    // AWS's RCP example: no request to these services over plain HTTP.
    const tls = policy({
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*', 'sqs:*'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    });
    const account = compileAccount(
      snapshot({
        principals: [principal('app', { inline: { p: policy(allow('s3:DeleteBucket')) } })],
        scps: [{ full: FULL_AWS_ACCESS }],
        rcps: [{ full: policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), tls }],
      }),
      catalog,
    );
    const app = account.principals[0];
    expect(app.decide('s3:DeleteBucket')).toMatchObject({ decision: 'allowed', dependsOn: [] });
    // A request the caller says is insecure is stopped.
    expect(app.decide('s3:DeleteBucket', { contextKeys: { 'aws:securetransport': ['false'] } })).toMatchObject({
      decision: 'denied',
      deniedBy: [{ layer: 'rcp' }],
    });
  });

  it("answers a resource perimeter's aws:ResourceOrgID and aws:ResourceAccount for the account's own resources", () => {
    // AWS's resource perimeter SCP: nothing outside the organization (or outside this account).
    const perimeter = policy({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
    });
    const ownAccount = policy({
      Effect: 'Deny',
      Action: 'dynamodb:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceAccount': ACCOUNT } },
    });
    const spec = {
      principals: [principal('app', { inline: { p: policy(allow(['s3:DeleteBucket', 'dynamodb:DeleteTable'])) } })],
      scps: [{ full: FULL_AWS_ACCESS, perimeter, ownAccount }],
    };
    const app = (organizationId?: string) => {
      const account = compileAccount({ ...snapshot(spec), organizationId }, catalog);
      expect(account.invalidPolicies).toEqual([]);
      return account.principals[0];
    };
    const production = { resourceTags: { env: 'prod' } };
    // Some production resource of the account: in its organization, so the perimeter does not stop a deletion.
    expect(app('o-a1b2c3d4e5').decide('s3:DeleteBucket', production)).toMatchObject({
      decision: 'allowed',
      dependsOn: [],
    });
    expect(app('o-a1b2c3d4e5').decide('dynamodb:DeleteTable', production).decision).toBe('allowed');
    // Another organization's policies: the perimeter stops everything.
    expect(app('o-zzzzzzzzzz').decide('s3:DeleteBucket', production)).toMatchObject({
      decision: 'denied',
      deniedBy: [{ layer: 'scp' }],
    });
    // No organization id in the input: still unknown.
    expect(app(undefined).decide('s3:DeleteBucket', production)).toMatchObject({
      decision: 'depends',
      dependsOn: ['aws:ResourceOrgID'],
    });
    // A table of another account, by ARN: its organization is not known, and the account-only Deny applies.
    const elsewhere = { resourceArn: 'arn:aws:dynamodb:us-east-1:444455556666:table/orders' };
    expect(app('o-a1b2c3d4e5').decide('dynamodb:DeleteTable', elsewhere)).toMatchObject({
      decision: 'denied',
      deniedBy: [{ layer: 'scp' }],
    });
    // A bucket's ARN names no account: whose it is stays unknown.
    expect(app('o-a1b2c3d4e5').decide('s3:DeleteBucket', { resourceArn: 'arn:aws:s3:::orders' })).toMatchObject({
      decision: 'depends',
      dependsOn: ['aws:ResourceOrgID'],
    });
    // A resource of another account whose organization the caller gives; the organization given for one
    // account is never read for a resource of another.
    const inOther = { resourceAccount: '444455556666', resourceOrganizationId: 'o-a1b2c3d4e5' };
    expect(app('o-a1b2c3d4e5').decide('s3:DeleteBucket', inOther).decision).toBe('allowed');
    expect(
      app('o-a1b2c3d4e5').decide('s3:DeleteBucket', {
        ...inOther,
        resourceArn: 'arn:aws:dynamodb:us-east-1:777788889999:table/orders',
      }),
    ).toMatchObject({ decision: 'depends', dependsOn: ['aws:ResourceOrgID'] });
    // A question about a resource in any account leaves both keys unknown.
    expect(app('o-a1b2c3d4e5').decide('dynamodb:DeleteTable', { resourceAccount: 'any' })).toMatchObject({
      decision: 'depends',
      dependsOn: expect.arrayContaining(['aws:ResourceOrgID', 'aws:ResourceAccount']),
    });
  });
});

describe('invalid policies', () => {
  it('are recorded and skipped while the rest is evaluated', () => {
    const account = compileAccount(
      snapshot({
        principals: [
          principal('app', {
            inline: {
              broken: { Version: '2012-10-17', Statement: [{ Effect: 'Perhaps', Action: 's3:*' }] },
              good: policy(allow('s3:*')),
            },
          }),
        ],
      }),
      catalog,
    );
    expect(account.invalidPolicies).toHaveLength(1);
    expect(account.invalidPolicies[0]).toMatchObject({ policy: 'inline:broken' });
    expect(decision(account.principals[0], 's3:GetObject')).toBe('allowed');
  });

  it('record attached managed policies missing from the snapshot', () => {
    const account = compileAccount(
      snapshot({ principals: [principal('app', { managed: [managedArn('Missing')] })] }),
      catalog,
    );
    expect(account.invalidPolicies[0].message).toMatch(/not in the snapshot/);
  });
});

describe('decideMany', () => {
  it('agrees with decide for every catalog action', () => {
    const p = only({
      principals: [
        principal('mixed', {
          tags: { team: 'a' },
          inline: {
            p: policy(
              allow(['s3:*', 'ec2:*', 'iam:Get*']),
              { Effect: 'Allow', NotAction: ['s3:*', 'ec2:*'], Resource: 'arn:aws:rds:*:*:db:*' },
              deny('ec2:Delete*', '*', { Condition: PROD }),
              deny('s3:*', 'arn:aws:s3:::secret'),
            ),
          },
        }),
      ],
      scps: [
        {
          full: FULL_AWS_ACCESS,
          guard: policy({ Effect: 'Deny', NotAction: ['s3:*', 'ec2:*', 'iam:*', 'rds:*'], Resource: '*' }),
        },
      ],
    });
    const context = { resourceTags: { env: 'prod' } };
    const many = p.decideMany(catalog.actions, context);
    expect(many).toHaveLength(catalog.actions.length);
    for (let i = 0; i < catalog.actions.length; i += 13) {
      expect(many[i]).toEqual(p.decide(catalog.actions[i].action, context));
    }
  });
});

describe('principals sharing policies', () => {
  it('share decisions only where the answers are the same', () => {
    const guard = policy(
      deny('rds:Delete*', '*', { Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/dba' } } }),
      deny('ec2:TerminateInstances', '*', { Condition: PROD }),
    );
    const account = compileAccount(
      snapshot({
        principals: ['app-1', 'app-2', 'dba'].map((name) => principal(name, { managed: [managedArn('Power')] })),
        managed: { Power: policy(allow(['rds:*', 'ec2:*', 's3:*'])) },
        scps: [{ full: FULL_AWS_ACCESS, guard }],
      }),
      catalog,
    );
    const [app1, app2, dba] = account.principals;
    const actions = catalog.destructive;
    const first = app1.decideMany(actions);
    const second = app2.decideMany(actions);
    const third = dba.decideMany(actions);
    expect(second).toEqual(first);
    const index = actions.findIndex((action) => action.action === 'rds:DeleteDBInstance');
    expect(first[index]).toMatchObject({ decision: 'denied', blockedAt: 'explicit-deny' });
    expect(third[index]).toMatchObject({ decision: 'allowed' });
    for (let i = 0; i < actions.length; i += 11) expect(third[i]).toEqual(dba.decide(actions[i].action));
  });
});

describe('resource tags nobody named', () => {
  // ABAC: delete only what carries the caller's team; the caller is on team platform.
  const sameTeam = { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } };
  const p = only({
    principals: [
      principal('app', {
        tags: { team: 'platform' },
        inline: { main: policy(allow('s3:DeleteBucket', '*', { Condition: sameTeam })) },
      }),
    ],
  });

  it('takes the tags given as the whole tag set when no known keys are named', () => {
    expect(decision(p, 's3:DeleteBucket', { resourceTags: { env: 'prod' } })).toBe('denied');
    expect(decision(p, 's3:DeleteBucket', { resourceTags: { env: 'prod', team: 'platform' } })).toBe('allowed');
  });

  it('leaves any other key unknown when only some keys are known: the resource may carry team=platform', () => {
    const d = p.decide('s3:DeleteBucket', { resourceTags: { env: 'prod' }, resourceTagKeysKnown: ['env', 'stage'] });
    expect(d.decision).toBe('depends');
    expect(d.dependsOn).toEqual(['aws:ResourceTag/team']);
  });

  it('keeps a known key absent when it is not among the tags given (any case)', () => {
    const onStage = policy(
      allow('s3:DeleteBucket', '*', { Condition: { Null: { 'aws:ResourceTag/Stage': 'false' } } }),
    );
    const staged = only({ principals: [principal('app', { inline: { main: onStage } })] });
    const request = { resourceTags: { env: 'prod' }, resourceTagKeysKnown: ['env', 'stage'] };
    expect(decision(staged, 's3:DeleteBucket', request)).toBe('denied');
  });
});

describe('a compile cache of one account, asked principal by principal', () => {
  const BROKEN = { Version: '2012-10-17', Statement: [allow('s3:GetObject'), { Effect: 'Maybe', Action: 's3:*' }] };
  const account = snapshot({
    principals: [
      principal('alice', { kind: 'user', groups: ['ops'], inline: { own: BROKEN } }),
      principal('bob', { kind: 'user', groups: ['ops'] }),
      principal('ops', { kind: 'group', managed: [managedArn('Ops')], inline: { shared: BROKEN } }),
    ],
    managed: { Ops: policy(allow('sqs:DeleteQueue')) },
  });
  const [alice, bob, ops] = account.principals;

  it('compiles only the principal asked for, and still reports what it could not read on every use', () => {
    const cache = new CompileCache(catalog, { oneAccount: true });
    for (const user of [alice, bob, alice]) {
      const alone = compileAccount({ ...account, principals: [user, ops] }, catalog, cache, undefined, user.arn);
      expect(alone.principals.map((p) => p.arn)).toEqual([user.arn]);
      // The group's broken inline policy each time; alice's own too.
      const where = alone.invalidPolicies.map((p) => p.where);
      expect(where).toEqual([
        ...(user === alice ? [`${alice.arn}: inline policy own`] : []),
        `${ops.arn}: inline policy shared`,
      ]);
      const compiled = alone.principal(user.arn)!;
      expect(compiled.decide('sqs:DeleteQueue').decision).toBe('allowed');
      expect(compiled.decide('s3:GetObject').decision).toBe('allowed');
      expect(compiled.decide('s3:PutObject').decision).toBe('denied');
    }
  });

  it('shares a compiled statement between the accounts that hold its document, never between two uses of it', () => {
    const cache = new CompileCache(catalog);
    const first = compileAccount(account, catalog, cache);
    const second = compileAccount({ ...account, principals: [bob, ops] }, catalog, cache);
    const refs = (p: CompiledPrincipal | undefined) => p!.decide('sqs:DeleteQueue').allowedBy;
    expect(refs(second.principal(bob.arn))).toEqual(refs(first.principal(bob.arn)));
    // The same document as alice's own inline policy and as the group's: two policies, two sources.
    const own = first
      .principal(alice.arn)!
      .decide('s3:GetObject')
      .allowedBy.map((ref) => ref.policy);
    expect(own.sort()).toEqual(['group:ops/inline:shared', 'inline:own']);
  });
});

describe('one document held by many principals', () => {
  it('is one set of statements for all of them, and what cannot be read of it is reported where each holds it', () => {
    const shared = { Version: '2012-10-17', Statement: [allow('s3:GetObject'), { Effect: 'Maybe', Action: 's3:*' }] };
    const account = snapshot({
      principals: ['a', 'b'].map((name) => principal(name, { inline: { same: shared } })),
    });
    // Two principals, one document object under one name (as a generated probe gives every principal).
    const [a, b] = account.principals;
    const probe = { ...account, principals: [a, { ...b, inlinePolicies: a.inlinePolicies }] };
    const compiled = compileAccount(probe, catalog, new CompileCache(catalog));
    expect(compiled.invalidPolicies.map((p) => p.where)).toEqual([
      `${a.arn}: inline policy same`,
      `${b.arn}: inline policy same`,
    ]);
    const [first, second] = compiled.principals.map((p) => p.decide('s3:GetObject'));
    expect(first.allowedBy[0].statement).toBe(second.allowedBy[0].statement);
  });

  it('is two sets of statements where it is two policies (a user’s own and its group’s), each named as it is', () => {
    const readable = policy(allow('s3:GetObject'));
    const account = snapshot({
      principals: [
        principal('alice', { kind: 'user', groups: ['ops'], inline: { mine: readable } }),
        principal('ops', { kind: 'group', inline: { team: readable } }),
      ],
    });
    const [alice, ops] = account.principals;
    // The parsed snapshot holds copies: give both the one object.
    const same = {
      ...account,
      principals: [alice, { ...ops, inlinePolicies: [{ name: 'team', document: alice.inlinePolicies[0].document }] }],
    };
    for (const cache of [new CompileCache(catalog), new CompileCache(catalog, { oneAccount: true })]) {
      const compiled = compileAccount(same, catalog, cache).principal(alice.arn)!;
      const refs = compiled.decide('s3:GetObject').allowedBy;
      expect(refs.map((ref) => ref.policy).sort()).toEqual(['group:ops/inline:team', 'inline:mine']);
    }
  });
});
