// Tag-set writes (s3:PutBucketTagging and the like) replace a resource's whole tag set without reporting
// aws:TagKeys, so only the fail-closed deny can stop them. The permissions boundary must do that on its own:
// in an account the leash SCPs do not reach, it is the only guardrail an agent has.
import { ACCOUNT, proofPolicies, simulate, type ProofPolicies, type ResourceState } from '../../bench/guardrail-proof';
import { auditAccount } from '../../lib/audit/audit';
import { PATH_RESOLUTIONS } from '../../lib/audit/graph';
import type { Finding } from '../../lib/audit/findings';
import { loadAuditInput } from '../../lib/audit/sources';
import { loadCatalog } from '../../lib/catalog';
import type { CatalogAction } from '../../lib/catalog/types';
import {
  defaultGuardrailSpec,
  generateGuardrails,
  GuardrailSpec,
  type GeneratedGuardrails,
} from '../../lib/guardrails';
import { isTagSetWrite, isTagWrite, servicesSet } from '../../lib/guardrails/select';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
const agentServices = servicesSet(spec.agents.allowedServices);
/** Found from the reference data: Tagging-level actions of the agent services that never report aws:TagKeys. */
const agentTagSetWrites = catalog.actions.filter((a) => agentServices.has(a.service) && isTagSetWrite(a));
const agentTagWrites = catalog.actions.filter((a) => agentServices.has(a.service) && isTagWrite(a));

let generated: GeneratedGuardrails;
let policies: ProofPolicies;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
  policies = proofPolicies(generated);
});

