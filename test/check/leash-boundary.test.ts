// An agent role that references the leash boundary by name (the StackSet deploys it) is judged with the
// boundary leash generates from the same config, instead of "depending on" a boundary the check never saw.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../lib/check/check';
import { loadCatalog } from '../../lib/catalog';

const catalog = loadCatalog();

function agentTemplate(boundaryName: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-check-boundary-'));
  const file = join(dir, 'Agents.template.json');
  writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        AgentRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'leash-agent-developer',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' },
              ],
            },
            PermissionsBoundary: `arn:aws:iam::111111111111:policy/${boundaryName}`,
            Tags: [{ Key: 'leash:agent', Value: 'true' }],
            Policies: [
              {
                PolicyName: 'grants',
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: ['s3:GetObject', 's3:DeleteObject'],
                      Resource: 'arn:aws:s3:::dev-scratch-*/*',
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    }),
  );
  return file;
}

describe('leash check and the leash boundary referenced by name', () => {
  it('evaluates the generated boundary, which denies deleting production objects, and says so', () => {
    const result = runCheck([agentTemplate('leash-agent-boundary')], undefined, { catalog });
    expect(result.findings.filter((f) => f.ruleId === 'can-delete-production')).toEqual([]);
    expect(result.caveats.join('\n')).toMatch(/leash-agent-boundary is not defined in these templates/);
  });

  it('says a boundary it does not have could not be evaluated, instead of claiming it allows the deletes', () => {
    const result = runCheck([agentTemplate('some-other-boundary')], undefined, { catalog });
    const finding = result.findings.find((f) => f.ruleId === 'can-delete-production');
    expect(finding?.message).toMatch(/some-other-boundary is not in the input, so it could not be evaluated/);
    expect(finding?.message).not.toMatch(/allows them/);
  });
});
