import { parsePolicy, PolicyParseCache, type PolicyProblem, type PolicyType } from '../../lib/policy';

const V = '2012-10-17';
const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };

function problemsOf(input: unknown, type?: PolicyType): PolicyProblem[] {
  const result = parsePolicy(input, type ? { type } : {});
  return result.ok ? [...result.warnings] : [...result.problems];
}

function lines(input: unknown, type?: PolicyType): string[] {
  return problemsOf(input, type).map((p) => `${p.path}: ${p.message}`);
}

describe('parsePolicy grammar errors', () => {
  const cases: { name: string; input: unknown; type?: PolicyType; expected: string }[] = [
    {
      name: 'lower-case Effect',
      input: { Version: V, Statement: [allow, allow, { ...allow, Effect: 'allow' }] },
      expected: 'Statement[2].Effect: expected "Allow" or "Deny", got "allow"',
    },
    {
      name: 'missing Effect',
      input: { Version: V, Statement: [{ Action: 's3:GetObject', Resource: '*' }] },
      expected: 'Statement[0].Effect: is required',
    },
    {
      name: 'both Action and NotAction',
      input: { Version: V, Statement: [{ ...allow, NotAction: 's3:PutObject' }] },
      expected: 'Statement[0]: has both Action and NotAction: use one',
    },
    {
      name: 'neither Action nor NotAction',
      input: { Version: V, Statement: [{ Effect: 'Allow', Resource: '*' }] },
      expected: 'Statement[0]: needs Action or NotAction',
    },
    {
      name: 'both Resource and NotResource',
      input: { Version: V, Statement: [{ ...allow, NotResource: 'arn:aws:s3:::b' }] },
      expected: 'Statement[0]: has both Resource and NotResource: use one',
    },
    {
      name: 'a number inside an Action array',
      input: { Version: V, Statement: [{ ...allow, Action: ['s3:GetObject', 3] }] },
      expected: 'Statement[0].Action[1]: expected an action such as "s3:GetObject", got a number (3)',
    },
    {
      name: 'an object as Resource',
      input: { Version: V, Statement: [{ ...allow, Resource: {} }] },
      expected: 'Statement[0].Resource: expected an ARN or "*" or an array of them, got an object',
    },
    {
      name: 'an empty Action array',
      input: { Version: V, Statement: [{ ...allow, Action: [] }] },
      expected: 'Statement[0].Action: must not be an empty array',
    },
    {
      name: 'an unknown statement element',
      input: { Version: V, Statement: { ...allow, Actions: 's3:GetObject' } },
      expected:
        'Statement: unknown element "Actions": a statement has Sid, Effect, Action or NotAction, Resource or NotResource, Principal or NotPrincipal, and Condition',
    },
    {
      name: 'an unknown top-level element',
      input: { Version: V, Statement: allow, Statements: [] },
      expected: ': unknown element "Statements": a policy has only Version, Id and Statement',
    },
    {
      name: 'Statement is a number',
      input: { Version: V, Statement: 3 },
      expected: 'Statement: expected a statement object or an array of statements, got a number (3)',
    },
    {
      name: 'an empty Statement array',
      input: { Version: V, Statement: [] },
      expected: 'Statement: must contain at least one statement',
    },
    {
      name: 'Statement missing',
      input: { Version: V },
      expected: 'Statement: is required',
    },
    {
      name: 'a document that is an array',
      input: [allow],
      expected: ': expected a policy document object, got an array',
    },
    {
      name: 'an unknown Version',
      input: { Version: '2012-10-18', Statement: allow },
      expected: 'Version: expected "2012-10-17" (or the legacy "2008-10-17"), got "2012-10-18"',
    },
    {
      name: 'an unknown principal type',
      input: { Version: V, Statement: { ...allow, Principal: { Account: '1' } } },
      expected:
        'Statement.Principal: unknown principal type "Account": expected AWS, Service, Federated or CanonicalUser',
    },
    {
      name: 'a principal that is neither "*" nor a map',
      input: { Version: V, Statement: { ...allow, Principal: 'arn:aws:iam::111122223333:root' } },
      expected:
        'Statement.Principal: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got "arn:aws:iam::111122223333:root"',
    },
    {
      name: 'an unknown condition operator',
      input: { Version: V, Statement: { ...allow, Condition: { StringEqualz: { 'aws:PrincipalTag/team': 'a' } } } },
      expected: 'Statement.Condition.StringEqualz: unknown condition operator "StringEqualz"',
    },
    {
      name: 'a condition operator in the wrong case',
      input: { Version: V, Statement: { ...allow, Condition: { stringequals: { 'aws:PrincipalTag/team': 'a' } } } },
      expected:
        'Statement.Condition.stringequals: unknown condition operator "stringequals"; did you mean "StringEquals"?',
    },
    {
      name: 'NullIfExists',
      input: { Version: V, Statement: { ...allow, Condition: { NullIfExists: { 'aws:TagKeys': 'true' } } } },
      expected:
        'Statement.Condition.NullIfExists: "NullIfExists" is not a condition operator: Null already tests existence',
    },
    {
      name: 'a Bool value that is not true or false (the Deny it limits would never apply)',
      input: {
        Version: V,
        Statement: { ...allow, Condition: { Bool: { 'aws:MultiFactorAuthPresent': ['true', 'flase'] } } },
      },
      expected:
        'Statement.Condition.Bool["aws:MultiFactorAuthPresent"][1]: Bool expects "true" or "false", got "flase": AWS matches no request value with it',
    },
    {
      name: 'a Null value that is not true or false',
      input: { Version: V, Statement: { ...allow, Condition: { Null: { 'aws:ResourceTag/env': 'no' } } } },
      expected:
        'Statement.Condition.Null["aws:ResourceTag/env"]: Null expects "true" or "false", got "no": AWS matches no request value with it',
    },
    {
      name: 'a Numeric value that is not a number',
      input: {
        Version: V,
        Statement: { ...allow, Condition: { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '1h' } } },
      },
      expected:
        'Statement.Condition.NumericLessThanIfExists["aws:MultiFactorAuthAge"]: NumericLessThanIfExists expects a number, got "1h": AWS matches no request value with it',
    },
    {
      name: 'an object as a condition value',
      input: { Version: V, Statement: { ...allow, Condition: { StringEquals: { 'aws:ResourceTag/env': { a: 1 } } } } },
      expected:
        'Statement.Condition.StringEquals["aws:ResourceTag/env"]: expected a string, number, boolean or an array of them, got an object',
    },
    {
      name: 'a wildcard in the service prefix',
      input: { Version: V, Statement: { ...allow, Action: '*:Delete*' } },
      expected:
        'Statement.Action: action "*:Delete*" has a wildcard in the service prefix, which AWS rejects: name each service, e.g. "ec2:Delete*"',
    },
    {
      name: 'an action without a colon',
      input: { Version: V, Statement: { ...allow, Action: ['s3:GetObject', 's3GetObject'] } },
      expected:
        'Statement.Action[1]: action "s3GetObject" has no service prefix: expected "service:Action", e.g. "s3:GetObject"',
    },
    {
      name: 'NotPrincipal with Allow',
      input: { Version: V, Statement: { ...allow, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } } },
      expected: 'Statement.NotPrincipal: NotPrincipal is supported only with "Effect": "Deny"',
    },
    {
      name: 'duplicate Sids',
      input: {
        Version: V,
        Statement: [
          { ...allow, Sid: 'A' },
          { ...allow, Sid: 'A' },
        ],
      },
      expected: 'Statement[1].Sid: duplicate Sid "A", first used at Statement[0]',
    },
    {
      name: 'a Sid with a space in an IAM policy',
      input: { Version: V, Statement: { ...allow, Sid: 'Read objects' } },
      type: 'identity',
      expected: 'Statement.Sid: Sid "Read objects" may contain only letters and digits',
    },
  ];

  it.each(cases)('reports $name with its JSON path', ({ input, type, expected }) => {
    const result = parsePolicy(input, type ? { type } : {});
    expect(result.ok).toBe(false);
    expect(lines(input, type)).toEqual([expected]);
  });

  it('accepts Bool, Null and Numeric values as JSON literals, in any case, or as policy variables', () => {
    const input = {
      Version: V,
      Statement: {
        ...allow,
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': false, 'aws:SecureTransport': 'True' },
          Null: { 'aws:ResourceTag/env': ['FALSE'] },
          NumericLessThan: { 'aws:MultiFactorAuthAge': [3600, '-1.5e3'] },
          'ForAnyValue:NumericEquals': { 's3:max-keys': '${aws:PrincipalTag/limit}' },
        },
      },
    };
    expect(lines(input)).toEqual([]);
  });

  it('reports every problem, not just the first', () => {
    const input = {
      Version: V,
      Statement: [
        { Effect: 'allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: 'ec2:*', NotAction: 'ec2:Describe*', Resource: '*' },
      ],
    };
    expect(lines(input)).toEqual([
      'Statement[0].Effect: expected "Allow" or "Deny", got "allow"',
      'Statement[1]: has both Action and NotAction: use one',
    ]);
  });

  it('never throws, whatever the input', () => {
    for (const input of [undefined, null, 0, true, 'nonsense', '{', '%7Bbroken', { Statement: { Condition: 3 } }]) {
      const result = parsePolicy(input);
      expect(result.ok).toBe(false);
    }
  });

  it('rejects an empty principal map', () => {
    expect(lines({ Version: V, Statement: { ...allow, Principal: {} } })).toEqual([
      'Statement.Principal: must name at least one of AWS, Service, Federated or CanonicalUser',
    ]);
  });

  it('records where the policy came from on every problem', () => {
    const result = parsePolicy({ Statement: 3 }, { where: 'arn:aws:iam::111122223333:policy/p' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.every((p) => p.where === 'arn:aws:iam::111122223333:policy/p')).toBe(true);
  });
});