function action(name: string): CatalogAction {
  const found = catalog.get(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
}

/** An agent carrying the boundary, in an account without the generated SCPs and RCPs. */
function boundaryAlone(candidate: CatalogAction, resource: ResourceState, resourceTags?: Record<string, string>) {
  return simulate(policies, spec, {
    action: candidate,
    resource,
    principal: 'agent',
    resourceTags,
    withOrganizationPolicies: false,
  });
}

describe('tag-set writes of the agent services', () => {
  it('are found in the catalog data, the S3 bucket and object tag-set writes among them', () => {
    const names = agentTagSetWrites.map((a) => a.action);
    expect(names).toEqual(
      expect.arrayContaining([
        's3:PutBucketTagging',
        's3:PutObjectTagging',
        's3:PutObjectVersionTagging',
        's3:ReplicateTags',
        's3:DeleteObjectTagging',
        's3:DeleteObjectVersionTagging',
      ]),
    );
  });

  it('are each stopped for agents by the boundary alone, and the coverage report says so', () => {
    const entries = new Map(generated.coverage.actions.map((e) => [e.action, e]));
    const notByBoundary = agentTagSetWrites.filter((a) => !entries.get(a.action)?.protectedForAgentsByBoundary);
    expect(notByBoundary.map((a) => a.action)).toEqual([]);
    expect(generated.coverage.dropped.filter((d) => d.policyType === 'boundary')).toEqual([]);
    expect(generated.boundary.characters).toBeLessThanOrEqual(generated.boundary.limit);
  });
});

describe('an agent with only the boundary, decided by the simulator', () => {
  const cases: [string, ResourceState, Record<string, string> | undefined, 'allowed' | 'denied'][] = [
    ['s3:PutBucketTagging', 'production', undefined, 'denied'],
    ['s3:PutBucketTagging', 'untagged', undefined, 'denied'],
    ['s3:PutBucketTagging', 'non-production', undefined, 'allowed'],
    ['s3:PutBucketTagging', 'production', { environment: 'Production' }, 'denied'],
    ['s3:PutBucketTagging', 'production', { environment: 'qa' }, 'denied'],
    ['s3:PutObjectTagging', 'production', undefined, 'denied'],
    ['s3:PutObjectTagging', 'untagged', undefined, 'denied'],
    ['s3:PutObjectTagging', 'non-production', undefined, 'allowed'],
    ['s3:PutObjectVersionTagging', 'production', undefined, 'denied'],
    ['s3:PutObjectVersionTagging', 'untagged', undefined, 'denied'],
    ['s3:PutObjectVersionTagging', 'non-production', undefined, 'allowed'],
    ['s3:ReplicateTags', 'production', undefined, 'denied'],
    ['s3:ReplicateTags', 'untagged', undefined, 'denied'],
    ['s3:ReplicateTags', 'non-production', undefined, 'allowed'],
  ];
  it.each(cases)('decides %s on a %s resource (tags %j): %s', (name, resource, tags, expected) => {
    expect(boundaryAlone(action(name), resource, tags)).toEqual({ decision: expected });
  });

  it('denies every tag write of the agent services that touches the production key of a production or untagged resource', () => {
    expect(agentTagWrites.length).toBeGreaterThan(agentTagSetWrites.length);
    const notDenied: string[] = [];
    for (const candidate of agentTagWrites) {
      for (const resource of ['production', 'untagged'] as const) {
        const outcome = boundaryAlone(candidate, resource);
        if (outcome.decision !== 'denied')
          notDenied.push(`${candidate.action} on ${resource}: ${JSON.stringify(outcome)}`);
      }
    }
    expect(notDenied).toEqual([]);
  });
});

describe('the example account (generated boundary, no leash SCPs)', () => {
  it('carries the boundary the generator emits, unchanged', async () => {
    const input = await loadAuditInput({ input: ['examples/example-account/authorization-details.json'] });
    const boundary = input.accounts[0].managedPolicies.find(
      (p) => p.arn === `arn:aws:iam::${ACCOUNT}:policy/${spec.agents.boundaryPolicyName}`,
    );
    expect(boundary?.document).toEqual(generated.boundary.document);
  });

  it('no longer reports the bounded agent as able to rewrite the production tag through a tag-set write', async () => {
    const input = await loadAuditInput({
      input: ['examples/example-account/authorization-details.json'],
      scp: ['examples/example-account/scps.json'],
    });
    const result = auditAccount(input.accounts[0], { catalog });
    const agentRole = `arn:aws:iam::${ACCOUNT}:role/agent-claude-dev`;
    const findings = result.findings.filter(
      (f) => f.ruleId === 'can-change-production-tag' && f.principalArn === agentRole,
    );
    const reported = findings.flatMap((f) => {
      const details = f.details as { allowed?: string[]; depends?: string[] } | undefined;
      return [...(details?.allowed ?? []), ...(details?.depends ?? [])];
    });
    const setWrites = new Set(agentTagSetWrites.map((a) => a.action));
    expect(reported.filter((name) => setWrites.has(name))).toEqual([]);
    // What may remain is conditional: ec2:CreateTags during a create call (ec2:CreateAction), which tags only
    // the resources being created.
    expect(findings.flatMap((f) => (f.details as { allowed?: string[] } | undefined)?.allowed ?? [])).toEqual([]);
  }, 60_000);

  it('leaves the bounded agent no escalation path that holds on production (layers, user data, templates)', async () => {
    const input = await loadAuditInput({ input: ['examples/example-account/authorization-details.json'] });
    const result = auditAccount(input.accounts[0], { catalog });
    const agentRole = `arn:aws:iam::${ACCOUNT}:role/agent-claude-dev`;
    const escalations = result.findings.filter(
      (f) => f.ruleId === 'privilege-escalation' && f.principalArn === agentRole,
    );
    // The last IAM path it had ran code with a stack's own service role (cloudformation-update-stack); the boundary
    // now makes a stack change name its role, and the PassRole guard keeps that to agent roles. What remains is
    // code planted where a stack or build may read it (a non-production bucket the agent may write), which no IAM
    // guardrail stops: info, needing the stack that reads it.
    const planted = (finding: Finding) =>
      finding.severity === 'info' &&
      (finding.details?.path as { hops: { pathId: string; needs?: string }[] }).hops.every((hop) => {
        const resolution = PATH_RESOLUTIONS[hop.pathId];
        return hop.needs !== undefined && resolution?.kind === 'run-code' && resolution.narrowedBy !== undefined;
      });
    expect(escalations.filter((f) => !planted(f)).map((f) => f.message)).toEqual([]);
  }, 60_000);
});

describe('account-level services in the boundary', () => {
  it('are left to the allow ceiling when agents may not call them (the room the tag-set writes use)', () => {
    const sids = generated.boundary.document.Statement.map((st) => st.Sid);
    expect(sids).not.toContain('DenyOrganizationAccountTrailBackup');
    for (const name of ['organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'backup:DeleteBackupVault']) {
      expect({ name, outcome: boundaryAlone(action(name), 'non-production') }).toEqual({
        name,
        outcome: { decision: 'denied' },
      });
    }
  });

  it('are still denied outright when agents.allowedServices lists them', () => {
    // Fewer of the default agent services beside them: with all of them too, the boundary needs more than
    // the 6,144 characters of a managed policy, and generation fails with a size error instead.
    const wide = GuardrailSpec.parse({
      agents: {
        allowedServices: [
          ...spec.agents.allowedServices.filter((s) => !['events', 'sns', 'sqs', 'xray'].includes(s)),
          'organizations',
          'cloudtrail',
          'backup',
        ],
      },
    });
    const widePolicies = proofPolicies(generateGuardrails(wide, catalog));
    for (const name of ['organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'backup:DeleteBackupVault']) {
      const outcome = simulate(widePolicies, wide, {
        action: action(name),
        resource: 'non-production',
        principal: 'agent',
        withOrganizationPolicies: false,
      });
      expect({ name, outcome }).toEqual({ name, outcome: { decision: 'denied' } });
    }
  });
});
