// Actions whose effect lands on targets the request does not name: AWS acts later on whatever a filter, a
// tag or "all" selects, with the targets' own credentials or a service-linked role, and authorizes only
// the resources in the request. No resource tag can keep them off production, so agents get none of them.
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
