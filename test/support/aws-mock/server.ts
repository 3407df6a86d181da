// A loopback HTTP server that speaks enough IAM, STS, SNS and CloudFormation (query protocol, XML), Organizations, ECS, KMS,
// Secrets Manager, Resource Groups Tagging (JSON 1.1) and SQS (JSON 1.0), EC2 (EC2 query protocol), Lambda (REST JSON) and S3 (REST XML,
// path-style) for the live audit, so tests run the real SDK: serialisation, SigV4 signing, pagination, retries, timeouts.
// Faults (throttling, 5xx, slowness, access denied) are injected per rule; every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockAccount, MockCompute, MockIam, MockOrgPolicy, MockWorld, PolicyDocument } from './model';

export type MockService =
  | 'iam'
  | 'sts'
  | 'organizations'
  | 'lambda'
  | 'ec2'
  | 'ecs'
  | 'kms'
  | 'sqs'
  | 'sns'
  | 'secretsmanager'
  | 's3'
  | 'tag'
  | 'cloudformation'
  | 'codebuild'
  | 'glue'
  | 'states'
  | 'codepipeline'
  | 'sagemaker'
  | 'batch';

/** Regions an account has enabled when its world does not say. */
export const DEFAULT_MOCK_REGIONS = ['eu-west-1', 'us-east-1'];

export interface MockRequest {
  service: MockService;
  /** Operation name as in the API reference: `GetAccountAuthorizationDetails`, `ListRoots`, ... */
  operation: string;
  /** Account of the credentials that signed the request (undefined when unsigned or unknown). */
  callerAccountId?: string;
  /** Long-term user keys, or a session from AssumeRole. */
  callerKind?: 'user' | 'assumed-role';
  /** The region the request was signed for. */
  region?: string;
  params: Record<string, unknown>;
}

export interface RecordedCall extends MockRequest {
  status: number;
  /** Error code returned, if any. */
  error?: string;
}

/** `region-disabled`: what AWS answers for a region the account has not enabled. */
/** `gone`: what the service answers for a resource deleted since it was listed. */
export type FaultKind = 'throttle' | 'server-error' | 'access-denied' | 'slow' | 'reset' | 'region-disabled' | 'gone';

export interface FaultRule {
  kind: FaultKind;
  service?: MockService;
  operation?: string;
  callerAccountId?: string;
  region?: string;
  /** Any other condition on the request. */
  when?: (request: MockRequest) => boolean;
  /** How many matching requests the fault hits, then it stops. @default Infinity */
  times?: number;
  /** `slow`: milliseconds before answering normally. @default 1000 */
  delayMs?: number;
}

export interface MockServerOptions {
  /** Largest page the server returns, whatever MaxItems / MaxResults ask (forces pagination). */
  iamPageSize?: number;
  organizationsPageSize?: number;
  /** Largest page of Lambda, EC2 and ECS lists. */
  computePageSize?: number;
  faults?: FaultRule[];
  /** Lifetime of AssumeRole sessions. @default 3600 */
  sessionSeconds?: number;
}

export interface AwsMock {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  calls: RecordedCall[];
  faults: FaultRule[];
  /** Most requests of one operation the server was handling at the same moment. */
  peakInFlight(operation: string): number;
  close(): Promise<void>;
}

