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
