// The escalation paths moved to the access graph (lib/audit/graph/escalation-paths.ts), which resolves them
// against real targets; rules keep importing them from here.
export { ESCALATION_PATHS, type EscalationPath } from '../../graph/escalation-paths';