describe('parsePolicy versions', () => {
  it('accepts "2008-10-17" with a warning about policy variables', () => {
    const result = parsePolicy({ Version: '2008-10-17', Statement: allow });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.warnings).toEqual([
        expect.objectContaining({ path: 'Version', severity: 'warning', message: expect.stringContaining('legacy') }),
      ]);
    }
  });

  it('accepts a missing Version with a warning', () => {
    const result = parsePolicy({ Statement: allow });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.map((w) => w.severity)).toEqual(['warning']);
  });

  it('has no warnings for a current document', () => {
    const result = parsePolicy({ Version: V, Statement: allow });
    expect(result.ok && result.warnings).toEqual([]);
  });
});

describe('parsePolicy input forms', () => {
  const document = {
    Version: V,
    Statement: [
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::b/*' },
    ],
  };

  it('parses JSON text', () => {
    const result = parsePolicy(JSON.stringify(document, null, 2));
    expect(result.ok && result.policy.statements[0].actions).toEqual(['s3:GetObject', 's3:ListBucket']);
  });

  it('parses URL-encoded JSON as get-account-authorization-details returns it', () => {
    // The SDK hands back PolicyDocument exactly like this: encodeURIComponent of the stored JSON.
    const encoded =
      '%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%0A%20%20%20%20%7B%0A' +
      '%20%20%20%20%20%20%22Effect%22%3A%20%22Allow%22%2C%0A%20%20%20%20%20%20%22Principal%22%3A%20%7B%0A%20%20' +
      '%20%20%20%20%20%20%22Service%22%3A%20%22lambda.amazonaws.com%22%0A%20%20%20%20%20%20%7D%2C%0A%20%20%20%20' +
      '%20%20%22Action%22%3A%20%22sts%3AAssumeRole%22%0A%20%20%20%20%7D%0A%20%20%5D%0A%7D';
    const result = parsePolicy(encoded, { type: 'trust' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.policy.statements[0]).toEqual({
        index: 0,
        effect: 'Allow',
        principals: { Service: ['lambda.amazonaws.com'] },
        actions: ['sts:AssumeRole'],
        conditions: [],
      });
    }
  });

  it('parses URL-encoded text that does not start with %7B but decodes cleanly', () => {
    const encoded = encodeURIComponent(`\n${JSON.stringify(document)}`);
    expect(encoded.startsWith('%0A%7B')).toBe(true);
    const result = parsePolicy(encoded);
    expect(result.ok).toBe(true);
  });

  it('reports invalid JSON with line and column', () => {
    expect(lines('{\n  "Version": "2012-10-17",\n  "Statement": [}\n}')).toEqual([
      expect.stringMatching(/^: invalid JSON at line 3, column 17: /),
    ]);
  });

  it('reports a key given twice, which JSON.parse would silently resolve', () => {
    const text =
      '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},\n' +
      ' "Statement": {"Effect": "Deny", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}}';
    expect(lines(text)).toEqual([
      'Statement: Statement is given more than once in the same object: only the last would count',
      'Statement.Effect: Effect is given more than once in the same object: only the last would count',
    ]);
  });

  it('reports URL-encoded text that does not decode', () => {
    expect(lines('%7B%E0%A4%A')).toEqual([': looks URL-encoded (starts with %7B) but does not decode']);
  });
});

describe('parsePolicy normalisation', () => {
  it('turns a single-statement object into a list of one with index 0', () => {
    const result = parsePolicy({ Version: V, Statement: allow });
    expect(result.ok && result.policy).toEqual({
      version: V,
      statements: [{ index: 0, effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'], conditions: [] }],
    });
  });

  it('keeps NotAction, NotResource and NotPrincipal apart from their positive forms', () => {
    const result = parsePolicy({
      Version: V,
      Id: 'guard',
      Statement: [
        {
          Sid: 'DenyOthers',
          Effect: 'Deny',
          NotAction: ['iam:*', 'sts:*'],
          NotResource: 'arn:aws:s3:::logs/*',
          NotPrincipal: { AWS: ['arn:aws:iam::111122223333:role/admin', '111122223333'] },
        },
      ],
    });
    expect(result.ok && result.policy).toEqual({
      version: V,
      id: 'guard',
      statements: [
        {
          index: 0,
          sid: 'DenyOthers',
          effect: 'Deny',
          notActions: ['iam:*', 'sts:*'],
          notResources: ['arn:aws:s3:::logs/*'],
          notPrincipals: { AWS: ['arn:aws:iam::111122223333:role/admin', '111122223333'] },
          conditions: [],
        },
      ],
    });
  });

  it('expands Principal "*" to { AWS: ["*"] }', () => {
    const result = parsePolicy({ Version: V, Statement: { ...allow, Principal: '*' } }, { type: 'resource' });
    expect(result.ok && result.policy.statements[0].principals).toEqual({ AWS: ['*'] });
  });

  it('accepts string-or-array in every element that allows it', () => {
    const asStrings = {
      Version: V,
      Statement: {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Principal: { AWS: 'arn:aws:iam::111122223333:root', Service: 'ec2.amazonaws.com' },
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } },
      },
    };
    const asArrays = {
      Version: V,
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: ['arn:aws:s3:::b/*'],
          Principal: { AWS: ['arn:aws:iam::111122223333:root'], Service: ['ec2.amazonaws.com'] },
          Condition: { StringEquals: { 'aws:PrincipalTag/team': ['a'] } },
        },
      ],
    };
    const a = parsePolicy(asStrings, { type: 'resource' });
    const b = parsePolicy(asArrays, { type: 'resource' });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.policy).toEqual(b.policy);
  });

  it('splits condition operators into set prefix, base operator and IfExists', () => {
    const result = parsePolicy({
      Version: V,
      Statement: {
        ...allow,
        Condition: {
          'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['env', 'team*'] },
          Bool: { 'aws:MultiFactorAuthPresent': true },
          NumericLessThan: { 's3:max-keys': 10 },
        },
      },
    });
    expect(result.ok && result.policy.statements[0].conditions).toEqual([
      {
        operator: 'ForAnyValue:StringLikeIfExists',
        baseOperator: 'StringLike',
        ifExists: true,
        setOperator: 'ForAnyValue',
        key: 'aws:TagKeys',
        values: ['env', 'team*'],
      },
      { operator: 'Bool', baseOperator: 'Bool', ifExists: false, key: 'aws:MultiFactorAuthPresent', values: ['true'] },
      {
        operator: 'NumericLessThan',
        baseOperator: 'NumericLessThan',
        ifExists: false,
        key: 's3:max-keys',
        values: ['10'],
      },
    ]);
  });

  it('returns the document as written next to the normalised policy', () => {
    const input = { Version: V, Statement: allow };
    const result = parsePolicy(input);
    expect(result.ok && result.document).toEqual(input);
  });
});

describe('parsePolicy per-type rules', () => {
  const cases: { name: string; type: PolicyType; statement: Record<string, unknown>; expected: string[] }[] = [
    {
      name: 'Principal in an identity policy',
      type: 'identity',
      statement: { ...allow, Principal: '*' },
      expected: [
        'Statement.Principal: Principal is not allowed in an identity policy: the principal is whoever the policy is attached to',
      ],
    },
    {
      name: 'no Resource in a permissions boundary',
      type: 'boundary',
      statement: { Effect: 'Allow', Action: 's3:*' },
      expected: ['Statement: needs Resource or NotResource'],
    },
    {
      name: 'Resource in a trust policy',
      type: 'trust',
      statement: {
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Resource: '*',
      },
      expected: ['Statement.Resource: Resource is not allowed in a trust policy: the resource is the role itself'],
    },
    {
      name: 'no Principal in a trust policy',
      type: 'trust',
      statement: { Effect: 'Allow', Action: 'sts:AssumeRole' },
      expected: ['Statement: needs Principal: who may assume the role'],
    },
    {
      name: 'a non-STS action in a trust policy',
      type: 'trust',
      statement: { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: ['sts:AssumeRole*', 's3:GetObject'] },
      expected: [
        'Statement.Action[1]: "s3:GetObject" is not allowed in a trust policy: expected sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity or sts:SetContext',
      ],
    },
    {
      name: 'a bucket name where an ARN belongs',
      type: 'identity',
      statement: { ...allow, Resource: ['arn:aws:s3:::b/*', 'my-bucket'] },
      expected: ['Statement.Resource[1]: "my-bucket" is not an ARN or "*"'],
    },
    {
      name: 'an ARN cut short without a wildcard',
      type: 'scp',
      statement: { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3' },
      expected: [
        'Statement.NotResource: "arn:aws:s3" is not a complete ARN: expected arn:partition:service:region:account:resource (or end it with "*")',
      ],
    },
    {
      name: 'no Principal in a resource policy',
      type: 'resource',
      statement: allow,
      expected: ['Statement: needs Principal or NotPrincipal: who the resource grants or denies access to'],
    },
    {
      name: 'Principal in an SCP',
      type: 'scp',
      statement: { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Principal: '*' },
      expected: [
        'Statement.Principal: Principal is not allowed in an SCP: an SCP applies to every principal of the accounts it is attached to',
      ],
    },
    {
      name: 'Allow in an RCP',
      type: 'rcp',
      statement: { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' },
      expected: [
        'Statement.Effect: an RCP may only Deny: "Allow" is reserved for the AWS-managed RCPFullAWSAccess policy',
      ],
    },
    {
      name: 'a named principal in an RCP',
      type: 'rcp',
      statement: { Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' },
      expected: [
        'Statement.Principal: must be "*" in an RCP, got an object: narrow principals with conditions such as aws:PrincipalOrgID or aws:PrincipalArn',
      ],
    },
    {
      name: 'NotAction in an RCP',
      type: 'rcp',
      statement: { Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: '*' },
      expected: ['Statement.NotAction: NotAction is not allowed in an RCP'],
    },
  ];

  it.each(cases)('rejects $name', ({ type, statement, expected }) => {
    const result = parsePolicy({ Version: V, Statement: statement }, { type });
    expect(result.ok).toBe(false);
    expect(lines({ Version: V, Statement: statement }, type)).toEqual(expected);
  });

  const valid: { type: PolicyType; statement: Record<string, unknown> }[] = [
    { type: 'identity', statement: allow },
    { type: 'identity', statement: { ...allow, Resource: ['arn:aws:iam::*', 'arn:aws:logs:*:*:log-group:/app:*'] } },
    { type: 'boundary', statement: { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::b/*' } },
    {
      type: 'trust',
      statement: {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } },
      },
    },
    {
      type: 'resource',
      statement: { Effect: 'Deny', NotPrincipal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' },
    },
    {
      type: 'scp',
      statement: {
        Effect: 'Deny',
        Action: ['rds:Delete*', 'dynamodb:DeleteTable'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/environment': 'production' } },
      },
    },
    {
      type: 'rcp',
      statement: {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-123' } },
      },
    },
    // RCPFullAWSAccess, which AWS attaches at every level once RCPs are on: its Allow is the one an RCP may hold.
    { type: 'rcp', statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } },
  ];

  it.each(valid)('accepts a typical $type policy', ({ type, statement }) => {
    const result = parsePolicy({ Version: V, Statement: statement }, { type });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe('parsePolicy with a parse cache', () => {
  // The audit parses one managed policy for every principal and rule that reads it, through a cache of its
  // snapshot; the answers must stay those of the type and place each call names.
  const document = {
    Version: V,
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject' }],
  };
  const asIdentity = [
    'Statement[0].Principal: Principal is not allowed in an identity policy: the principal is whoever the policy is attached to',
    'Statement[0]: needs Resource or NotResource',
  ];
  const show = (result: ReturnType<typeof parsePolicy>) =>
    (result.ok ? result.warnings : result.problems).map((p) => `${p.path}: ${p.message}`);

  it('applies the rules of the type asked for, whatever type was asked before', () => {
    const cache = new PolicyParseCache();
    expect(show(parsePolicy(document, { type: 'identity', cache }))).toEqual(asIdentity);
    expect(parsePolicy(document, { type: 'resource', cache }).ok).toBe(true);
    expect(show(parsePolicy(document, { type: 'resource', cache }))).toEqual([
      'Statement[0]: has no Resource or NotResource',
    ]);
    expect(show(parsePolicy(document, { type: 'identity', cache }))).toEqual(asIdentity);
  });

  it('stamps each call’s own location on the problems', () => {
    const cache = new PolicyParseCache();
    const first = parsePolicy(document, { type: 'identity', where: 'policy A', cache });
    const second = parsePolicy(document, { type: 'identity', where: 'policy B', cache });
    expect(first.ok ? [] : first.problems.map((p) => p.where)).toEqual(['policy A', 'policy A']);
    expect(second.ok ? [] : second.problems.map((p) => p.where)).toEqual(['policy B', 'policy B']);
  });

  it('without a cache, sees a document changed since it was last parsed', () => {
    const editable: { Version: string; Statement: Record<string, unknown>[] } = {
      Version: V,
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }],
    };
    expect(parsePolicy(editable, { type: 'identity' }).ok).toBe(false);
    editable.Statement[0].Resource = '*';
    expect(parsePolicy(editable, { type: 'identity' }).ok).toBe(true);
  });
});
