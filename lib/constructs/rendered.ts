// A CloudFormation resource as it will be synthesized, raw overrides included: PermissionsBoundary.of(...)
// .clear()/.apply() and addOverride('DeletionPolicy', ...) work through overrides the typed properties
// do not show, and a guardrail that ignored them could be switched off without anyone noticing.
import { type CfnResource, Stack } from 'aws-cdk-lib';

export interface RenderedResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Reads CfnResource's internal renderer (present throughout aws-cdk-lib 2.x) and resolves the result. */
export function renderResource(resource: CfnResource): RenderedResource {
  const render = (resource as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  if (typeof render !== 'function') throw new Error('aws-cdk-lib CfnResource has no _toCloudFormation renderer');
  const rendered = Stack.of(resource).resolve(render.call(resource)) as {
    Resources?: Record<string, RenderedResource>;
  };
  const [only] = Object.values(rendered.Resources ?? {});
  return only ?? {};
}
