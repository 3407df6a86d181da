// The access graph: "A can act as B" over one account or an organization snapshot, and shortest paths to
// whatever a rule asks about (see README.md).
export { AccessGraph, type EdgeFilter, type Reach, type ReachOptions } from './graph';
export { auditTimeContext, buildAccessGraph, type GraphAccount, type GraphOptions } from './build';
export { memberRootArn, memberRootUser, reachedMemberRoot } from './member-root';
export { isMemberStackSetRole, memberStackSetRole, reachedMemberStackSetRole } from './member-stack-set';
export type { Rewrite, SelfEscalation } from './escalation';
export { ESCALATION_PATHS, type EscalationPath } from './escalation-paths';
export { PATH_RESOLUTIONS, type PathResolution } from './resolutions';
export {
  describePath,
  HOP_VERB,
  pathCertainty,
  shortName,
  type Edge,
  type EdgeKind,
  type Hop,
  type Path,
} from './types';
