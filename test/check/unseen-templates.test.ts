// A nested stack or SAM application whose template leash check was not given deploys roles nobody judged: the
// check says so for each, and not for a nested stack whose template it read from the cloud assembly.
import type { LoadedStack } from '../../lib/check/assembly';
import { unseenTemplateCaveats } from '../../lib/check/unseen-templates';

function stack(key: string, resources: Record<string, unknown>, nestedIn?: LoadedStack['nestedIn']): LoadedStack {
  return {
    key,
    displayName: key,
    stackName: key,
    file: `${key}.json`,
    text: '',
    template: { Resources: resources } as LoadedStack['template'],
    stackTags: {},
    ...(nestedIn ? { nestedIn } : {}),
  };
}

describe('templates a stack deploys that the check was not given', () => {
  it('are named, with their TemplateURL, for nested stacks and SAM applications', () => {
    const caveats = unseenTemplateCaveats([
      stack('App', {
        Child: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { TemplateURL: 'https://s3.amazonaws.com/b/child.json' },
        },
        Repo: { Type: 'AWS::Serverless::Application', Properties: { Location: { ApplicationId: 'x' } } },
        Table: { Type: 'AWS::DynamoDB::Table' },
      }),
    ]);
    expect(caveats).toHaveLength(2);
    expect(caveats[0]).toMatch(/^Nested stack Child .*https:\/\/s3\.amazonaws\.com\/b\/child\.json.*not judged/);
    expect(caveats[1]).toMatch(/^SAM application Repo .*not judged/);
  });

  it('are not named for a nested stack whose template was read', () => {
    const parent = stack('App', { Child: { Type: 'AWS::CloudFormation::Stack', Properties: {} } });
    const child = stack('App/Child', {}, { parentKey: 'App', logicalId: 'Child' });
    expect(unseenTemplateCaveats([parent, child])).toEqual([]);
  });
});

describe('templates a macro rewrites at deployment', () => {
  const withTransform = (transform: unknown, resources: Record<string, unknown> = {}): LoadedStack => ({
    ...stack('App', resources),
    template: { Transform: transform, Resources: resources } as unknown as LoadedStack['template'],
  });

  it('are named with each macro: a custom Transform can add an administrator role no file shows', () => {
    const caveats = unseenTemplateCaveats([withTransform(['AWS::Serverless-2016-10-31', 'CompanyMacro'])]);
    expect(caveats).toEqual([
      expect.stringMatching(/^Stack App \(App\.json\): Transform CompanyMacro rewrites .*not judged/),
    ]);
  });

  it('name Fn::Transform (AWS::Include) wherever it sits', () => {
    const caveats = unseenTemplateCaveats([
      withTransform(undefined, {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Code: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } } },
        },
      }),
    ]);
    expect(caveats).toEqual([expect.stringMatching(/Fn::Transform AWS::Include rewrites/)]);
  });

  it('name Fn::Transform however deep a readable template holds it', () => {
    let deep: unknown = { 'Fn::Transform': { Name: 'AWS::Include' } };
    for (let level = 0; level < 200; level++) deep = { Nested: deep };
    const caveats = unseenTemplateCaveats([
      withTransform(undefined, { Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: deep } } }),
    ]);
    expect(caveats).toEqual([expect.stringMatching(/Fn::Transform AWS::Include rewrites/)]);
  });

  it('are not named for the transforms leash check reads as written (SAM, language extensions)', () => {
    expect(unseenTemplateCaveats([withTransform(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions'])])).toEqual(
      [],
    );
  });
});
