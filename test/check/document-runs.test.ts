// Systems Manager documents a deployment makes AWS run by itself: an association runs as soon as it is created,
// a maintenance window task, an EventBridge rule target, a Config remediation or a schedule runs later. The
// template often holds only the document's name and the commands it is given; the gate judges those.
import type { Finding } from '../../lib/audit/rules/types';
import { commandCalls } from '../../lib/check/document-runs';
import { catalog, gate, stack } from './gate-helpers';

const runs = (findings: Finding[]) => findings.filter((f) => f.ruleId === 'scheduled-deletion');
const added = (resources: Record<string, unknown>) => runs(gate({ Resources: {} }, { Resources: resources }));
const association = (name: unknown, parameters?: object) => ({
  Type: 'AWS::SSM::Association',
  Properties: { Name: name, Targets: [{ Key: 'tag:environment', Values: ['production'] }], Parameters: parameters },
});

describe('documents a deployment makes AWS run', () => {
  it('stops an association that runs rm -rf on the production instances through AWS-RunShellScript', () => {
    const [finding] = added({ Wipe: association('AWS-RunShellScript', { commands: ['sudo rm -rf /var/lib/data'] }) });
    expect(finding).toMatchObject({ severity: 'high', location: { logicalId: 'Wipe' } });
    expect(finding.message).toContain('rm -r (association commands)');
  });

  it('reads AWS CLI calls in the commands through the catalog, global options and all', () => {
    const commands = ['set -e', 'aws --region eu-west-1 --output json dynamodb delete-table --table-name orders'];
    const [finding] = added({ Wipe: association('AWS-RunShellScript', { commands }) });
    expect(finding.message).toContain('dynamodb:DeleteTable (aws dynamodb delete-table)');
  });

  it('is critical in a production stack', () => {
    const tags = { stackTags: { environment: 'production' } };
    const resources = { Wipe: association('AWS-RunShellScript', { commands: ['mkfs.ext4 /dev/nvme1n1'] }) };
    const [finding] = runs(
      gate([stack({ Resources: {} }, 'Data', tags)], [stack({ Resources: resources }, 'Data', tags)]),
    );
    expect(finding.severity).toBe('critical');
  });

  it.each([
    ['an association', association('AWS-DeleteCloudFormationStack', { StackNameOrId: ['shop'] })],
    [
      'a maintenance window task',
      {
        Type: 'AWS::SSM::MaintenanceWindowTask',
        Properties: { WindowId: 'mw-1', TaskType: 'AUTOMATION', TaskArn: 'AWS-TerminateEC2Instance', Priority: 1 },
      },
    ],
    [
      'a Config remediation that runs by itself',
      {
        Type: 'AWS::Config::RemediationConfiguration',
        Properties: {
          ConfigRuleName: 'r',
          TargetType: 'SSM_DOCUMENT',
          TargetId: 'AWS-DeleteSnapshot',
          Automatic: true,
        },
      },
    ],
    [
      'an EventBridge rule target',
      {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(1 hour)',
          Targets: [
            {
              Id: 't',
              Arn: {
                'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}::automation-definition/AWS-DeleteImage:$DEFAULT',
              },
              RoleArn: 'arn:aws:iam::111122223333:role/events',
            },
          ],
        },
      },
    ],
    [
      'a Scheduler schedule starting an automation',
      {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          ScheduleExpression: 'rate(1 day)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: 'arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution',
            RoleArn: 'arn:aws:iam::111122223333:role/scheduler',
            Input: '{"DocumentName":"AWSConfigRemediation-DeleteUnusedEBSVolume"}',
          },
        },
      },
    ],
  ])('stops %s that runs an AWS-managed document named for a deletion', (_what, resource) => {
    const [finding] = added({ Run: resource });
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toMatch(/AWS-managed document (AWS|AWSConfigRemediation)-(Delete|Terminate)/);
  });

  it('follows a Ref to a Command document of the template and reads its shell steps', () => {
    const [finding] = added({
      Doc: {
        Type: 'AWS::SSM::Document',
        Properties: {
          DocumentType: 'Command',
          Content: {
            schemaVersion: '2.2',
            mainSteps: [
              { action: 'aws:runShellScript', name: 'x', inputs: { runCommand: ['psql -c "DROP TABLE orders"'] } },
            ],
          },
        },
      },
      Run: association({ Ref: 'Doc' }),
    }).filter((f) => f.location?.logicalId === 'Run');
    expect(finding.message).toContain('SQL drop or truncate (association runs document Doc)');
  });

  it('names a document it cannot read instead of taking it as harmless', () => {
    const [finding] = added({ Run: association('team-cleanup') });
    expect(finding.message).toContain('whatever document team-cleanup does');
  });

  it('lets an association with a harmless AWS document and harmless commands through', () => {
    expect(added({ Agent: association('AWS-UpdateSSMAgent') })).toEqual([]);
    expect(
      added({
        Logs: association('AWS-RunShellScript', {
          commands: ['df -h', 'aws s3 ls', 'aws s3 cp x s3://b/x', 'rm /tmp/x.log'],
        }),
      }),
    ).toEqual([]);
  });

  it('reads command text as the AWS CLI and shells see it', () => {
    expect(commandCalls('aws --debug rds delete-db-instance --db-instance-identifier x', catalog)).toEqual([
      'rds:DeleteDBInstance (aws rds delete-db-instance)',
    ]);
    expect(commandCalls('aws s3 rm s3://bucket --recursive', catalog)).toEqual(['s3:DeleteObject (aws s3 rm)']);
    expect(commandCalls('aws s3 sync ./out s3://site --delete', catalog)).toEqual(['s3:DeleteObject (aws s3 sync)']);
    expect(commandCalls('aws s3 sync ./out s3://site', catalog)).toEqual([]);
    expect(commandCalls('Remove-Item C:\\data -Recurse -Force', catalog)).toEqual(['Remove-Item -Recurse']);
    expect(commandCalls('echo ok', catalog)).toEqual([]);
  });
});

describe('nested stacks and StackSets whose template the input lacks', () => {
  const notVisible = (findings: Finding[]) => findings.filter((f) => f.ruleId === 'change-not-visible');

  it.each([
    [
      'a new nested stack',
      { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.amazonaws.com/b/t.json' } },
    ],
    [
      'a new StackSet',
      {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: 's',
          PermissionModel: 'SERVICE_MANAGED',
          TemplateURL: 'https://s3.amazonaws.com/b/t.json',
        },
      },
    ],
  ])('says that %s may run anything at deployment (high)', (_what, resource) => {
    const [finding] = notVisible(gate({ Resources: {} }, { Resources: { Child: resource } }));
    expect(finding).toMatchObject({ severity: 'high', location: { logicalId: 'Child' } });
    expect(finding.message).toContain('is not in the input (TemplateURL)');
  });

  it('a new StackSet whose TemplateBody the template holds is judged by that body', () => {
    const body = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
    const resource = {
      Type: 'AWS::CloudFormation::StackSet',
      Properties: { StackSetName: 's', PermissionModel: 'SERVICE_MANAGED', TemplateBody: body },
    };
    expect(notVisible(gate({ Resources: {} }, { Resources: { Child: resource } }))).toEqual([]);
  });
});
