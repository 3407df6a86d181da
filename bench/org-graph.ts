// Access-graph benchmark over an organization snapshot: N accounts (default 200) generated like bench/audit.ts's
// account but smaller, whose roles trust other accounts' roots (cross-account edges), compiled and joined in one
// graph; prints the build time, the closure time (shortest paths of every principal to every self-escalating
// one), edges, hubs and the peak memory.
//   node dist/bench/org-graph.js [--accounts N] [--roles N]
import { compileAccount } from '../lib/audit/evaluate';
import { buildAccessGraph } from '../lib/audit/graph';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import { loadCatalog } from '../lib/catalog';
import { generateAccount } from './generate-account';
import { benchOptions, countOption } from './options';

const options = benchOptions('node dist/bench/org-graph.js [--accounts N] [--roles N]', {
  accounts: { type: 'string' },
  roles: { type: 'string' },
});
const accounts = countOption(options.accounts, 'accounts', 200);
const roles = countOption(options.roles, 'roles', 50);
const catalog = loadCatalog();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const compiled = Array.from({ length: accounts }, (_, k) => {
  // Account ids 100000000000.. are the ones the generator's cross-account trusts name.
  const accountId = String(100000000000 + k);
  const raw = generateAccount(catalog, {
    roles,
    customerManagedPolicies: Math.max(5, Math.round(roles / 5)),
    awsManagedPolicies: 10,
    users: Math.max(1, Math.round(roles / 10)),
    seed: k + 1,
    accountId,
  });
  const snapshot = { ...parseAuthorizationDetails(raw, `account-${k}`), accountId };
  return { snapshot, account: compileAccount(snapshot, catalog) };
});
const t1 = performance.now();
const graph = buildAccessGraph(compiled, { catalog, organizationOf: () => 'o-bench' });
const t2 = performance.now();
const goals = graph.principals.filter((arn) => graph.selfEscalationsOf(arn).length > 0);
const reach = graph.pathsTo(goals);
let reaching = 0;
let crossAccount = 0;
for (const arn of graph.principals) {
  const distance = reach.distance(arn);
  if (distance === undefined || distance === 0) continue;
  reaching++;
  const path = reach.path(arn)!;
  if (path.hops.some((hop) => hop.from.split(':')[4] !== hop.to.split(':')[4])) crossAccount++;
}
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
const principals = graph.principals.length;
console.log(`organization: ${accounts} accounts, ${principals} principals (${roles} roles each)`);
console.log(`generate + parse + compile: ${(t1 - t0).toFixed(0)} ms`);
console.log(
  `graph build:                ${(t2 - t1).toFixed(0)} ms (${graph.edgeCount} edges, ${graph.hubCount} hubs)`,
);
console.log(
  `closure + every path:       ${(t3 - t2).toFixed(0)} ms (${goals.length} self-escalating, ${reaching} reach one, ${crossAccount} across accounts)`,
);
console.log(`CPU (user + system):        ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
console.log(`peak RSS:                   ${((process.resourceUsage().maxRSS * 1024) / 1024 / 1024).toFixed(0)} MiB`);
