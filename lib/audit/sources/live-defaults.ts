// Defaults of a live organization read, apart from the reader itself so the CLI can show them in its help
// without loading the AWS SDK.

/**
 * The role the audit assumes in each member account. A dedicated read-only role, not the admin
 * OrganizationAccountAccessRole: see templates/iam/member-audit-role-policy.json.
 */
export const DEFAULT_AUDIT_ROLE_NAME = 'leash-audit';
export const DEFAULT_CONCURRENCY = 4;
