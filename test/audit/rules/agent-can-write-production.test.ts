import * as rule from '../../../lib/audit/rules/agent-can-write-production';
import type { Finding } from '../../../lib/audit/rules/types';
import { defaultGuardrailSpec, generateGuardrails } from '../../../lib/guardrails';
import {
  about,
  allow,
  catalog,
  doc,
  FULL_ACCESS_LEVEL,
  REGION_DENY_LEVEL,
  roleArn,
  run,
  deny,
  type PrincipalSpec,
} from './helpers';

const generated = generateGuardrails(defaultGuardrailSpec(), catalog);
const boundary = generated.boundary.document;
const scps = generated.serviceControlPolicies.map((p) => ({ name: p.name, document: p.document }));
const agentTag = { 'leash:agent': 'true' };

describe('agent-can-write-production', () => {
  describe('a tag written to make an agent that IAM does not match', () => {
    const writer = (tags: Record<string, string>): PrincipalSpec => ({
      name: 'agent',
      tags,
      policies: [doc(allow('dynamodb:DeleteTable'))],
    });
    const found = (tags: Record<string, string>) => about(run(rule, { principals: [writer(tags)] }), 'agent');

    it.each([
      [{ 'leash:agent': 'true ' }, '"leash:agent"="true "'],
      [{ 'leash-agent': 'true' }, '"leash-agent"="true"'],
      [{ 'leash:agnet': 'True' }, '"leash:agnet"="True"'],
    ])('judges %j as the agent it was meant to be, and says no agent guardrail holds it', (tags, shown) => {
      const [finding] = found(tags);
      expect(finding?.severity).toBe('critical');
      expect(finding?.message).toContain(
        `as an agent (a tag ${shown} that reads as the agent tag leash:agent=true but that IAM does not match, so no agent guardrail holds it)`,
      );
    });

    it('takes the agent tag in any case as the agent tag, and a different value as no agent', () => {
      expect(found({ 'Leash:Agent': 'TRUE' })[0]?.message).toContain('as an agent (agent principal tag)');
      expect(found({ 'leash:agent': 'false' })).toEqual([]);
      expect(found({ team: 'true' })).toEqual([]);
    });
  });

  it('accepts an administrator agent held by the generated boundary and SCPs', () => {
    const findings = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, boundary: 'leash-agent-boundary', policies: [doc(allow('*'))] }],
      managed: { 'leash-agent-boundary': boundary },
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'agent')).toEqual([]);
  });

  it('writes a production table once it tags it as its grant asks (owner=agent), where it may tag it', () => {
    const ownTables = allow('dynamodb:PutItem', '*', {
      Condition: { StringEquals: { 'aws:ResourceTag/owner': 'agent' } },
    });
    const found = (tagging: boolean) =>
      about(
        run(rule, {
          principals: [
            {
              name: 'agent',
              tags: agentTag,
              policies: [doc(ownTables, ...(tagging ? [allow('dynamodb:TagResource')] : []))],
            },
          ],
        }),
        'agent',
      ).find(
        (f) =>
          (f.details?.allowed as string[] | undefined)?.includes('dynamodb:PutItem') ||
          (f.details?.depends as string[] | undefined)?.includes('dynamodb:PutItem'),
      );
    const tags = found(true);
    expect(tags?.severity).toBe('critical');
    expect(tags?.message).toContain('once it tags the resource owner=agent first (dynamodb:TagResource)');
    expect(tags?.details?.tagFirst).toMatchObject({ tags: { owner: 'agent' }, actions: ['dynamodb:PutItem'] });
    // It may not tag the table: whether a production table is the agent's depends on its tag.
    const cannot = found(false);
    expect(cannot?.severity).toBe('high');
    expect(cannot?.details?.tagFirst).toBeUndefined();
  });

  it('recognises the agent tag in any case, as the SCP agent layer does', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'agent', tags: { 'Leash:Agent': 'TRUE' }, policies: [doc(allow('s3:PutObject'))] }],
    });
    expect(finding).toMatchObject({ severity: 'critical', details: { recognisedBy: 'agent principal tag' } });
  });

  it('names a different boundary as the layer that lets an agent write when the SCPs were not read', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, boundary: 'legacy', policies: [doc(allow('*'))] }],
      managed: { legacy: doc(allow('*')) },
    });
    expect(finding).toMatchObject({ severity: 'critical', details: { recognisedBy: 'agent principal tag' } });
    expect(finding.message).toContain('a permissions boundary other than leash-agent-boundary (legacy)');
    expect(finding.message).toContain('the SCPs were not read');
    // No condition of its policies reads the tag: a value the config does not list is answered as no tag at all.
    expect(finding.details?.resourceStates).toEqual(['tagged environment=production', 'untagged']);
  });

  describe('under a region deny SCP (the caller picks aws:RequestedRegion)', () => {
    const regions = REGION_DENY_LEVEL();

    it('is critical: it writes production in a region the SCP allows, and says which', () => {
      const [finding] = about(
        run(rule, {
          principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('s3:PutObject'))] }],
          scps: [regions],
        }),
        'agent',
      );
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { allowed: ['s3:PutObject'], dependsCount: 0, requestedRegions: ['eu-west-1'] },
      });
      expect(finding.message).toContain('(in eu-west-1, a region the caller may name: aws:RequestedRegion)');
    });

    it('reaches a role it passes to Lambda, whose writes count in that region too', () => {
      const findings = run(rule, {
        principals: [
          {
            name: 'agent',
            tags: agentTag,
            policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
          },
          { name: 'writer', policies: [doc(allow('dynamodb:PutItem'))] },
        ],
        scps: [regions],
      });
      const transitive = about(findings, 'agent').find((f) => f.details?.transitive);
      expect(transitive).toMatchObject({ severity: 'critical' });
      expect(transitive?.message).toContain('dynamodb:PutItem');
      expect(transitive?.message).not.toContain('depending on conditions');
    });
  });

  it('reports a write an ABAC condition on another tag allows: production resources carry other tags too', () => {
    const sameTeam = { Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } };
    const [finding] = about(
      run(rule, {
        principals: [
          {
            name: 'agent',
            tags: { ...agentTag, team: 'platform' },
            policies: [doc(allow('s3:PutObject', '*', sameTeam))],
          },
        ],
      }),
      'agent',
    );
    expect(finding).toMatchObject({ severity: 'high', details: { dependsOn: ['aws:ResourceTag/team'] } });
  });

  it('takes a grant on a production ARN of the config as a certain write, not one that depends on the resource', () => {
    const table = 'arn:aws:dynamodb:us-east-1:111122223333:table/orders';
    const spec = { principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('dynamodb:PutItem', table))] }] };
    expect(about(run(rule, spec), 'agent')).toMatchObject([{ severity: 'high', details: { allowedCount: 0 } }]);
    const [finding] = about(run(rule, spec, { guardrails: { production: { arns: [table] } } }), 'agent');
    expect(finding).toMatchObject({ severity: 'critical', details: { allowed: ['dynamodb:PutItem'] } });
    expect(finding.details?.resourceStates).toContain(table);
  });

  it('asks about production under every production tag key, not only the first', () => {
    const onlyStage = { Condition: { StringEquals: { 'aws:ResourceTag/stage': 'prod' } } };
    const spec = {
      principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('s3:DeleteObject', '*', onlyStage))] }],
    };
    const config = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['prod'] } } };
    const [finding] = about(run(rule, spec, config), 'agent');
    expect(finding).toMatchObject({ severity: 'critical' });
    expect(finding.details?.resourceStates).toEqual(['tagged stage=prod']);
    expect(finding.message).toContain('s3:DeleteObject');
  });

  it('is satisfied by the SCP agent layer alone when an agent role lost its boundary', () => {
    const findings = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'agent')).toEqual([]);
  });

  it('reports an administrator whose requests through an MCP server can write when no SCP agent layer is attached', () => {
    const findings = run(rule, {
      principals: [{ name: 'platform-admin', policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL()],
    });
    const [finding] = about(findings, 'platform-admin');
    expect(finding).toMatchObject({
      severity: 'high',
      details: { recognisedBy: 'request through an AWS managed MCP server' },
    });
    expect(finding.message).toContain('no SCP agent layer denies them for a request through an AWS managed MCP server');
    // An agent by its tag reads "an agent principal tag".
    const tagged = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL()],
    });
    expect(about(tagged, 'agent')[0].message).toContain('no SCP agent layer denies them for an agent principal tag');
  });

  it('reads an agent source identity only into the sessions of a role whose trust lets one be set', () => {
    const config = { guardrails: { agents: { sourceIdentityPatterns: ['agent-*'], mcp: { treatAsAgent: false } } } };
    const trust = (actions: string[]) =>
      doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: actions });
    const findingsWith = (actions: string[]) =>
      about(
        run(
          rule,
          {
            principals: [{ name: 'platform-admin', trust: trust(actions), policies: [doc(allow('*'))] }],
            scps: [FULL_ACCESS_LEVEL()],
          },
          config,
        ),
        'platform-admin',
      );
    const [settable] = findingsWith(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    expect(settable).toMatchObject({ severity: 'high', details: { recognisedBy: 'agent source identity (agent-*)' } });
    // No session of it carries one, not even one chained from a session that does (that needs the permission too).
    expect(findingsWith(['sts:AssumeRole'])).toEqual([]);
  });

  // The agent invariant holds for named resources too: a grant on the production table's ARN, on a bucket's
  // objects, or behind a condition the request may meet, lets the agent write there. Reported one step lower
  // (the decision depends on which resource, or on the condition), never not at all.
  it.each([
    [
      'dynamodb:DeleteTable on a named table',
      allow('dynamodb:DeleteTable', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'),
      'resource',
    ],
    ['s3:DeleteObject on a bucket’s objects', allow('s3:DeleteObject', 'arn:aws:s3:::prod-data/*'), 'resource'],
  ])('reports an agent allowed %s, depending on what decides it', (_, statement, key) => {
    const [finding] = about(
      run(rule, { principals: [{ name: 'agent', tags: agentTag, policies: [doc(statement)] }] }),
      'agent',
    );
    expect(finding).toMatchObject({
      severity: 'high',
      details: { allowedCount: 0, dependsCount: 1, dependsOn: [key] },
    });
    expect(finding.message).toContain(`depending on ${key}`);
  });

  it('reports a grant in one region as a write there, for certain: the caller picks the region', () => {
    const inOne = allow('dynamodb:DeleteTable', '*', {
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    const [finding] = about(
      run(rule, { principals: [{ name: 'agent', tags: agentTag, policies: [doc(inOne)] }] }),
      'agent',
    );
    expect(finding).toMatchObject({
      severity: 'critical',
      details: { allowedCount: 1, dependsCount: 0, requestedRegions: ['eu-west-1'] },
    });
  });

  it('accepts the same administrator under the generated SCPs (the MCP agent layer)', () => {
    const findings = run(rule, {
      principals: [{ name: 'platform-admin', policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'platform-admin')).toEqual([]);
  });

  // Acting as another principal leaves the agent tag behind: the other principal's requests are its own, so
  // neither the agent boundary nor the SCP agent layer holds them. The agent writes wherever it can reach.
  describe('through another principal', () => {
    const trustsAgent = doc({
      Effect: 'Allow',
      Principal: { AWS: roleArn('agent') },
      Action: 'sts:AssumeRole',
    });
    // Taking a hop is a write of its own (sts:AssumeRole on the role it names): the direct finding stays, and the
    // path is a second finding.
    const transitiveAbout = (findings: Finding[], name: string) =>
      about(findings, name).filter((f) => f.details?.transitive === true);
    const agentAssuming = (target: string): PrincipalSpec => ({
      name: 'agent',
      tags: agentTag,
      policies: [doc(allow('sts:AssumeRole', roleArn(target)))],
    });

    it('reports an agent that can assume a role that puts objects, with the path', () => {
      const findings = run(rule, {
        principals: [
          agentAssuming('deployer'),
          { name: 'deployer', trust: trustsAgent, policies: [doc(allow('s3:PutObject'))] },
        ],
      });
      const [finding] = transitiveAbout(findings, 'agent');
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { transitive: true, recognisedBy: 'agent principal tag' },
      });
      expect(finding.message).toContain('role/agent → assume role/deployer → s3:PutObject');
      expect(finding.details?.path).toMatchObject({ to: roleArn('deployer'), certain: true });
    });

    it('counts the writes a role it acts as gets through by sending tags', () => {
      const devTags = { Condition: { StringEquals: { 'aws:RequestTag/environment': 'dev' } } };
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [
            agentAssuming('tagger'),
            { name: 'tagger', trust: trustsAgent, policies: [doc(allow('ec2:CreateTags', '*', devTags))] },
          ],
        }),
        'agent',
      );
      expect(finding).toMatchObject({ severity: 'critical' });
      expect(finding.message).toContain('assume role/tagger → ec2:CreateTags');
    });

    it('rates a role that writes only named resources one step lower (depends), as the delete rule does', () => {
      const named = allow('dynamodb:PutItem', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders');
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [agentAssuming('app'), { name: 'app', trust: trustsAgent, policies: [doc(named)] }],
        }),
        'agent',
      );
      expect(finding.severity).toBe('high');
      expect(finding.message).toContain('(depending on conditions)');
    });

    it('follows several hops: assume one role, then another that writes', () => {
      const hop = doc({ Effect: 'Allow', Principal: { AWS: roleArn('middle') }, Action: 'sts:AssumeRole' });
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [
            agentAssuming('middle'),
            { name: 'middle', trust: trustsAgent, policies: [doc(allow('sts:AssumeRole', roleArn('writer')))] },
            { name: 'writer', trust: hop, policies: [doc(allow('ec2:ModifyInstanceAttribute'))] },
          ],
        }),
        'agent',
      );
      expect(finding.message).toContain('role/agent → assume role/middle → assume role/writer');
      expect(finding.details?.path).toMatchObject({ to: roleArn('writer') });
    });

    it('reports an agent that can pass a writing role to a Lambda function it creates and invokes', () => {
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [
            {
              name: 'agent',
              tags: agentTag,
              policies: [
                doc(
                  allow('iam:PassRole', roleArn('fn-role')),
                  allow(['lambda:CreateFunction', 'lambda:InvokeFunction']),
                ),
              ],
            },
            { name: 'fn-role', policies: [doc(allow('rds:ModifyDBInstance'))] },
          ],
        }),
        'agent',
      );
      expect(finding.message).toContain('role/agent → pass to a service role/fn-role → rds:ModifyDBInstance');
    });

    it('reports an agent that can assume a role one IAM write away from writing, ending where the write raises it', () => {
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [
            agentAssuming('ops'),
            { name: 'ops', trust: trustsAgent, policies: [doc(allow('iam:PutRolePolicy', roleArn('ops')))] },
          ],
        }),
        'agent',
      );
      expect(finding.message).toContain('role/agent → assume role/ops → raise its own permissions →');
      expect(finding.severity).toBe('critical');
    });

    it('says nothing when the role the agent reaches only reads', () => {
      const findings = run(rule, {
        principals: [
          agentAssuming('reader'),
          { name: 'reader', trust: trustsAgent, policies: [doc(allow(['s3:GetObject', 'dynamodb:Query']))] },
        ],
      });
      expect(transitiveAbout(findings, 'agent')).toEqual([]);
    });

    it('is stopped by the generated agent boundary, which does not let the agent assume the role', () => {
      const findings = run(rule, {
        principals: [
          { ...agentAssuming('deployer'), boundary: 'leash-agent-boundary' },
          { name: 'deployer', trust: trustsAgent, policies: [doc(allow('s3:PutObject'))] },
        ],
        managed: { 'leash-agent-boundary': boundary },
      });
      expect(about(findings, 'agent')).toEqual([]);
    });

    it('adds no second finding for an administrator agent: the roles it reaches write nothing it cannot', () => {
      const findings = run(rule, {
        principals: [
          { name: 'agent', tags: agentTag, policies: [doc(allow('*'))] },
          { name: 'deployer', trust: trustsAgent, policies: [doc(allow('s3:PutObject'))] },
        ],
      });
      expect(about(findings, 'agent').map((f) => f.details?.transitive ?? false)).toEqual([false]);
    });

    it('says nothing when the agent reaches another agent that the generated boundary holds', () => {
      const findings = run(rule, {
        principals: [
          agentAssuming('other-agent'),
          {
            name: 'other-agent',
            tags: agentTag,
            trust: trustsAgent,
            boundary: 'leash-agent-boundary',
            policies: [doc(allow('*'))],
          },
        ],
        managed: { 'leash-agent-boundary': boundary },
      });
      expect(transitiveAbout(findings, 'agent')).toEqual([]);
    });

    it('reports an agent that writes through a role it rewrites, when its own boundary caps a write on itself', () => {
      const findings = run(rule, {
        principals: [
          {
            name: 'agent',
            tags: agentTag,
            boundary: 'agent-cap',
            policies: [
              doc(
                allow('iam:AttachRolePolicy', roleArn('agent')),
                allow('iam:PutRolePolicy', roleArn('free')),
                allow('sts:AssumeRole', roleArn('free')),
              ),
            ],
          },
          { name: 'free', trust: trustsAgent, policies: [] },
        ],
        // The boundary lets the agent write IAM policies and assume roles, nothing else it could use after.
        managed: { 'agent-cap': doc(allow(['iam:AttachRolePolicy', 'iam:PutRolePolicy', 'sts:AssumeRole'])) },
      });
      const [finding] = transitiveAbout(findings, 'agent');
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { escalation: { pathId: 'put-role-policy', holder: roleArn('free'), decision: 'allowed' } },
      });
      // Every write, not only the three IAM writes the capped write on itself would give.
      expect(finding.details?.allowedCount).toBeGreaterThan(1000);
    });

    it('reports an agent that can attach a policy to itself and then write, when no boundary holds it', () => {
      const [finding] = transitiveAbout(
        run(rule, {
          principals: [
            { name: 'agent', tags: agentTag, policies: [doc(allow('iam:AttachRolePolicy', roleArn('agent')))] },
          ],
        }),
        'agent',
      );
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { transitive: true, escalation: { pathId: 'attach-role-policy', decision: 'allowed' } },
      });
      expect(finding.message).toContain('once it raises its own permissions');
    });
  });

  describe('when the agent sends tags (a tagging call, a create with tags)', () => {
    const when = (condition: object) => ({ Condition: condition });
    const agentWith = (...statements: unknown[]) => ({
      principals: [{ name: 'agent', tags: { ...agentTag, team: 'platform' }, policies: [doc(...statements)] }],
    });

    it('reports re-tagging production non-production, which a grant on aws:RequestTag allows', () => {
      const spec = agentWith(
        allow('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/environment': 'dev' } })),
      );
      const [finding] = about(run(rule, spec), 'agent');
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { allowed: ['ec2:CreateTags'], callerPicks: ['sending the tags environment=dev'] },
      });
      expect(finding.details?.resourceStates).toEqual(['tagged environment=production', 'untagged']);
      expect(finding.message).toContain('and the tags it sends, are its pick');
    });

    it('sends the tags an ABAC grant asks for, another key or a policy variable of its own tags', () => {
      for (const [condition, sent] of [
        [{ StringEquals: { 'aws:RequestTag/owner': 'agent' } }, 'owner=agent'],
        [{ StringLike: { 'aws:RequestTag/owner': 'agent-*' } }, 'owner=agent-x'],
        [{ StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } }, 'team=platform'],
        [{ StringEquals: { 'aws:RequestTag/owner': 'agent', 'aws:RequestTag/cost': 'c1' } }, 'owner=agent, cost=c1'],
      ] as const) {
        const [finding] = about(run(rule, agentWith(allow('ec2:CreateTags', '*', when(condition)))), 'agent');
        expect(finding).toMatchObject({ severity: 'critical', details: { callerPicks: [`sending the tags ${sent}`] } });
      }
    });

    it('escapes a Deny by sending the tag it asks for, and finds nothing where no tags get through', () => {
      const escaped = agentWith(
        allow('ec2:CreateTags'),
        deny('ec2:CreateTags', '*', when({ StringNotEquals: { 'aws:RequestTag/owner': 'agent' } })),
      );
      expect(about(run(rule, escaped), 'agent')).toMatchObject([{ severity: 'critical' }]);
      const contradiction = agentWith(
        allow('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/owner': 'agent' } })),
        deny('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/owner': 'agent' } })),
      );
      expect(about(run(rule, contradiction), 'agent')).toEqual([]);
    });

    it('sends what a grant asks for and what escapes an SCP Deny in one request', () => {
      const onlyProject = deny('*', '*', when({ StringNotEqualsIfExists: { 'aws:RequestTag/project': 'p1' } }));
      const [finding] = about(
        run(rule, {
          ...agentWith(allow('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/owner': 'agent' } }))),
          scps: [FULL_ACCESS_LEVEL([{ name: 'project', document: doc(onlyProject) }])],
        }),
        'agent',
      );
      expect(finding).toMatchObject({
        severity: 'critical',
        details: { callerPicks: ['sending the tags project=p1, owner=agent'] },
      });
    });

    it('sends them in a region a region deny SCP lets through, naming the first request that writes', () => {
      const spec = {
        ...agentWith(allow('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/owner': 'agent' } }))),
        scps: [REGION_DENY_LEVEL()],
      };
      const [finding] = about(run(rule, spec), 'agent');
      expect(finding).toMatchObject({
        severity: 'critical',
        details: {
          allowed: ['ec2:CreateTags'],
          dependsCount: 0,
          requestedRegions: ['eu-west-1'],
          callerPicks: ['in eu-west-1, sending the tags owner=agent'],
        },
      });
      expect(finding.details?.resourceStates).toEqual(['tagged environment=production', 'untagged']);
    });

    it('asks EC2 tag-on-create as the stand-alone call: tagging only inside a create writes no existing resource', () => {
      const onCreate = allow('ec2:CreateTags', '*', when({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } }));
      expect(about(run(rule, agentWith(onCreate)), 'agent')).toEqual([]);
      // The same grant without the condition tags any existing resource.
      expect(about(run(rule, agentWith(allow('ec2:CreateTags'))), 'agent')).toMatchObject([{ severity: 'critical' }]);
    });

    it('lets a create tag its new resource non-production, but not on a resource tagged production', () => {
      const spec = agentWith(
        allow('ec2:RunInstances', '*', when({ StringEquals: { 'aws:RequestTag/environment': 'dev' } })),
      );
      const [finding] = about(run(rule, spec), 'agent');
      expect(finding).toMatchObject({ severity: 'critical', details: { allowed: ['ec2:RunInstances'] } });
      expect(finding.details?.resourceStates).toEqual(['tagged environment=production']);
    });

    it('accepts an administrator agent with tag grants held by the generated boundary alone', () => {
      const findings = run(rule, {
        principals: [
          {
            name: 'agent',
            tags: agentTag,
            boundary: 'leash-agent-boundary',
            policies: [
              doc(
                allow('*'),
                allow('ec2:CreateTags', '*', when({ StringEquals: { 'aws:RequestTag/owner': 'agent' } })),
              ),
            ],
          },
        ],
        managed: { 'leash-agent-boundary': boundary },
      });
      expect(about(findings, 'agent')).toEqual([]);
    });
  });
});