/** Every AWS client's endpoint pointed at one mock, as `loadLiveInput` takes them. */
export function mockEndpoints(mock: Pick<AwsMock, 'endpoint'>) {
  const { endpoint } = mock;
  return {
    iam: endpoint,
    sts: endpoint,
    organizations: endpoint,
    lambda: endpoint,
    ec2: endpoint,
    ecs: endpoint,
    cloudformation: endpoint,
    codebuild: endpoint,
    glue: endpoint,
    states: endpoint,
    codepipeline: endpoint,
    sagemaker: endpoint,
    batch: endpoint,
    kms: endpoint,
    sqs: endpoint,
    sns: endpoint,
    secretsmanager: endpoint,
    s3: endpoint,
    tagging: endpoint,
  };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export async function startAwsMock(world: MockWorld, options: MockServerOptions = {}): Promise<AwsMock> {
  const calls: RecordedCall[] = [];
  const faults = [...(options.faults ?? [])];
  const fired = new Map<FaultRule, number>();
  /** Session credentials handed out by AssumeRole: access key id → who. */
  const sessions = new Map<string, { accountId: string; sessionToken: string; arn: string }>();
  let sessionCounter = 0;
  let requestCounter = 0;
  const inFlight = new Map<string, number>();
  const peaks = new Map<string, number>();

  const accountById = new Map(world.accounts.map((account) => [account.id, account]));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = operationOf(req, Buffer.concat(chunks).toString('utf8'));
      const now = (inFlight.get(operation) ?? 0) + 1;
      inFlight.set(operation, now);
      peaks.set(operation, Math.max(now, peaks.get(operation) ?? 0));
      res.on('close', () => inFlight.set(operation, (inFlight.get(operation) ?? 1) - 1));
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        }
      });
    });
  });
  // Keep-alive sockets must not hold the test process open.
  server.keepAliveTimeout = 1000;

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const requestId = `req-${++requestCounter}`;
    const target = req.headers['x-amz-target'];
    let request: MockRequest;
    const caller = identifyCaller(req);
    const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (typeof target === 'string') {
      const operation = target.split('.').pop() ?? '';
      request = {
        service: target.startsWith('AmazonEC2ContainerService')
          ? 'ecs'
          : target.startsWith('TrentService')
            ? 'kms'
            : target.startsWith('AmazonSQS')
              ? 'sqs'
              : target.startsWith('secretsmanager')
                ? 'secretsmanager'
                : target.startsWith('ResourceGroupsTaggingAPI')
                  ? 'tag'
                  : target.startsWith('CodeBuild_')
                    ? 'codebuild'
                    : target.startsWith('AWSGlue')
                      ? 'glue'
                      : target.startsWith('AWSStepFunctions')
                        ? 'states'
                        : target.startsWith('CodePipeline_')
                          ? 'codepipeline'
                          : target.startsWith('SageMaker')
                            ? 'sagemaker'
                            : 'organizations',
        operation,
        callerAccountId: caller?.accountId,
        callerKind: caller?.kind,
        region,
        params: body ? (JSON.parse(body) as Record<string, unknown>) : {},
      };
    } else if (url.pathname === '/v1/describejobdefinitions') {
      request = {
        service: 'batch',
        operation: req.method === 'POST' ? 'DescribeJobDefinitions' : '',
        callerAccountId: caller?.accountId,
        callerKind: caller?.kind,
        region,
        params: body ? (JSON.parse(body) as Record<string, unknown>) : {},
      };
    } else if (url.pathname.startsWith('/2015-03-31/functions')) {
      const policyOf = /^\/2015-03-31\/functions\/([^/]+)\/policy\/?$/.exec(url.pathname);
      request = {
        service: 'lambda',
        operation:
          req.method !== 'GET'
            ? ''
            : /^\/2015-03-31\/functions\/?$/.test(url.pathname)
              ? 'ListFunctions'
              : policyOf
                ? 'GetPolicy'
                : '',
        callerAccountId: caller?.accountId,
        callerKind: caller?.kind,
        region,
        params: {
          ...Object.fromEntries(url.searchParams),
          ...(policyOf ? { FunctionName: decodeURIComponent(policyOf[1]) } : {}),
        },
      };
    } else if (signedFor(req) === 's3') {
      const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
      request = {
        service: 's3',
        operation:
          req.method !== 'GET'
            ? ''
            : bucket === ''
              ? 'ListBuckets'
              : url.searchParams.has('policy') && url.pathname.split('/').filter(Boolean).length === 1
                ? 'GetBucketPolicy'
                : '',
        callerAccountId: caller?.accountId,
        callerKind: caller?.kind,
        region,
        params: { ...Object.fromEntries(url.searchParams), ...(bucket ? { Bucket: bucket } : {}) },
      };
    } else {
      const params = Object.fromEntries(new URLSearchParams(body));
      const service: MockService =
        params.Version === '2011-06-15'
          ? 'sts'
          : params.Version === '2016-11-15'
            ? 'ec2'
            : params.Version === '2010-03-31'
              ? 'sns'
              : params.Version === '2010-05-15'
                ? 'cloudformation'
                : 'iam';
      request = {
        service,
        operation: params.Action ?? '',
        callerAccountId: caller?.accountId,
        callerKind: caller?.kind,
        region,
        params,
      };
    }

    // Recorded on arrival, so a request the client gave up on is visible at once.
    const record: RecordedCall = { ...request, status: 0 };
    calls.push(record);
    res.on('close', () => {
      if (!res.writableFinished && record.error === undefined) record.error = 'client gave up';
    });

    const respondError = (error: ApiError) => {
      record.status = error.status;
      record.error = error.code;
      if (
        [
          'organizations',
          'ecs',
          'kms',
          'sqs',
          'secretsmanager',
          'tag',
          'codebuild',
          'glue',
          'states',
          'codepipeline',
          'sagemaker',
        ].includes(request.service)
      ) {
        res.writeHead(error.status, {
          'content-type': `application/x-amz-json-${request.service === 'sqs' || request.service === 'states' ? '1.0' : '1.1'}`,
          'x-amzn-requestid': requestId,
        });
        res.end(JSON.stringify({ __type: error.code, Message: error.message }));
      } else if (request.service === 'lambda' || request.service === 'batch') {
        res.writeHead(error.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': error.code,
        });
        res.end(JSON.stringify({ Type: 'User', Message: error.message }));
      } else if (request.service === 's3') {
        res.writeHead(error.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(error.code)}</Code>` +
            `<Message>${escapeXml(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
        );
      } else if (request.service === 'ec2') {
        res.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${escapeXml(error.code)}</Code>` +
            `<Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        );
      } else {
        const type = error.status >= 500 ? 'Receiver' : 'Sender';
        res.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(
          `<ErrorResponse xmlns="${queryNamespace(request.service)}"><Error><Type>${type}</Type>` +
            `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
            `<RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
    };

    try {
      checkSignature(req, request.service, caller);
      for (const rule of faults) {
        if (!matches(rule, request)) continue;
        const count = fired.get(rule) ?? 0;
        if (count >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
        fired.set(rule, count + 1);
        switch (rule.kind) {
          case 'throttle':
            throw THROTTLE[request.service];
          case 'server-error':
            throw new ApiError(503, 'ServiceUnavailable', 'Service is unavailable');
          case 'access-denied':
            throw accessDenied(request);
          case 'region-disabled':
            throw request.service === 'ec2'
              ? new ApiError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials')
              : new ApiError(
                  403,
                  'UnrecognizedClientException',
                  'The security token included in the request is invalid.',
                );
          case 'gone':
            throw GONE[request.service] ?? new ApiError(404, 'NotFound', 'not found');
          case 'reset':
            record.error = 'reset';
            req.socket.destroy();
            return;
          case 'slow':
            await holdUnlessClosed(res, rule.delayMs ?? 1000);
            if (res.destroyed || req.socket.destroyed) return;
            break;
        }
      }
      if (!caller)
        throw new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      let payload: string;
      if (request.service === 'lambda' || request.service === 'ecs' || request.service === 'batch') {
        payload = JSON.stringify(
          request.service === 'lambda'
            ? lambdaOperation(request, caller.accountId)
            : request.service === 'batch'
              ? batchOperation(request, caller.accountId)
              : ecsOperation(request, caller.accountId),
        );
        record.status = 200;
        res.writeHead(200, {
          'content-type': request.service === 'ecs' ? 'application/x-amz-json-1.1' : 'application/json',
          'x-amzn-requestid': requestId,
        });
      } else if (request.service === 'ec2') {
        const result = ec2Operation(request, caller.accountId);
        payload =
          `<?xml version="1.0" encoding="UTF-8"?><${request.operation}Response xmlns="${EC2_NS}">` +
          `<requestId>${requestId}</requestId>${toEc2Xml(result)}</${request.operation}Response>`;
        record.status = 200;
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      } else if (
        ['kms', 'sqs', 'secretsmanager', 'tag', 'codebuild', 'glue', 'states', 'codepipeline', 'sagemaker'].includes(
          request.service,
        )
      ) {
        payload = JSON.stringify(
          request.service === 'kms'
            ? kmsOperation(request, caller.accountId)
            : request.service === 'sqs'
              ? sqsOperation(request, caller.accountId)
              : request.service === 'tag'
                ? tagOperation(request, caller.accountId)
                : request.service === 'codebuild'
                  ? codeBuildOperation(request, caller.accountId)
                  : request.service === 'glue'
                    ? glueOperation(request, caller.accountId)
                    : request.service === 'states'
                      ? statesOperation(request, caller.accountId)
                      : request.service === 'codepipeline'
                        ? codePipelineOperation(request, caller.accountId)
                        : request.service === 'sagemaker'
                          ? sageMakerOperation(request, caller.accountId)
                          : secretsOperation(request, caller.accountId),
        );
        record.status = 200;
        res.writeHead(200, {
          'content-type': `application/x-amz-json-${request.service === 'sqs' || request.service === 'states' ? '1.0' : '1.1'}`,
          'x-amzn-requestid': requestId,
        });
      } else if (request.service === 'sns') {
        payload =
          `<${request.operation}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${request.operation}Result>` +
          `${snsOperation(request, caller.accountId)}</${request.operation}Result><ResponseMetadata><RequestId>` +
          `${requestId}</RequestId></ResponseMetadata></${request.operation}Response>`;
        record.status = 200;
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      } else if (request.service === 's3') {
        const result = s3Operation(request, caller.accountId);
        payload = result.body;
        record.status = 200;
        res.writeHead(200, { 'content-type': result.contentType, 'x-amz-request-id': requestId });
      } else if (request.service === 'organizations') {
        payload = JSON.stringify(organizationsOperation(request, caller.accountId));
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
      } else {
        const namespace = queryNamespace(request.service);
        const result =
          request.service === 'sts'
            ? stsOperation(request, caller)
            : request.service === 'cloudformation'
              ? cloudFormationOperation(request, caller.accountId)
              : iamOperation(request, caller.accountId);
        payload =
          `<${request.operation}Response xmlns="${namespace}"><${request.operation}Result>${toXml(result)}` +
          `</${request.operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
          `</${request.operation}Response>`;
        record.status = 200;
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      }
      res.end(payload);
    } catch (err) {
      if (err instanceof ApiError) respondError(err);
      else throw err;
    }
  }

  function matches(rule: FaultRule, request: MockRequest): boolean {
    if (rule.service && rule.service !== request.service) return false;
    if (rule.operation && rule.operation !== request.operation) return false;
    if (rule.callerAccountId && rule.callerAccountId !== request.callerAccountId) return false;
    if (rule.region && rule.region !== request.region) return false;
    return rule.when ? rule.when(request) : true;
  }

  /** The signing access key id from the SigV4 Authorization header, mapped to an account. */
  function identifyCaller(
    req: IncomingMessage,
  ):
    | { accountId: string; accessKeyId: string; arn: string; kind: 'user' | 'assumed-role'; sessionToken?: string }
    | undefined {
    const auth = req.headers.authorization ?? '';
    const match = /Credential=([^/]+)\//.exec(auth);
    if (!match) return undefined;
    const accessKeyId = match[1];
    const session = sessions.get(accessKeyId);
    if (session) {
      return {
        accountId: session.accountId,
        accessKeyId,
        arn: session.arn,
        kind: 'assumed-role',
        sessionToken: session.sessionToken,
      };
    }
    const user = /^AKIA(\d{12})$/.exec(accessKeyId);
    if (user) return { accountId: user[1], accessKeyId, arn: `arn:aws:iam::${user[1]}:user/auditor`, kind: 'user' };
    return undefined;
  }

  /** The request must be SigV4-signed for the right service, and carry the session token of assumed roles. */
  function checkSignature(
    req: IncomingMessage,
    service: MockService,
    caller: { sessionToken?: string } | undefined,
  ): void {
    const auth = req.headers.authorization ?? '';
    const scope =
      /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(
        auth,
      );
    if (!scope) throw new ApiError(403, 'IncompleteSignature', 'Request is not SigV4-signed');
    // The signing name of a service may differ from its IAM prefix (tag:GetResources is signed for `tagging`).
    const signingName = service === 'tag' ? 'tagging' : service;
    if (scope[1] !== signingName) {
      throw new ApiError(403, 'SignatureDoesNotMatch', `Credential should be scoped to service '${signingName}'`);
    }
    if (!req.headers['x-amz-date']) throw new ApiError(403, 'IncompleteSignature', 'missing X-Amz-Date');
    if (caller?.sessionToken && req.headers['x-amz-security-token'] !== caller.sessionToken) {
      throw new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
  }

  function stsOperation(
    request: MockRequest,
    caller: { accountId: string; accessKeyId: string; arn: string },
  ): Record<string, unknown> {
    switch (request.operation) {
      case 'GetCallerIdentity':
        return { Arn: caller.arn, UserId: caller.accessKeyId, Account: caller.accountId };
      case 'AssumeRole': {
        const roleArn = String(request.params.RoleArn ?? '');
        const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
        const target = match ? accountById.get(match[1]) : undefined;
        const assumable = target?.assumableRoles ?? ['leash-audit'];
        if (!match || !target || !assumable.includes(match[2])) {
          throw new ApiError(
            403,
            'AccessDenied',
            `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          );
        }
        const accessKeyId = `ASIA${String(++sessionCounter).padStart(16, '0')}`;
        const sessionToken = `token-${accessKeyId}`;
        const sessionArn = `arn:aws:sts::${target.id}:assumed-role/${match[2]}/${String(request.params.RoleSessionName)}`;
        sessions.set(accessKeyId, { accountId: target.id, sessionToken, arn: sessionArn });
        return {
          Credentials: {
            AccessKeyId: accessKeyId,
            SecretAccessKey: `secret-${accessKeyId}`,
            SessionToken: sessionToken,
            Expiration: new Date(Date.now() + (options.sessionSeconds ?? 3600) * 1000),
          },
          AssumedRoleUser: {
            Arn: sessionArn,
            AssumedRoleId: `AROA${target.id}:${String(request.params.RoleSessionName)}`,
          },
        };
      }
      default:
        throw new ApiError(400, 'InvalidAction', `Could not find operation ${request.operation}`);
    }
  }

  /** What IAM answers an account about centralized root access, as the documented errors say. */
  function organizationsFeatures(callerAccountId: string): Record<string, unknown> {
    const org = world.organization;
    if (!org || !accountById.get(callerAccountId)?.parentId) {
      throw new ApiError(400, 'OrganizationNotFoundException', 'No organization is associated with your account.');
    }
    if (org.featureSet === 'CONSOLIDATED_BILLING') {
      throw new ApiError(400, 'OrganizationNotInAllFeaturesModeException', 'All features are not enabled.');
    }
    const root = org.centralizedRoot;
    if (!root) throw new ApiError(400, 'ServiceAccessNotEnabledException', 'Trusted access is not enabled for IAM.');
    if (callerAccountId !== org.managementAccountId && callerAccountId !== root.delegatedAdministrator) {
      throw new ApiError(
        400,
        'AccountNotManagementOrDelegatedAdministratorException',
        'The account is not the management account or delegated administrator for centralized root access.',
      );
    }
    return { OrganizationId: org.id, EnabledFeatures: root.features };
  }

  function iamOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    if (request.operation === 'ListOrganizationsFeatures') return organizationsFeatures(callerAccountId);
    if (request.operation !== 'GetAccountAuthorizationDetails') {
      throw new ApiError(400, 'InvalidAction', `Could not find operation ${request.operation}`);
    }
    const account = accountById.get(callerAccountId);
    if (!account) throw new ApiError(403, 'AccessDenied', `no such account ${callerAccountId}`);
    const entries = authorizationEntries(account);
    const start = request.params.Marker ? Number(Buffer.from(String(request.params.Marker), 'base64').toString()) : 0;
    const asked = request.params.MaxItems ? Number(request.params.MaxItems) : 100;
    const size = Math.min(asked, options.iamPageSize ?? 1000);
    const page = entries.slice(start, start + size);
    const truncated = start + size < entries.length;
    const pick = (kind: string) => page.filter((entry) => entry.kind === kind).map((entry) => entry.value);
    return {
      UserDetailList: pick('user'),
      GroupDetailList: pick('group'),
      RoleDetailList: pick('role'),
      Policies: pick('policy'),
      IsTruncated: truncated,
      ...(truncated ? { Marker: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }

  function organizationsOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const org = world.organization;
    const member = accountById.get(callerAccountId);
    if (!org || !member?.parentId) {
      throw new ApiError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
    }
    const orgSummary = {
      Id: org.id,
      Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
      FeatureSet: org.featureSet ?? 'ALL',
      MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
      MasterAccountId: org.managementAccountId,
      MasterAccountEmail: `management@example.com`,
    };
    if (request.operation === 'DescribeOrganization') return { Organization: orgSummary };
    const administrator =
      callerAccountId === org.managementAccountId || (org.delegatedAdministrators ?? []).includes(callerAccountId);
    if (!administrator) {
      throw new ApiError(
        400,
        'AccessDeniedException',
        'You don’t have permissions to access this resource. The account must be the management account or a delegated administrator.',
      );
    }
    const p = request.params;
    const rootSummary = {
      Id: org.root.id,
      Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.root.id}`,
      Name: org.root.name,
      PolicyTypes: org.root.policyTypes.map((type) => ({ Type: type, Status: 'ENABLED' })),
    };
    const parentKind = (id: string) => (id === org.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT');
    const requireParent = (id: unknown) => {
      if (id !== org.root.id && !org.ous.some((ou) => ou.id === id)) {
        throw new ApiError(400, 'ParentNotFoundException', `parent ${String(id)} not found`);
      }
    };
    switch (request.operation) {
      case 'ListRoots':
        return paginate([rootSummary], p, 'Roots');
      case 'ListOrganizationalUnitsForParent':
        requireParent(p.ParentId);
        return paginate(
          org.ous
            .filter((ou) => ou.parentId === p.ParentId)
            .map((ou) => ({
              Id: ou.id,
              Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${ou.id}`,
              Name: ou.name,
            })),
          p,
          'OrganizationalUnits',
        );
      case 'ListAccountsForParent':
        requireParent(p.ParentId);
        return paginate(
          world.accounts
            .filter((account) => account.parentId === p.ParentId)
            .map((account) => ({
              Id: account.id,
              Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${account.id}`,
              Email: `${account.id}@example.com`,
              Name: account.name ?? account.id,
              Status: account.status ?? 'ACTIVE',
              JoinedMethod: 'CREATED',
              JoinedTimestamp: 1700000000,
            })),
          p,
          'Accounts',
        );
      case 'ListParents': {
        const child = String(p.ChildId);
        const parentId = org.ous.find((ou) => ou.id === child)?.parentId ?? accountById.get(child)?.parentId;
        if (!parentId) throw new ApiError(400, 'ChildNotFoundException', `child ${child} not found`);
        return paginate([{ Id: parentId, Type: parentKind(parentId) }], p, 'Parents');
      }
      case 'ListPoliciesForTarget': {
        const targetId = String(p.TargetId);
        if (targetId !== org.root.id && !org.ous.some((ou) => ou.id === targetId) && !accountById.has(targetId)) {
          throw new ApiError(400, 'TargetNotFoundException', `target ${targetId} not found`);
        }
        return paginate(
          org.policies
            .filter((policy) => policy.type === p.Filter && policy.targets.includes(targetId))
            .map((policy) => policySummary(policy, org.managementAccountId, org.id)),
          p,
          'Policies',
        );
      }
      case 'ListDelegatedAdministrators': {
        // Filtered by service principal; the model knows StackSets' administrator only.
        const stackSets = p.ServicePrincipal === 'member.org.stacksets.cloudformation.amazonaws.com';
        const ids = stackSets && org.stackSetsDelegatedAdministrator ? [org.stackSetsDelegatedAdministrator] : [];
        return paginate(
          ids.map((id) => ({
            Id: id,
            Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${id}`,
            Name: accountById.get(id)?.name ?? id,
            Status: 'ACTIVE',
          })),
          p,
          'DelegatedAdministrators',
        );
      }
      case 'DescribePolicy': {
        const policy = org.policies.find((candidate) => candidate.id === p.PolicyId);
        if (!policy) throw new ApiError(400, 'PolicyNotFoundException', `policy ${String(p.PolicyId)} not found`);
        return {
          Policy: {
            PolicySummary: policySummary(policy, org.managementAccountId, org.id),
            Content: typeof policy.content === 'string' ? policy.content : JSON.stringify(policy.content),
          },
        };
      }
      default:
        throw new ApiError(400, 'UnknownOperationException', `Unknown operation ${request.operation}`);
    }
  }

  function computeOf(callerAccountId: string, region: string | undefined): Required<MockCompute> {
    const account = accountById.get(callerAccountId);
    if (!account) throw new ApiError(403, 'AccessDenied', `no such account ${callerAccountId}`);
    const compute = account.compute ?? {};
    const regions = compute.regions ?? DEFAULT_MOCK_REGIONS;
    if (region && !regions.includes(region)) {
      throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const here = <T extends { region: string }>(items: T[] | undefined) =>
      (items ?? []).filter((i) => i.region === region);
    return {
      regions,
      functions: here(compute.functions),
      instances: here(compute.instances),
      taskDefinitions: here(compute.taskDefinitions),
      tasks: here(compute.tasks),
      keys: here(compute.keys),
      queues: here(compute.queues),
      topics: here(compute.topics),
      secrets: here(compute.secrets),
      stacks: here(compute.stacks),
      projects: here(compute.projects),
      glueJobs: here(compute.glueJobs),
      stateMachines: here(compute.stateMachines),
      notebooks: here(compute.notebooks),
      jobDefinitions: here(compute.jobDefinitions),
      pipelines: here(compute.pipelines),
      // Listed from any region.
      buckets: compute.buckets ?? [],
      resourceTags: here(compute.resourceTags),
      untaggable: compute.untaggable ?? [],
    };
  }

  /** cloudformation:DescribeStacks of the region, a page of `PAGE` stacks at a time (deleted ones are never listed). */
  function cloudFormationOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    if (request.operation !== 'DescribeStacks') throw new ApiError(400, 'InvalidAction', request.operation);
    const { stacks } = computeOf(callerAccountId, request.region);
    const { page, token } = computePage(stacks, request.params.NextToken, undefined, STACKS_PAGE);
    return {
      Stacks: page.map((stack) => ({
        StackId: `arn:aws:cloudformation:${stack.region}:${callerAccountId}:stack/${stack.name}/0000-${stack.name}`,
        StackName: stack.name,
        CreationTime: '2026-01-01T00:00:00Z',
        StackStatus: stack.status ?? 'CREATE_COMPLETE',
        ...(stack.role ? { RoleARN: stack.role } : {}),
      })),
      ...(token ? { NextToken: token } : {}),
    };
  }

  /** codebuild:ListProjects (names, a page at a time) and BatchGetProjects (up to 100 names). */
  function codeBuildOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { projects } = computeOf(callerAccountId, request.region);
    if (request.operation === 'ListProjects') {
      const { page, token } = computePage(projects, request.params.nextToken, undefined, PROJECTS_PAGE);
      return { projects: page.map((project) => project.name), ...(token ? { nextToken: token } : {}) };
    }
    if (request.operation !== 'BatchGetProjects') throw new ApiError(400, 'InvalidInputException', request.operation);
    const names = request.params.names as string[];
    if (names.length > 100) throw new ApiError(400, 'InvalidInputException', 'at most 100 names');
    const found = projects.filter((project) => names.includes(project.name));
    return {
      projects: found.map((project) => ({
        name: project.name,
        arn: `arn:aws:codebuild:${project.region}:${callerAccountId}:project/${project.name}`,
        ...(project.role ? { serviceRole: project.role } : {}),
      })),
      projectsNotFound: names.filter((name) => !found.some((project) => project.name === name)),
    };
  }

  /** states:ListStateMachines (a page at a time) and DescribeStateMachine. */
  function statesOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { stateMachines } = computeOf(callerAccountId, request.region);
    const arnOf = (m: { name: string; region: string }) =>
      `arn:aws:states:${m.region}:${callerAccountId}:stateMachine:${m.name}`;
    if (request.operation === 'ListStateMachines') {
      const { page, token } = computePage(stateMachines, request.params.nextToken, undefined, GLUE_JOBS_PAGE);
      return {
        stateMachines: page.map((m) => ({
          stateMachineArn: arnOf(m),
          name: m.name,
          type: m.express ? 'EXPRESS' : 'STANDARD',
          creationDate: 1767225600,
        })),
        ...(token ? { nextToken: token } : {}),
      };
    }
    if (request.operation !== 'DescribeStateMachine')
      throw new ApiError(400, 'UnknownOperationException', request.operation);
    const machine = stateMachines.find((m) => arnOf(m) === request.params.stateMachineArn);
    if (!machine) throw new ApiError(400, 'StateMachineDoesNotExist', 'State Machine Does Not Exist');
    return {
      stateMachineArn: arnOf(machine),
      name: machine.name,
      definition: '{}',
      roleArn: machine.role,
      type: machine.express ? 'EXPRESS' : 'STANDARD',
      creationDate: 1767225600,
    };
  }

  /** sagemaker:ListNotebookInstances (a page at a time) and DescribeNotebookInstance. */
  function sageMakerOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { notebooks } = computeOf(callerAccountId, request.region);
    const arnOf = (n: { name: string; region: string }) =>
      `arn:aws:sagemaker:${n.region}:${callerAccountId}:notebook-instance/${n.name}`;
    if (request.operation === 'ListNotebookInstances') {
      const { page, token } = computePage(notebooks, request.params.NextToken, undefined, GLUE_JOBS_PAGE);
      return {
        NotebookInstances: page.map((n) => ({
          NotebookInstanceName: n.name,
          NotebookInstanceArn: arnOf(n),
          NotebookInstanceStatus: 'InService',
        })),
        ...(token ? { NextToken: token } : {}),
      };
    }
    if (request.operation !== 'DescribeNotebookInstance')
      throw new ApiError(400, 'ValidationException', request.operation);
    const notebook = notebooks.find((n) => n.name === request.params.NotebookInstanceName);
    if (!notebook) throw new ApiError(400, 'ValidationException', 'RecordNotFound');
    return {
      NotebookInstanceName: notebook.name,
      NotebookInstanceArn: arnOf(notebook),
      NotebookInstanceStatus: 'InService',
      RoleArn: notebook.role,
    };
  }

  /** batch:DescribeJobDefinitions of status ACTIVE, a page at a time. */
  function batchOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    if (request.operation !== 'DescribeJobDefinitions') throw new ApiError(404, 'ClientException', 'not found');
    if (request.params.status !== 'ACTIVE') throw new ApiError(400, 'ClientException', 'expected status ACTIVE');
    const { jobDefinitions } = computeOf(callerAccountId, request.region);
    const { page, token } = computePage(jobDefinitions, request.params.nextToken, undefined, GLUE_JOBS_PAGE);
    return {
      jobDefinitions: page.map((d) => ({
        jobDefinitionName: d.name,
        jobDefinitionArn: `arn:aws:batch:${d.region}:${callerAccountId}:job-definition/${d.name}:1`,
        revision: 1,
        status: 'ACTIVE',
        type: d.nodeRoles ? 'multinode' : 'container',
        ...(d.jobRole ? { containerProperties: { image: 'x', jobRoleArn: d.jobRole } } : {}),
        ...(d.nodeRoles
          ? {
              nodeProperties: {
                numNodes: d.nodeRoles.length,
                mainNode: 0,
                nodeRangeProperties: d.nodeRoles.map((role, i) => ({
                  targetNodes: `${i}`,
                  container: { image: 'x', jobRoleArn: role },
                })),
              },
            }
          : {}),
      })),
      ...(token ? { nextToken: token } : {}),
    };
  }

  /** codepipeline:ListPipelines (a page at a time) and GetPipeline. */
  function codePipelineOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { pipelines } = computeOf(callerAccountId, request.region);
    if (request.operation === 'ListPipelines') {
      const { page, token } = computePage(pipelines, request.params.nextToken, undefined, GLUE_JOBS_PAGE);
      return { pipelines: page.map((p) => ({ name: p.name, version: 1 })), ...(token ? { nextToken: token } : {}) };
    }
    if (request.operation !== 'GetPipeline') throw new ApiError(400, 'ValidationException', request.operation);
    const pipeline = pipelines.find((p) => p.name === request.params.name);
    if (!pipeline) throw new ApiError(400, 'PipelineNotFoundException', 'pipeline not found');
    return {
      pipeline: { name: pipeline.name, roleArn: pipeline.role, stages: [], version: 1 },
      metadata: { pipelineArn: `arn:aws:codepipeline:${pipeline.region}:${callerAccountId}:${pipeline.name}` },
    };
  }

  /** glue:GetJobs, a page at a time. */
  function glueOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    if (request.operation !== 'GetJobs') throw new ApiError(400, 'InvalidInputException', request.operation);
    const { glueJobs } = computeOf(callerAccountId, request.region);
    const { page, token } = computePage(glueJobs, request.params.NextToken, undefined, GLUE_JOBS_PAGE);
    return {
      Jobs: page.map((job) => ({ Name: job.name, Role: job.role, Command: { Name: 'glueetl' } })),
      ...(token ? { NextToken: token } : {}),
    };
  }

  /** tag:GetResources for a list of ARNs: those of the region that have (or had) tags; no pages. */
  function tagOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { resourceTags } = computeOf(callerAccountId, request.region);
    if (request.operation !== 'GetResources') throw new ApiError(400, 'UnknownOperationException', request.operation);
    const asked = request.params.ResourceARNList;
    if (!Array.isArray(asked) || asked.length === 0 || asked.length > 100) {
      throw new ApiError(400, 'InvalidParameterException', 'ResourceARNList must hold 1 to 100 ARNs');
    }
    // An ARN the world says the tagging API does not take fails the whole call, as a bad parameter does.
    const refused = asked.find((arn) => computeOf(callerAccountId, undefined).untaggable.includes(String(arn)));
    if (refused !== undefined) {
      throw new ApiError(400, 'InvalidParameterException', `${String(refused)} is not a supported resource`);
    }
    return {
      ResourceTagMappingList: resourceTags
        .filter((resource) => asked.includes(resource.arn))
        .map((resource) => ({
          ResourceARN: resource.arn,
          Tags: Object.entries(resource.tags).map(([Key, Value]) => ({ Key, Value })),
        })),
      PaginationToken: '',
    };
  }

  function kmsOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { keys } = computeOf(callerAccountId, request.region);
    const arn = (id: string) => `arn:aws:kms:${request.region}:${callerAccountId}:key/${id}`;
    switch (request.operation) {
      case 'ListKeys': {
        const { page, token } = computePage(keys, request.params.Marker, request.params.Limit, 1000);
        return {
          Keys: page.map((key) => ({ KeyId: key.id, KeyArn: arn(key.id) })),
          Truncated: token !== undefined,
          ...(token ? { NextMarker: token } : {}),
        };
      }
      case 'GetKeyPolicy': {
        const named = request.params.KeyId;
        const key = keys.find((k) => k.id === named || arn(k.id) === named);
        if (!key) throw new ApiError(400, 'NotFoundException', `Key '${String(named)}' does not exist`);
        const policy = key.policy ?? {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${callerAccountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        };
        return { Policy: typeof policy === 'string' ? policy : JSON.stringify(policy), PolicyName: 'default' };
      }
      default:
        throw new ApiError(400, 'UnknownOperationException', request.operation);
    }
  }

  const policyText = (policy: unknown) => (typeof policy === 'string' ? policy : JSON.stringify(policy));

  function sqsOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { queues } = computeOf(callerAccountId, request.region);
    const url = (name: string) => `https://sqs.${request.region}.amazonaws.com/${callerAccountId}/${name}`;
    switch (request.operation) {
      case 'ListQueues': {
        const { page, token } = computePage(queues, request.params.NextToken, request.params.MaxResults, 1000);
        return { QueueUrls: page.map((queue) => url(queue.name)), ...(token ? { NextToken: token } : {}) };
      }
      case 'GetQueueAttributes': {
        const queue = queues.find((q) => url(q.name) === request.params.QueueUrl);
        if (!queue) throw new ApiError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');
        return {
          Attributes: {
            QueueArn: `arn:aws:sqs:${request.region}:${callerAccountId}:${queue.name}`,
            ...(queue.policy !== undefined ? { Policy: policyText(queue.policy) } : {}),
          },
        };
      }
      default:
        throw new ApiError(400, 'UnsupportedOperation', request.operation);
    }
  }

  function secretsOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { secrets } = computeOf(callerAccountId, request.region);
    const arn = (name: string) => `arn:aws:secretsmanager:${request.region}:${callerAccountId}:secret:${name}-AbCdEf`;
    switch (request.operation) {
      case 'ListSecrets': {
        const listed = secrets.filter((x) => !x.scheduledForDeletion || request.params.IncludePlannedDeletion === true);
        const { page, token } = computePage(listed, request.params.NextToken, request.params.MaxResults, 100);
        return {
          SecretList: page.map((secret) => ({ ARN: arn(secret.name), Name: secret.name })),
          ...(token ? { NextToken: token } : {}),
        };
      }
      case 'GetResourcePolicy': {
        const secret = secrets.find(
          (x) => arn(x.name) === request.params.SecretId || x.name === request.params.SecretId,
        );
        if (!secret)
          throw new ApiError(400, 'ResourceNotFoundException', 'Secrets Manager can’t find the specified secret.');
        return {
          ARN: arn(secret.name),
          Name: secret.name,
          ...(secret.policy !== undefined ? { ResourcePolicy: policyText(secret.policy) } : {}),
        };
      }
      default:
        throw new ApiError(400, 'InvalidRequestException', request.operation);
    }
  }

  /** The inner XML of an SNS query answer. */
  function snsOperation(request: MockRequest, callerAccountId: string): string {
    const { topics } = computeOf(callerAccountId, request.region);
    const arn = (name: string) => `arn:aws:sns:${request.region}:${callerAccountId}:${name}`;
    switch (request.operation) {
      case 'ListTopics': {
        // SNS pages are 100 topics; the compute page size makes them smaller.
        const { page, token } = computePage(topics, request.params.NextToken, undefined, 100);
        return (
          `<Topics>${page.map((topic) => `<member><TopicArn>${arn(topic.name)}</TopicArn></member>`).join('')}</Topics>` +
          (token ? `<NextToken>${token}</NextToken>` : '')
        );
      }
      case 'GetTopicAttributes': {
        const topic = topics.find((t) => arn(t.name) === request.params.TopicArn);
        if (!topic) throw new ApiError(404, 'NotFound', 'Topic does not exist');
        const entries: [string, string][] = [
          ['TopicArn', arn(topic.name)],
          ['Owner', callerAccountId],
          ...(topic.policy !== undefined ? [['Policy', policyText(topic.policy)] as [string, string]] : []),
        ];
        return `<Attributes>${entries
          .map(([key, value]) => `<entry><key>${key}</key><value>${escapeXml(value)}</value></entry>`)
          .join('')}</Attributes>`;
      }
      default:
        throw new ApiError(400, 'InvalidAction', request.operation);
    }
  }

  /** ListBuckets as XML, GetBucketPolicy as the policy's text. */
  function s3Operation(request: MockRequest, callerAccountId: string): { body: string; contentType: string } {
    const { buckets } = computeOf(callerAccountId, undefined);
    switch (request.operation) {
      case 'ListBuckets': {
        const { page, token } = computePage(
          buckets,
          request.params['continuation-token'],
          request.params['max-buckets'],
          1000,
        );
        const listed = page
          .map((bucket) =>
            toXml({
              Bucket: { Name: bucket.name, CreationDate: '2026-01-01T00:00:00.000Z', BucketRegion: bucket.region },
            }),
          )
          .join('');
        return {
          contentType: 'application/xml',
          body:
            `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets>${listed}</Buckets>` +
            `<Owner><ID>owner-${callerAccountId}</ID></Owner>` +
            `${token ? `<ContinuationToken>${token}</ContinuationToken>` : ''}</ListAllMyBucketsResult>`,
        };
      }
      case 'GetBucketPolicy': {
        const bucket = buckets.find((b) => b.name === request.params.Bucket);
        if (!bucket) throw new ApiError(404, 'NoSuchBucket', 'The specified bucket does not exist');
        if (bucket.region !== request.region) {
          throw new ApiError(
            301,
            'PermanentRedirect',
            'The bucket you are attempting to access must be addressed using the specified endpoint.',
          );
        }
        if (bucket.policy === undefined) {
          throw new ApiError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
        }
        return {
          contentType: 'application/json',
          body: typeof bucket.policy === 'string' ? bucket.policy : JSON.stringify(bucket.policy),
        };
      }
      default:
        throw new ApiError(400, 'NotImplemented', request.operation);
    }
  }

  /** A page of `items` from an opaque numeric token, at most `asked` and the server's compute page size. */
  function computePage<T>(items: T[], token: unknown, asked: unknown, fallback: number) {
    const start = token ? Number(Buffer.from(String(token), 'base64').toString()) : 0;
    const size = Math.min(Number(asked) || fallback, options.computePageSize ?? fallback);
    const next = start + size;
    return {
      page: items.slice(start, next),
      token: next < items.length ? Buffer.from(String(next)).toString('base64') : undefined,
    };
  }

  function lambdaOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const { functions } = computeOf(callerAccountId, request.region);
    if (request.operation === 'GetPolicy') {
      const named = request.params.FunctionName;
      const fn = functions.find(
        (candidate) =>
          candidate.name === named ||
          `arn:aws:lambda:${candidate.region}:${callerAccountId}:function:${candidate.name}` === named,
      );
      if (!fn?.policy)
        throw new ApiError(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
      return { Policy: typeof fn.policy === 'string' ? fn.policy : JSON.stringify(fn.policy), RevisionId: 'r-1' };
    }
    if (request.operation !== 'ListFunctions') throw new ApiError(404, 'ResourceNotFoundException', 'not found');
    const { page, token } = computePage(functions, request.params.Marker, request.params.MaxItems, 50);
    return {
      Functions: page.map((fn) => ({
        FunctionName: fn.name,
        FunctionArn: `arn:aws:lambda:${fn.region}:${callerAccountId}:function:${fn.name}`,
        Role: fn.role,
        Runtime: 'nodejs20.x',
        Version: '$LATEST',
      })),
      ...(token ? { NextMarker: token } : {}),
    };
  }

  function ec2Operation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const compute = computeOf(callerAccountId, request.region);
    switch (request.operation) {
      case 'DescribeRegions':
        return {
          regionInfo: compute.regions.map((name) => ({
            regionName: name,
            regionEndpoint: `ec2.${name}.amazonaws.com`,
            optInStatus: 'opt-in-not-required',
          })),
        };
      case 'DescribeIamInstanceProfileAssociations': {
        const { page, token } = computePage(
          compute.instances,
          request.params.NextToken,
          request.params.MaxResults,
          1000,
        );
        return {
          iamInstanceProfileAssociationSet: page.map((instance) => ({
            associationId: `iip-assoc-${instance.id}`,
            instanceId: instance.id,
            iamInstanceProfile: {
              arn: `arn:aws:iam::${callerAccountId}:instance-profile/${instance.instanceProfile}`,
              id: `AIPA${instance.instanceProfile.toUpperCase()}`,
            },
            state: instance.state ?? 'associated',
          })),
          ...(token ? { nextToken: token } : {}),
        };
      }
      default:
        throw new ApiError(400, 'InvalidAction', `The action ${request.operation} is not valid for this web service.`);
    }
  }

  function ecsOperation(request: MockRequest, callerAccountId: string): Record<string, unknown> {
    const compute = computeOf(callerAccountId, request.region);
    const p = request.params;
    const clusterArn = (name: string) => `arn:aws:ecs:${request.region}:${callerAccountId}:cluster/${name}`;
    const definitionArn = (name: string) => `arn:aws:ecs:${request.region}:${callerAccountId}:task-definition/${name}`;
    const taskArn = (task: { cluster: string; id: string }) =>
      `arn:aws:ecs:${request.region}:${callerAccountId}:task/${task.cluster}/${task.id}`;
    const clusters = [...new Set(compute.tasks.map((task) => task.cluster))].sort();
    const inCluster = (cluster: unknown) =>
      compute.tasks.filter((task) => clusterArn(task.cluster) === cluster || task.cluster === cluster);
    switch (request.operation) {
      case 'ListClusters': {
        const { page, token } = computePage(clusters.map(clusterArn), p.nextToken, p.maxResults, 100);
        return { clusterArns: page, ...(token ? { nextToken: token } : {}) };
      }
      case 'ListTasks': {
        if (p.desiredStatus !== undefined && p.desiredStatus !== 'RUNNING') return { taskArns: [] };
        const { page, token } = computePage(inCluster(p.cluster).map(taskArn), p.nextToken, p.maxResults, 100);
        return { taskArns: page, ...(token ? { nextToken: token } : {}) };
      }
      case 'DescribeTasks': {
        const asked = (p.tasks as string[] | undefined) ?? [];
        if (asked.length > 100) throw new ApiError(400, 'InvalidParameterException', 'at most 100 tasks');
        const tasks = inCluster(p.cluster).filter((task) => asked.includes(taskArn(task)));
        return {
          tasks: tasks.map((task) => ({
            taskArn: taskArn(task),
            clusterArn: clusterArn(task.cluster),
            taskDefinitionArn: definitionArn(task.taskDefinition),
            lastStatus: 'RUNNING',
            desiredStatus: 'RUNNING',
            enableExecuteCommand: task.exec ?? false,
            overrides: {
              containerOverrides: [],
              ...(task.taskRoleOverride ? { taskRoleArn: task.taskRoleOverride } : {}),
            },
          })),
          failures: asked
            .filter((arn) => !tasks.some((task) => taskArn(task) === arn))
            .map((arn) => ({ arn, reason: 'MISSING' })),
        };
      }
      case 'DescribeTaskDefinition': {
        const wanted = String(p.taskDefinition);
        const definition = compute.taskDefinitions.find((d) => definitionArn(d.name) === wanted || d.name === wanted);
        if (!definition) throw new ApiError(400, 'ClientException', `Unable to describe task definition ${wanted}.`);
        return {
          taskDefinition: {
            taskDefinitionArn: definitionArn(definition.name),
            family: definition.name.split(':')[0],
            revision: Number(definition.name.split(':')[1] ?? 1),
            containerDefinitions: [],
            ...(definition.taskRole ? { taskRoleArn: definition.taskRole } : {}),
          },
        };
      }
      default:
        throw new ApiError(400, 'UnknownOperationException', `Unknown operation ${request.operation}`);
    }
  }

  function paginate<T>(items: T[], params: Record<string, unknown>, key: string): Record<string, unknown> {
    const start = params.NextToken ? Number(Buffer.from(String(params.NextToken), 'base64').toString()) : 0;
    const asked = typeof params.MaxResults === 'number' ? params.MaxResults : 20;
    const size = Math.min(asked, options.organizationsPageSize ?? 20);
    const next = start + size;
    return {
      [key]: items.slice(start, next),
      ...(next < items.length ? { NextToken: Buffer.from(String(next)).toString('base64') } : {}),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    faults,
    peakInFlight: (operation) => peaks.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Wait `ms` before answering, but only while the client is still there: a request it dropped (or the server's
 * close) frees the timer at once, so no test's worker is kept alive by an answer nobody will read.
 */
function holdUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

/** The service a SigV4 request was signed for (its credential scope). */
function signedFor(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

function operationOf(req: IncomingMessage, body: string): string {
  if (req.url?.startsWith('/2015-03-31/functions')) return 'ListFunctions';
  if (signedFor(req) === 's3') return /^\/(\?|$)/.test(req.url ?? '/') ? 'ListBuckets' : 'GetBucketPolicy';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? '';
  return new URLSearchParams(body).get('Action') ?? '';
}

function policySummary(policy: MockOrgPolicy, managementAccountId: string, organizationId: string) {
  const kind = policy.type === 'SERVICE_CONTROL_POLICY' ? 'service_control_policy' : 'resource_control_policy';
  return {
    Id: policy.id,
    Arn: policy.awsManaged
      ? `arn:aws:organizations::aws:policy/${kind}/${policy.id}`
      : `arn:aws:organizations::${managementAccountId}:policy/${organizationId}/${kind}/${policy.id}`,
    Name: policy.name,
    Description: '',
    Type: policy.type,
    AwsManaged: policy.awsManaged ?? false,
  };
}

/** IAM returns documents URL-encoded (RFC 3986). */
function encodeDocument(document: PolicyDocument | string): string {
  return typeof document === 'string' ? document : encodeURIComponent(JSON.stringify(document));
}

const CREATED = new Date('2024-01-01T00:00:00Z');

/** Users, groups, roles, then policies, in the order IAM pages through them. */
function authorizationEntries(account: MockAccount): { kind: string; value: Record<string, unknown> }[] {
  const iam: MockIam = account.iam;
  const arn = (kind: string, path: string | undefined, name: string) =>
    `arn:aws:iam::${account.id}:${kind}${path ?? '/'}${name}`;
  const policyArn = (policy: { arn?: string; path?: string; name: string }) =>
    policy.arn ?? arn('policy', policy.path, policy.name);
  const inline = (policies: Record<string, PolicyDocument | string> | undefined) =>
    Object.entries(policies ?? {}).map(([name, document]) => ({
      PolicyName: name,
      PolicyDocument: encodeDocument(document),
    }));
  const managedByArn = new Map((iam.policies ?? []).map((policy) => [policyArn(policy), policy]));
  const attached = (arns: string[] | undefined) =>
    (arns ?? []).map((policy) => ({
      PolicyName: managedByArn.get(policy)?.name ?? policy.split('/').pop(),
      PolicyArn: policy,
    }));
  const tags = (record: Record<string, string> | undefined) =>
    Object.entries(record ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const boundary = (policy: string | undefined) =>
    policy ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: policy } : undefined;

  return [
    ...(iam.users ?? []).map((user) => ({
      kind: 'user',
      value: {
        Path: user.path ?? '/',
        UserName: user.name,
        UserId: `AIDA${user.name.toUpperCase()}`,
        Arn: arn('user', user.path, user.name),
        CreateDate: CREATED,
        UserPolicyList: inline(user.inline),
        GroupList: user.groups ?? [],
        AttachedManagedPolicies: attached(user.attached),
        PermissionsBoundary: boundary(user.boundary),
        Tags: tags(user.tags),
      },
    })),
    ...(iam.groups ?? []).map((group) => ({
      kind: 'group',
      value: {
        Path: group.path ?? '/',
        GroupName: group.name,
        GroupId: `AGPA${group.name.toUpperCase()}`,
        Arn: arn('group', group.path, group.name),
        CreateDate: CREATED,
        GroupPolicyList: inline(group.inline),
        AttachedManagedPolicies: attached(group.attached),
      },
    })),
    ...(iam.roles ?? []).map((role) => ({
      kind: 'role',
      value: {
        Path: role.path ?? '/',
        RoleName: role.name,
        RoleId: `AROA${role.name.toUpperCase()}`,
        Arn: arn('role', role.path, role.name),
        CreateDate: CREATED,
        AssumeRolePolicyDocument: encodeDocument(role.trust),
        InstanceProfileList: (role.instanceProfiles ?? []).map((name) => ({
          Path: '/',
          InstanceProfileName: name,
          InstanceProfileId: `AIPA${name.toUpperCase()}`,
          Arn: `arn:aws:iam::${account.id}:instance-profile/${name}`,
          CreateDate: CREATED,
          Roles: [],
        })),
        RolePolicyList: inline(role.inline),
        AttachedManagedPolicies: attached(role.attached),
        PermissionsBoundary: boundary(role.boundary),
        Tags: tags(role.tags),
        RoleLastUsed: {},
      },
    })),
    ...(iam.policies ?? []).map((policy) => ({
      kind: 'policy',
      value: {
        PolicyName: policy.name,
        PolicyId: `ANPA${policy.name.toUpperCase()}`,
        Arn: policyArn(policy),
        Path: policy.path ?? '/',
        DefaultVersionId: 'v1',
        AttachmentCount: 1,
        PermissionsBoundaryUsageCount: 0,
        IsAttachable: true,
        CreateDate: CREATED,
        UpdateDate: CREATED,
        PolicyVersionList: [
          { Document: encodeDocument(policy.document), VersionId: 'v1', IsDefaultVersion: true, CreateDate: CREATED },
        ],
      },
    })),
  ];
}

/** Query-protocol XML: objects become elements, arrays become `<member>` lists, dates ISO 8601. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => `<${key}>${toXml(child)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** EC2's XML: like the query protocol, but lists are `<item>` elements. */
function toEc2Xml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<item>${toEc2Xml(item)}</item>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => `<${key}>${toEc2Xml(child)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** Stacks per DescribeStacks page (AWS returns up to 100; fewer here so tests page). */
const STACKS_PAGE = 2;
/** Project names per ListProjects page, and jobs per GetJobs page: fewer than AWS's, so tests page. */
const PROJECTS_PAGE = 2;
const GLUE_JOBS_PAGE = 2;

const CLOUDFORMATION_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** The XML namespace of a query-protocol service's answers. */
function queryNamespace(service: MockService): string {
  return service === 'sts' ? STS_NS : service === 'cloudformation' ? CLOUDFORMATION_NS : IAM_NS;
}

const THROTTLE: Record<MockService, ApiError> = {
  iam: new ApiError(400, 'Throttling', 'Rate exceeded'),
  sts: new ApiError(400, 'Throttling', 'Rate exceeded'),
  organizations: new ApiError(400, 'TooManyRequestsException', 'AWS Organizations can not complete your request.'),
  lambda: new ApiError(429, 'TooManyRequestsException', 'Rate exceeded'),
  ec2: new ApiError(503, 'RequestLimitExceeded', 'Request limit exceeded.'),
  ecs: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  kms: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  sqs: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  sns: new ApiError(400, 'Throttling', 'Rate exceeded'),
  secretsmanager: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  s3: new ApiError(503, 'SlowDown', 'Please reduce your request rate.'),
  tag: new ApiError(400, 'ThrottledException', 'Rate exceeded'),
  cloudformation: new ApiError(400, 'Throttling', 'Rate exceeded'),
  codebuild: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  glue: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  states: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  codepipeline: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  sagemaker: new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  batch: new ApiError(429, 'TooManyRequestsException', 'Too Many Requests'),
};

/** The answer for a resource deleted since it was listed, by service. */
const GONE: Partial<Record<MockService, ApiError>> = {
  s3: new ApiError(404, 'NoSuchBucket', 'The specified bucket does not exist'),
  kms: new ApiError(400, 'NotFoundException', 'Key does not exist'),
  sqs: new ApiError(400, 'QueueDoesNotExist', 'The specified queue does not exist.'),
  sns: new ApiError(404, 'NotFound', 'Topic does not exist'),
  secretsmanager: new ApiError(400, 'ResourceNotFoundException', 'Secrets Manager can’t find the specified secret.'),
};

function accessDenied(request: MockRequest): ApiError {
  const action = `${request.service}:${request.operation}`;
  switch (request.service) {
    case 'organizations':
      return new ApiError(400, 'AccessDeniedException', 'You don’t have permissions to access this resource.');
    case 'ec2':
      return new ApiError(
        403,
        'UnauthorizedOperation',
        `You are not authorized to perform this operation (${action}).`,
      );
    case 'lambda':
    case 'ecs':
    case 'kms':
    case 'sqs':
    case 'secretsmanager':
    case 'tag':
    case 'codebuild':
    case 'glue':
    case 'states':
    case 'codepipeline':
    case 'sagemaker':
    case 'batch':
      return new ApiError(403, 'AccessDeniedException', `not authorized to perform: ${action}`);
    default:
      return new ApiError(403, 'AccessDenied', `not authorized to perform ${action}`);
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
