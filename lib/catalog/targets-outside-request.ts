// Actions whose effect lands on targets IAM does not authorize: AWS acts later on whatever a filter, a tag
// or "all" selects, or on a target the request names only in a parameter (a condition key at most, never
// its tags), with the targets' own credentials or a service-linked role. No resource tag can keep them off
// production, so agents get none of them.
// Data like the classification rules (matched the same way), but they add no class: what they do is
// already classed (an association is execute) or is judged by the audit's own rules.
import { ruleMatches, type ClassificationRule } from './classification';
import type { CatalogAction } from './types';

type TargetsRule = Omit<ClassificationRule, 'class'>;

export const TARGETS_OUTSIDE_REQUEST_RULES: readonly TargetsRule[] = [
  {
    id: 'targets.ssm-association',
    why:
      'Systems Manager authorizes an association against the association and its document only, never against ' +
      'the instances its Targets select (Systems Manager User Guide, "Working with associations using IAM"); ' +
      'the document runs there with their instance profiles',
    verbs: ['Create', 'Update'],
    accessLevels: ['Write'],
    services: ['ssm'],
    object: /^Association(Batch)?$/,
  },
  {
    id: 'targets.maintenance-window-task',
    why:
      "a maintenance-window task runs its command, automation or function on the window's targets, with " +
      "Systems Manager's service-linked role when it names no service role (no SCP applies to that role)",
    verbs: ['Register', 'Update'],
    accessLevels: ['Write'],
    services: ['ssm'],
    object: /^(TaskWithMaintenanceWindow|TargetWithMaintenanceWindow|MaintenanceWindowTask|MaintenanceWindowTarget)$/,
  },
  {
    id: 'targets.lambda-event-source-mapping',
    why:
      'Lambda authorizes an event source mapping as the mapping alone (the Service Authorization Reference ' +
      'gives CreateEventSourceMapping no resource type); the function it invokes is only the lambda:FunctionArn ' +
      "condition key, never its tags, and Lambda polls the source with that function's execution role, so a " +
      'mapping tagged non-production can feed a production function records from a queue the caller fills',
    verbs: ['Create', 'Update'],
    accessLevels: ['Write'],
    services: ['lambda'],
    object: /^EventSourceMapping$/,
  },
  {
    id: 'targets.s3-access-point',
    why:
      'S3 authorizes a new access point as the access point alone, never against the bucket it names, and ' +
      'object requests through it are judged by the access point\'s tags only (S3 User Guide, "Using tags ' +
      'with S3 Access Points for general purpose buckets"), so an access point tagged non-production on a ' +
      'production bucket would let every object in it be overwritten or deleted',
    verbs: ['Create'],
    accessLevels: ['Write'],
    services: ['s3'],
    object: /^AccessPoint$/,
  },
];

/** Whether one of TARGETS_OUTSIDE_REQUEST_RULES matches the action. */
export function targetsOutsideRequest(action: CatalogAction): boolean {
  const classifiable = {
    service: action.service,
    name: action.name,
    accessLevel: action.accessLevel,
    resourceTypeNames: action.resourceTypes.map((type) => type.name),
    description: action.description,
  };
  return TARGETS_OUTSIDE_REQUEST_RULES.some((rule) => ruleMatches({ ...rule, class: 'execute' }, classifiable));
}
