// Templates a stack deploys that leash check was not given: a nested stack whose template is only at its
// TemplateURL (a plain template file names S3; a cloud assembly holds its nested templates and is read whole),
// a SAM application from the Serverless Application Repository, a CloudFormation module (its template is in the
// registry); and a template that a macro rewrites at deployment (a custom `Transform`, `Fn::Transform`). The
// roles and policies they deploy are not judged, and each is said, never passed over.
import type { LoadedStack } from './assembly';
import { macrosOf } from './macros';
import { isModuleType } from './stateful-types';

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const SAM_APPLICATION = 'AWS::Serverless::Application';

/**
 * One caveat per nested stack or SAM application whose template is not among the stacks read, and one per
 * template a macro rewrites.
 */
export function unseenTemplateCaveats(stacks: readonly LoadedStack[]): string[] {
  const loaded = new Set(
    stacks.flatMap((stack) => (stack.nestedIn ? [`${stack.nestedIn.parentKey}\u0000${stack.nestedIn.logicalId}`] : [])),
  );
  const caveats: string[] = [];
  for (const stack of stacks) {
    const macros = macrosOf(stack.template);
    if (macros.length > 0) {
      caveats.push(
        `Stack ${stack.displayName} (${stack.file}): ${macros.join(', ')} rewrite${macros.length === 1 ? 's' : ''} ` +
          'the template at deployment: the roles and policies it deploys are judged only as written (what the ' +
          'macro adds or changes is not judged; --change-set shows what deploys).',
      );
    }
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const where = `${logicalId} (${resource?.Type}, ${stack.file})`;
      if (resource?.Type === NESTED_STACK && !loaded.has(`${stack.key}\u0000${logicalId}`)) {
        const url = resource.Properties?.TemplateURL;
        caveats.push(
          `Nested stack ${where}: its template${typeof url === 'string' ? ` (${url})` : ''} is not among the ` +
            'inputs: the roles and policies it deploys are not judged (give its template, or check the cloud assembly).',
        );
      } else if (typeof resource?.Type === 'string' && isModuleType(resource.Type)) {
        caveats.push(
          `Module ${where}: it makes its resources at deployment from a template in the CloudFormation registry, ` +
            'which is not among the inputs: the roles and policies it deploys are not judged (--change-set shows what deploys).',
        );
      } else if (resource?.Type === SAM_APPLICATION) {
        caveats.push(
          `SAM application ${where}: the template it deploys is not among the inputs: the roles and policies it ` +
            'deploys are not judged.',
        );
      }
    }
  }
  return caveats;
}
