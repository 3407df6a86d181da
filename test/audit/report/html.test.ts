// The HTML report's data, without a browser: reachability paths in the shapes a rule may give them, repeated
// statements written once, and nothing in the data able to close its script element.
import { pathEdges, renderReport } from '../../../lib/audit/report';
import type { Finding } from '../../../lib/audit/rules/types';
import { auditFinding, reportInput } from './fixtures';

const A = 'arn:aws:iam::111122223333:role/a';
const B = 'arn:aws:iam::111122223333:role/b';
const C = 'arn:aws:iam::111122223333:role/c';
const withDetails = (details: Record<string, unknown>): Finding => ({ ...auditFinding, details });

describe('pathEdges', () => {
  it.each([
    [
      'a list of edges',
      {
        path: [
          { from: A, to: B, via: 'sts:AssumeRole' },
          { from: B, to: C, action: 'iam:PassRole' },
        ],
      },
    ],
    [
      'a list of nodes with the step that leads on',
      { path: [{ arn: A, via: 'sts:AssumeRole' }, { principalArn: B, action: 'iam:PassRole' }, C] },
    ],
    [
      'paths holding steps',
      {
        paths: [
          { steps: [{ from: A, to: B, via: 'sts:AssumeRole' }] },
          { edges: [{ from: B, to: C, kind: 'iam:PassRole' }] },
        ],
      },
    ],
  ])('reads %s', (_name, details) => {
    expect(pathEdges(withDetails(details))).toEqual([
      { from: A, to: B, via: 'sts:AssumeRole' },
      { from: B, to: C, via: 'iam:PassRole' },
    ]);
  });

  it("reads the access graph's Path: {from, to, hops: [{from, to, kind, actions}], certain}", () => {
    const path = {
      from: A,
      to: C,
      certain: true,
      hops: [
        {
          from: A,
          to: B,
          kind: 'assume-role',
          actions: ['sts:AssumeRole'],
          decision: 'allowed',
          dependsOn: [],
          evidence: [],
        },
        {
          from: B,
          to: C,
          kind: 'pass-role',
          actions: ['iam:PassRole', 'lambda:CreateFunction'],
          decision: 'allowed',
          dependsOn: [],
          evidence: [],
        },
      ],
    };
    expect(pathEdges(withDetails({ path }))).toEqual([
      { from: A, to: B, via: 'sts:AssumeRole' },
      { from: B, to: C, via: 'iam:PassRole, lambda:CreateFunction' },
    ]);
  });

  it('draws nothing from a shape it does not know (the details are still shown as they are)', () => {
    expect(pathEdges(withDetails({ path: 'a -> b' }))).toEqual([]);
    expect(pathEdges(withDetails({ path: [{ from: A }] }))).toEqual([]);
    expect(pathEdges(withDetails({ path: [A, 42] }))).toEqual([]);
    expect(pathEdges(auditFinding)).toEqual([]);
  });

  it('keeps an edge once when several paths share it', () => {
    const edge = { from: A, to: B, via: 'sts:AssumeRole' };
    expect(pathEdges(withDetails({ paths: [[edge], [edge, { from: B, to: C }]] }))).toHaveLength(2);
  });
});

describe('html data', () => {
  it('writes a statement that many findings share once', () => {
    const statement = { Sid: 'SharedStatementMarker', Effect: 'Allow', Action: '*', Resource: '*' };
    const findings = Array.from({ length: 200 }, (_, i) => ({
      ...auditFinding,
      principalArn: `arn:aws:iam::111122223333:role/r${i}`,
      evidence: [{ policy: 'arn:aws:iam::aws:policy/AdministratorAccess', policyKind: 'managed' as const, statement }],
    }));
    const html = renderReport({ ...reportInput, findings }, 'html');
    expect(html.split('SharedStatementMarker')).toHaveLength(2);
  });

  it('cannot be closed early by what a policy holds', () => {
    const hostile = { ...auditFinding, message: '</script><script>alert(1)</script><!--', details: { x: '</SCRIPT>' } };
    const html = renderReport({ ...reportInput, findings: [hostile] }, 'html');
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    expect(html.match(/<script/gi)).toHaveLength(2);
  });
});
