// Who may assume an agent role. Every choice is narrow by default: an account needs a recorded source
// identity and/or MFA, GitHub needs one exact repository and branch or environment, a service is named.
import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Options for trusting principals of an AWS account. */
export interface AccountTrustProps {
  /** The 12-digit account whose principals may assume the role. */
  readonly accountId: string;

  /**
   * Only these principals (ARN patterns, `aws:PrincipalArn`) may assume the role.
   *
   * @default - any principal of the account that its own IAM policies allow to call sts:AssumeRole
   */
  readonly principalArns?: readonly string[];

  /**
   * Require `sts:SourceIdentity` on the session, so CloudTrail names the person or tool behind every
   * agent call (source identity survives role chaining and cannot be changed by the session).
   *
   * @default true
   */
  readonly requireSourceIdentity?: boolean;

  /**
   * Patterns (`StringLike`) the source identity must match, e.g. `agent-*`.
   *
   * @default ['*'] - any value, but one must be set
   */
  readonly sourceIdentityPatterns?: readonly string[];

  /**
   * Require `aws:MultiFactorAuthPresent`. Sessions that come from role chaining carry no MFA context,
   * so turn this off for chained agents and rely on the source identity instead.
   *
   * @default true
   */
  readonly requireMfa?: boolean;
}

/** Options for trusting GitHub Actions through the account's OIDC provider. */
export interface GitHubActionsTrustProps {
  /** `OWNER/REPO`, exactly; wildcards are refused. */
  readonly repository: string;

  /**
   * The branch whose workflows may assume the role (sub `repo:OWNER/REPO:ref:refs/heads/BRANCH`).
   * Exactly one of `branch` and `environment` must be set.
   *
   * @default - none; `environment` must be set
   */
  readonly branch?: string;

  /**
   * The GitHub deployment environment whose jobs may assume the role (sub
   * `repo:OWNER/REPO:environment:NAME`); environments can require reviewers, a second person.
   *
   * @default - none; `branch` must be set
   */
  readonly environment?: string;

  /**
   * ARN of the IAM OIDC provider for `token.actions.githubusercontent.com`.
   *
   * @default - the provider of that name in the role's account (it must exist)
   */
  readonly providerArn?: string;
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
const ACCOUNT_ID = /^\d{12}$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

/** What a trust choice contributes to the role's trust policy. */
export interface BoundAgentTrust {
  readonly principal: iam.IPrincipal;
  /** Extra trust statements (e.g. sts:SetSourceIdentity with the same conditions). */
  readonly additionalStatements: readonly iam.PolicyStatement[];
  /** One line for the role's description and docs, e.g. `GitHub Actions repo:o/r:ref:refs/heads/main`. */
  readonly summary: string;
}

/** How an agent role may be assumed. */
export abstract class AgentTrust {
  /** Principals of an AWS account, with a source identity and/or MFA required. */
  public static account(props: AccountTrustProps): AgentTrust {
    return new AccountTrust(props);
  }

  /** GitHub Actions workflows of one repository's branch or environment (OIDC web identity). */
  public static gitHubActions(props: GitHubActionsTrustProps): AgentTrust {
    return new GitHubActionsTrust(props);
  }

  /** An AWS service principal, e.g. `bedrock.amazonaws.com` for an agent running in Bedrock. */
  public static service(servicePrincipal: string): AgentTrust {
    return new ServiceTrust(servicePrincipal);
  }

  /**
   * Validate the choice and build the principal. `path` is the role's construct path, used in errors.
   * @internal
   */
  public abstract _bind(path: string): BoundAgentTrust;
}

class AccountTrust extends AgentTrust {
  constructor(private readonly props: AccountTrustProps) {
    super();
  }

