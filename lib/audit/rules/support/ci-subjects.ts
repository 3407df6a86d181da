// The `sub` claims of CI services other than GitHub Actions, read for what a `StringLike` pattern on them lets
// choose: GitLab (`project_path:group/project:ref_type:branch:ref:main`), HCP Terraform
// (`organization:org:project:proj:workspace:ws:run_phase:apply`) and Buildkite
// (`organization:org:pipeline:name:ref:refs/heads/main:commit:...:step:...`). The owner (group, organization)
// is what a stranger cannot be (trust-oidc-unconstrained judges a wildcard there); these say what someone of the
// owner's may choose: a project, workspace or pipeline they create, or a branch, pull request or plan they start.

/** What a pattern leaves open: `unit` (a project to create) or `run` (a branch, or plan, to start), with words. */
export interface OpenSubject {
  readonly kind: 'unit' | 'run';
  readonly service: string;
  /** The owner and, for a run, the unit: "acme", "acme/app". */
  readonly where: string;
  readonly what: string;
}

const WILD = /[*?]/;

/**
 * What a `StringLike` pattern (or, with `like` false, a literal value) on a CI `sub` claim of the issuer `host`
 * leaves open.
 */
export function openCiSubject(pattern: string, like: boolean, host: string): OpenSubject | undefined {
  const wild = (text: string) => like && WILD.test(text);
  if (pattern.startsWith('project_path:')) {
    const [path, ...rest] = pattern.slice('project_path:'.length).split(':');
    const [group, ...project] = path.split('/');
    if (wild(group)) return undefined;
    if (project.length === 0 || project.some(wild)) {
      return { kind: 'unit', service: 'GitLab CI', where: group, what: 'any project of the group' };
    }
    if (wild(rest.join(':'))) {
      return { kind: 'run', service: 'GitLab CI', where: path, what: 'a branch or tag whoever may push there names' };
    }
    return undefined;
  }
  if (!pattern.startsWith('organization:')) return undefined;
  const fields = pattern.slice('organization:'.length).split(':');
  const owner = fields[0];
  if (wild(owner)) return undefined;
  const field = (name: string) => {
    const index = fields.indexOf(name, 1);
    return index < 0 ? undefined : fields[index + 1];
  };
  if (fields.includes('workspace')) {
    const project = field('project') ?? '';
    const workspace = field('workspace') ?? '';
    if (wild(project) || wild(workspace)) {
      return { kind: 'unit', service: 'HCP Terraform', where: owner, what: 'any workspace of the organization' };
    }
    // Plans and applies alike: a pull request's speculative plan runs with the role.
    const phase = field('run_phase');
    if (phase !== undefined && wild(phase)) {
      return {
        kind: 'run',
        service: 'HCP Terraform',
        where: `${owner}/${workspace}`,
        what: 'a plan, which a pull request starts (a speculative plan), as well as an apply',
      };
    }
    return undefined;
  }
  if (!fields.includes('pipeline')) {
    // `organization:acme:*`: every workspace or pipeline of the organization, whichever service writes it.
    if (!wild(fields.slice(1).join(':'))) return undefined;
    const service = host === 'agent.buildkite.com' ? 'Buildkite' : 'HCP Terraform';
    const unit = service === 'Buildkite' ? 'pipeline' : 'workspace';
    return { kind: 'unit', service, where: owner, what: `any ${unit} of the organization` };
  }
  const pipeline = field('pipeline') ?? '';
  if (wild(pipeline))
    return { kind: 'unit', service: 'Buildkite', where: owner, what: 'any pipeline of the organization' };
  const rest = fields.slice(fields.indexOf('pipeline', 1) + 2).join(':');
  if (wild(rest)) {
    return {
      kind: 'run',
      service: 'Buildkite',
      where: `${owner}/${pipeline}`,
      what: 'a branch whoever may push there names',
    };
  }
  return undefined;
}
