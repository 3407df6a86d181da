// Checks of the agent settings that need the catalog: allowlist and sensitive-read entries must name real
// actions of the agent services, and the allowlist may not open an escape (escalate, tamper, execute).
import type { Catalog } from '../catalog/types';
import { isReadLevel } from '../catalog/read-patterns';
import { targetsOutsideRequest } from '../catalog/targets-outside-request';
import { expandActionPattern } from '../policy';
import { servicesSet } from './select';
import type { GuardrailSpec } from './spec';

/** Classes an allowlisted production write may not have: they reach beyond the resource they name. */
const NEVER_ALLOWLISTED = ['escalate', 'tamper', 'execute'] as const;

export function checkAgentSettings(spec: GuardrailSpec, catalog: Catalog): string[] {
  const problems: string[] = [];
  const allowed = servicesSet(spec.agents.allowedServices);
  const check = (field: string, entries: readonly string[], want: 'write' | 'read'): void => {
    entries.forEach((entry, index) => {
      const where = `agents.${field}[${index}]`;
      const service = entry.split(':')[0].toLowerCase();
      if (!allowed.has(service)) {
        problems.push(`${where}: ${JSON.stringify(entry)} is not an action of agents.allowedServices`);
        return;
      }
      const matched = expandActionPattern(entry, catalog);
      if (matched.length === 0) {
        problems.push(
          `${where}: ${JSON.stringify(entry)} matches no action (AWS action catalog ${catalog.dataVersion})`,
        );
        return;
      }
      const wrongLevel = matched.filter((a) => (want === 'write' ? isReadLevel(a) : !isReadLevel(a)));
      if (wrongLevel.length > 0) {
        problems.push(
          `${where}: ${JSON.stringify(entry)} matches ${want === 'write' ? 'reads' : 'writes'} ` +
            `(${wrongLevel
              .slice(0, 3)
              .map((a) => `${a.action} ${a.accessLevel}`)
              .join(', ')}); ` +
            (want === 'write' ? 'reads are allowed on production already' : 'the invariant already denies writes'),
        );
      }
      if (want === 'write') {
        // Writes whose targets the request does not name are never allowlisted either: the agent guards deny
        // them on every resource, and an allowlist entry would only claim what the policies do not grant.
        const escapes = matched.filter(
          (a) =>
            a.classes.some((c) => (NEVER_ALLOWLISTED as readonly string[]).includes(c)) || targetsOutsideRequest(a),
        );
        if (escapes.length > 0) {
          problems.push(
            `${where}: ${JSON.stringify(entry)} matches ${escapes
              .slice(0, 3)
              .map(
                (a) =>
                  `${a.action} (${targetsOutsideRequest(a) ? 'targets outside the request' : a.classes.join(', ')})`,
              )
              .join(', ')}: escalation, tag tampering and running code as another principal are never allowlisted`,
          );
        }
      }
    });
  };
  check('productionWriteAllowlist', spec.agents.productionWriteAllowlist, 'write');
  check('sensitiveReads', spec.agents.sensitiveReads, 'read');
  return problems;
}

/**
 * The deletions and recreations `agents.productionWriteAllowlist` opens to agents on production (allowed, as
 * every write there, by choice): named whenever guardrails are generated, since they are what leash exists to stop.
 */
export function allowlistedDeletions(spec: GuardrailSpec, catalog: Catalog): string[] {
  const actions = spec.agents.productionWriteAllowlist.flatMap((pattern) => expandActionPattern(pattern, catalog));
  return [
    ...new Set(
      actions.filter((a) => a.classes.includes('delete') || a.classes.includes('recreate')).map((a) => a.action),
    ),
  ].sort();
}