  public _bind(path: string): BoundAgentTrust {
    const { accountId } = this.props;
    if (!Token.isUnresolved(accountId) && !ACCOUNT_ID.test(accountId)) {
      throw new Error(`${path}: trust accountId "${accountId}" is not a 12-digit AWS account id`);
    }
    const requireSourceIdentity = this.props.requireSourceIdentity ?? true;
    const requireMfa = this.props.requireMfa ?? true;
    if (!requireSourceIdentity && !requireMfa) {
      throw new Error(
        `${path}: an account trust must require a source identity, MFA or both; ` +
          'without either, any principal of the account can act as the agent anonymously',
      );
    }
    const patterns = this.props.sourceIdentityPatterns ?? ['*'];
    if (requireSourceIdentity && patterns.length === 0) {
      throw new Error(`${path}: sourceIdentityPatterns is empty; omit it to accept any non-empty source identity`);
    }
    const conditions: Record<string, Record<string, unknown>> = {};
    if (requireSourceIdentity) conditions.StringLike = { 'sts:SourceIdentity': [...patterns] };
    if (requireMfa) conditions.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
    if (this.props.principalArns && this.props.principalArns.length > 0) {
      for (const arn of this.props.principalArns) {
        if (!Token.isUnresolved(arn) && !arn.startsWith('arn:')) {
          throw new Error(`${path}: trust principalArns entry "${arn}" is not an ARN`);
        }
      }
      conditions.ArnLike = { 'aws:PrincipalArn': [...this.props.principalArns] };
    }
    const principal = new iam.AccountPrincipal(accountId).withConditions(conditions);
    // Setting (or carrying over) a source identity needs sts:SetSourceIdentity in the trust policy too.
    const additionalStatements = requireSourceIdentity
      ? [new iam.PolicyStatement({ actions: ['sts:SetSourceIdentity'], principals: [principal] })]
      : [];
    const needs = [requireSourceIdentity && 'source identity', requireMfa && 'MFA'].filter(Boolean).join(' and ');
    return { principal, additionalStatements, summary: `account ${accountId} with ${needs}` };
  }
}

class GitHubActionsTrust extends AgentTrust {
  constructor(private readonly props: GitHubActionsTrustProps) {
    super();
  }

  public _bind(path: string): BoundAgentTrust {
    const { repository, branch, environment } = this.props;
    if (/[*?]/.test(repository)) {
      throw new Error(
        `${path}: GitHub trust repository "${repository}" contains a wildcard; name one repository as OWNER/REPO ` +
          'so workflows in other repositories cannot assume the agent role',
      );
    }
    if (!GITHUB_REPOSITORY.test(repository)) {
      throw new Error(`${path}: GitHub trust repository "${repository}" is not OWNER/REPO`);
    }
    if ((branch === undefined) === (environment === undefined)) {
      throw new Error(`${path}: GitHub trust needs exactly one of branch or environment`);
    }
    const ref = branch ?? environment ?? '';
    if (ref.length === 0 || /[*?]/.test(ref)) {
      throw new Error(
        `${path}: GitHub trust ${branch !== undefined ? 'branch' : 'environment'} "${ref}" must be one exact name, without wildcards`,
      );
    }
    const sub =
      branch !== undefined
        ? `repo:${repository}:ref:refs/heads/${branch.replace(/^refs\/heads\//, '')}`
        : `repo:${repository}:environment:${environment}`;
    const providerArn =
      this.props.providerArn ?? `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/${GITHUB_OIDC_HOST}`;
    const principal = new iam.FederatedPrincipal(
      providerArn,
      {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: sub,
        },
      },
      'sts:AssumeRoleWithWebIdentity',
    );
    return { principal, additionalStatements: [], summary: `GitHub Actions ${sub}` };
  }
}

class ServiceTrust extends AgentTrust {
  constructor(private readonly servicePrincipal: string) {
    super();
  }

  public _bind(path: string): BoundAgentTrust {
    if (!Token.isUnresolved(this.servicePrincipal) && !SERVICE_PRINCIPAL.test(this.servicePrincipal)) {
      throw new Error(`${path}: service principal "${this.servicePrincipal}" is not of the form NAME.amazonaws.com`);
    }
    return {
      principal: new iam.ServicePrincipal(this.servicePrincipal),
      additionalStatements: [],
      summary: `service ${this.servicePrincipal}`,
    };
  }
}
