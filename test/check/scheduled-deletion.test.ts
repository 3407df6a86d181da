// Deletions a deployment schedules for later: EventBridge Scheduler universal targets and Step Functions SDK
// integrations that call delete APIs. The diff of the data stores shows nothing; the gate must still stop them.
import type { Finding } from '../../lib/audit/rules/types';
import { gate, stack } from './gate-helpers';

const byRule = (findings: Finding[]) => findings.filter((f) => f.ruleId === 'scheduled-deletion');

const schedule = (arn: unknown, extra: object = {}) => ({
  Type: 'AWS::Scheduler::Schedule',
  Properties: {
    ScheduleExpression: 'at(2026-12-25T03:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: arn, RoleArn: 'arn:aws:iam::111122223333:role/scheduler', Input: '{"TableName":"orders"}' },
    ...extra,
  },
});

const stateMachine = (definition: Record<string, unknown>) => ({
  Type: 'AWS::StepFunctions::StateMachine',
  Properties: { RoleArn: 'arn:aws:iam::111122223333:role/sfn', ...definition },
});

describe('scheduled deletions', () => {
  it('stops a new Scheduler schedule that deletes a DynamoDB table later', () => {
    const [finding] = byRule(
      gate({ Resources: {} }, { Resources: { Wipe: schedule('arn:aws:scheduler:::aws-sdk:dynamodb:deleteTable') } }),
    );
    expect(finding).toMatchObject({ severity: 'high', location: { logicalId: 'Wipe' } });
    expect(finding.message).toContain('dynamodb:DeleteTable (arn:aws:scheduler:::aws-sdk:dynamodb:deleteTable)');
    expect(finding.details?.changeHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is critical in a production stack, and sees through Fn::Sub', () => {
    const arn = { 'Fn::Sub': 'arn:${AWS::Partition}:scheduler:::aws-sdk:rds:deleteDBInstance' };
    const tags = { stackTags: { environment: 'production' } };
    const before = stack({ Resources: {} }, 'Data', tags);
    const after = stack({ Resources: { Wipe: schedule(arn) } }, 'Data', tags);
    const [finding] = byRule(gate([before], [after]));
    expect(finding).toMatchObject({ severity: 'critical' });
    expect(finding.message).toContain('rds:DeleteDBInstance');
  });

  it.each([
    [
      'an SDK integration in a DefinitionString',
      {
        DefinitionString: JSON.stringify({
          StartAt: 'A',
          States: { A: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:deleteBucket', End: true } },
        }),
      },
      's3:DeleteBucket',
    ],
    [
      'an optimised integration in a Definition object',
      {
        Definition: {
          StartAt: 'A',
          States: { A: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:deleteItem', End: true } },
        },
      },
      'dynamodb:DeleteItem',
    ],
    [
      'a .sync SDK integration inside Fn::Join',
      {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::aws-sdk:ec2:terminateInstances","End":true}}}',
            ],
          ],
        },
      },
      'ec2:TerminateInstances',
    ],
  ])('stops a state machine with %s', (_what, definition, action) => {
    const [finding] = byRule(gate({ Resources: {} }, { Resources: { Flow: stateMachine(definition) } }));
    expect(finding?.message).toContain(action);
  });

  it('stops a state machine whose delete hides in DefinitionSubstitutions, or whose definition is in S3', () => {
    const substituted = stateMachine({
      DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Wipe}","End":true}}}',
      DefinitionSubstitutions: { Wipe: 'arn:aws:states:::aws-sdk:dynamodb:deleteTable' },
    });
    const inS3 = stateMachine({ DefinitionS3Location: { Bucket: 'flows', Key: 'cleanup.asl.json' } });
    const findings = byRule(gate({ Resources: {} }, { Resources: { Substituted: substituted, InS3: inS3 } }));
    const about = (id: string) => findings.find((f) => f.location?.logicalId === id)?.message ?? '';
    expect(about('Substituted')).toContain('dynamodb:DeleteTable');
    expect(about('InS3')).toContain('DefinitionS3Location, which the gate cannot read');
  });

  it.each([
    [
      'an aws:executeAwsApi step in object content',
      {
        mainSteps: [
          {
            name: 'drop',
            action: 'aws:executeAwsApi',
            inputs: { Service: 'dynamodb', Api: 'DeleteTable', TableName: 'orders' },
          },
        ],
      },
      'dynamodb:DeleteTable (aws:executeAwsApi step)',
    ],
    [
      'an aws:deleteStack step in YAML text',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: gone\n    action: aws:deleteStack\n    inputs:\n      StackName: shop-prod\n",
      'cloudformation:DeleteStack (aws:deleteStack step)',
    ],
  ])('stops a Systems Manager Automation document with %s', (_what, content, call) => {
    const doc = { Type: 'AWS::SSM::Document', Properties: { DocumentType: 'Automation', Content: content } };
    const [finding] = byRule(gate({ Resources: {} }, { Resources: { Runbook: doc } }));
    expect(finding?.message).toContain(call);
  });

  it('says nothing about a schedule, state machine or runbook that only reads, invokes or is unchanged', () => {
    const reads = {
      Resources: {
        Poll: schedule('arn:aws:scheduler:::aws-sdk:dynamodb:describeTable'),
        Runbook: {
          Type: 'AWS::SSM::Document',
          Properties: {
            DocumentType: 'Automation',
            Content: {
              mainSteps: [{ action: 'aws:executeAwsApi', inputs: { Service: 'dynamodb', Api: 'DescribeTable' } }],
            },
          },
        },
        Flow: stateMachine({
          Definition: {
            StartAt: 'A',
            States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
          },
        }),
      },
    };
    expect(byRule(gate({ Resources: {} }, reads))).toEqual([]);
    const wipe = { Resources: { Wipe: schedule('arn:aws:scheduler:::aws-sdk:dynamodb:deleteTable') } };
    expect(byRule(gate(wipe, wipe))).toEqual([]);
  });
});
