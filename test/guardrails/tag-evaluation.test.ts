// The production tag denies work only while AWS evaluates tags: S3 per bucket once its attribute-based access
// control (ABAC) is enabled, DynamoDB per account and Region. Turning that off (s3:PutBucketAbac,
// dynamodb:UpdateAbacStatus) disarms every tag deny at once, so it is itself denied to everyone not exempt.
// Decided by the simulator.
import { switchesTagEvaluation } from '../../lib/guardrails/select';
import {
  catalog,
  defaultGuardrails,
  simulatedDecision,
  type Decision,
  type PrincipalKind,
  type ResourceState,
} from './simulated-defaults';

const guardrails = defaultGuardrails();

type Case = [string, ResourceState, PrincipalKind, Decision];
const cases: Case[] = [
  // A production bucket whose ABAC is on: its production tag is seen, so switching it off is denied.
  ['s3:PutBucketAbac', 'production', 'ordinary', 'denied'],
  ['s3:PutBucketAbac', 'production', 'cloudformation', 'denied'],
  ['s3:PutBucketAbac', 'production', 'agent', 'denied'],
  ['s3:PutBucketAbac', 'production', 'exempt', 'allowed'],
  // Enabling ABAC on a bucket (its tags are not seen yet) stays open.
  ['s3:PutBucketAbac', 'untagged', 'ordinary', 'allowed'],
  // One switch per account and Region, no tag to condition on: denied outright.
  ['dynamodb:UpdateAbacStatus', 'untagged', 'ordinary', 'denied'],
  ['dynamodb:UpdateAbacStatus', 'untagged', 'cloudformation', 'denied'],
  ['dynamodb:UpdateAbacStatus', 'non-production', 'agent', 'denied'],
  ['dynamodb:UpdateAbacStatus', 'untagged', 'exempt', 'allowed'],
];

describe('switching tag evaluation off, decided by the simulator', () => {
  it.each(cases)('%s on a %s resource for the %s role is %s', (name, resource, principal, expected) => {
    const outcome = simulatedDecision(guardrails(), name, resource, principal);
    expect(outcome).toEqual({ decision: expected });
  });
});

describe('tag-evaluation switches in the catalog', () => {
  it('are each protected for everyone, and the caveats name them', () => {
    const switches = catalog.destructive.filter(switchesTagEvaluation).map((a) => a.action);
    expect(switches).toEqual(expect.arrayContaining(['s3:PutBucketAbac', 'dynamodb:UpdateAbacStatus']));
    const unprotected = guardrails().coverage.actions.filter(
      (a) => switches.includes(a.action) && !a.protectedForEveryone,
    );
    expect(unprotected).toEqual([]);
    const caveat = guardrails().coverage.caveats.find((c) => c.includes('attribute-based access control'));
    for (const name of switches) expect(caveat).toContain(name);
  });
});
