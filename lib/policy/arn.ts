// ARNs where an ARN is expected (config, --resource-arn, exemptions): `arn:partition:service:region:account:resource`,
// checked for shape so a typo is an error instead of a pattern that silently matches nothing.
import { arnSegments } from './resource';

// Every AWS partition: a typo (aws-us, aws-gov) would otherwise be a pattern that silently matches nothing.
const PARTITION = /^(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc)$/;
const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const REGION = /^([a-z]{2}(-[a-z]+)+-\d+)?$/;
const ACCOUNT = /^(\d{12}|aws)?$/;

/**
 * Why `value` is not an ARN, or undefined when it is one. With `wildcards`, `*` and `?` may stand in any
 * segment (an ARN pattern, as in a policy's Resource or an exemption); a segment holding one is not checked
 * further, and a pattern ending in `*` may stop short of six segments (it covers the rest).
 */
export function arnProblem(value: string, options: { wildcards?: boolean } = {}): string | undefined {
  const shown = JSON.stringify(value);
  // A space at either end is legal in a few resource names but is in practice a typo that matches nothing.
  if (value !== value.trim()) return `${shown} begins or ends with white space: it would match no ARN`;
  if (!value.startsWith('arn:'))
    return `${shown} is not an ARN: expected arn:partition:service:region:account:resource`;
  const wild = (segment: string) => options.wildcards === true && /[*?]/.test(segment);
  if (!options.wildcards && /[*?]/.test(value.split(':').slice(0, 5).join(':'))) {
    return `${shown} is not an ARN: wildcards (* or ?) are not allowed here`;
  }
  const segments = arnSegments(value);
  if (segments.length < 6) {
    if (options.wildcards && value.endsWith('*')) return undefined;
    return `${shown} is not a complete ARN: expected arn:partition:service:region:account:resource`;
  }
  const [, partition, service, region, account, resource] = segments;
  const checks: [string, string, RegExp][] = [
    ['partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc)', partition, PARTITION],
    ['service', service, SERVICE],
    ['region', region, REGION],
    ['12-digit account id', account, ACCOUNT],
  ];
  for (const [name, segment, pattern] of checks) {
    if (wild(segment)) continue;
    if (!pattern.test(segment)) return `${shown} is not an ARN: ${JSON.stringify(segment)} is not a ${name}`;
  }
  if (resource === '') return `${shown} is not an ARN: the resource part (after the fifth colon) is empty`;
  return undefined;
}
