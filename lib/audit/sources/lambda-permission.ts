// An AWS::Lambda::Permission is one statement of its function's resource policy, written as properties. Read
// the same way by the template source (as a grant) and by the CI gate (as a change to a production function).

/** A service principal (`s3.amazonaws.com`, `events.amazonaws.com.cn`): a DNS name, not an account or an ARN. */
const SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The statement the permission adds: Principal (an account, an ARN, `*` or a service), Action, on `resource`,
 * with SourceArn, SourceAccount and PrincipalOrgID as the conditions Lambda writes for them. `principal` is
 * the Principal property as resolved, when the caller resolves it, to tell a service from an account.
 */
export function lambdaPermissionStatement(
  properties: Readonly<Record<string, unknown>>,
  resource: unknown,
  principal: unknown = properties.Principal,
): Record<string, unknown> {
  const { Action, SourceArn, SourceAccount, PrincipalOrgID } = properties;
  const equals = {
    ...(SourceAccount === undefined ? {} : { 'aws:SourceAccount': SourceAccount }),
    ...(PrincipalOrgID === undefined ? {} : { 'aws:PrincipalOrgID': PrincipalOrgID }),
  };
  const condition = {
    ...(SourceArn === undefined ? {} : { ArnLike: { 'aws:SourceArn': SourceArn } }),
    ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}),
  };
  const service = typeof principal === 'string' && SERVICE.test(principal);
  return {
    Effect: 'Allow',
    Principal: service ? { Service: principal } : { AWS: properties.Principal },
    Action,
    Resource: resource,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}
