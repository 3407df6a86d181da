// The few actions the classification rules get wrong, each with the reason. Keep this list short: a new
// pattern belongs in classification-rules.ts. A test fails when an entry names an action the data lacks.
import type { ClassificationOverride } from './classification';

export const CLASSIFICATION_OVERRIDES: readonly ClassificationOverride[] = [
  {
    action: 'organizations:CloseAccount',
    add: ['delete', 'tamper'],
    reason: 'closing a member account ends every resource in it and takes it out of the organization',
  },
  {
    action: 'account:CloseAccount',
    add: ['delete'],
    reason: 'closing the account ends every resource in it',
  },
  {
    action: 's3:PutLifecycleConfiguration',
    add: ['delete'],
    reason: 'an expiration rule deletes every object it matches, with no further call',
  },
  {
    action: 'sqs:DeleteMessage',
    remove: ['delete'],
    reason:
      'deleting a received message is how a consumer acknowledges it (DeleteMessageBatch too); the queue is untouched',
  },
  {
    action: 'cloudformation:DeleteChangeSet',
    remove: ['delete'],
    reason: 'a change set is a proposal; deleting it changes no resource',
  },
  {
    action: 'ec2:ReleaseAddress',
    add: ['delete'],
    reason: 'a released Elastic IP address is gone for good; DNS and allow-lists pointing at it break',
  },
];
