// Systems Manager documents a deployment makes AWS run without anyone calling them: an association (run on
// the instances it targets as soon as it is created, then on its schedule), a maintenance window task, an
// EventBridge rule target, an AWS Config remediation, a Scheduler schedule starting an automation. The
// document itself is often not in the template: an AWS-managed one (`AWS-DeleteCloudFormationStack`,
// `AWS-TerminateEC2Instance`), a shell script run on every production instance (`AWS-RunShellScript` with
// `rm -rf /data`), or one of the account's own. What each run does is judged from what the template shows:
// the document's content when the template defines it, the commands it is given, the managed document's name;
// a document the gate cannot read is named as such, never taken as harmless.
import type { Catalog } from '../catalog/types';
import { destructiveAction, texts } from './custom-resources';
import type { CfnResource } from './template-file';

/** What a document run calls or runs that destroys, as `what (where)`; empty when nothing. */
export function documentRunCalls(
  resource: CfnResource,
  catalog: Catalog,
  template: Readonly<Record<string, CfnResource>>,
  contentCalls: (content: unknown) => string[],
): string[] {
  const calls = new Set<string>();
  for (const run of documentRuns(resource)) {
    for (const call of judgeRun(run, catalog, template, contentCalls)) calls.add(call);
  }
  return [...calls];
}

/** One document a resource makes AWS run: its name (a literal, or the document resource a `Ref` names) and inputs. */
interface DocumentRun {
  readonly document: unknown;
  readonly parameters: unknown;
  readonly where: string;
}

function documentRuns(resource: CfnResource): DocumentRun[] {
  const properties = (resource.Properties ?? {}) as Record<string, unknown>;
  switch (resource.Type) {
    case 'AWS::SSM::Association':
      return [{ document: properties.Name, parameters: properties.Parameters, where: 'association' }];
    case 'AWS::SSM::MaintenanceWindowTask': {
      const type = String(properties.TaskType ?? '').toUpperCase();
      if (type !== 'RUN_COMMAND' && type !== 'AUTOMATION') return [];
      return [
        {
          document: properties.TaskArn,
          parameters: [properties.TaskInvocationParameters, properties.TaskParameters],
          where: 'maintenance window task',
        },
      ];
    }
    case 'AWS::Config::RemediationConfiguration':
      return [{ document: properties.TargetId, parameters: properties.Parameters, where: 'Config remediation' }];
    case 'AWS::Events::Rule':
      return arrayOf(properties.Targets).flatMap((target) => {
        const { Arn, Input, RunCommandParameters } = (target ?? {}) as Record<string, unknown>;
        const name = ssmDocumentOfArn(Arn);
        if (name === undefined) return [];
        return [{ document: name, parameters: [Input, RunCommandParameters], where: 'EventBridge rule target' }];
      });
    case 'AWS::Scheduler::Schedule': {
      const target = (properties.Target ?? {}) as Record<string, unknown>;
      if (!texts(target.Arn).some((arn) => /:aws-sdk:ssm:(startAutomationExecution|sendCommand)$/i.test(arn)))
        return [];
      const input = parsedInput(target.Input);
      const document = (input as { DocumentName?: unknown } | undefined)?.DocumentName ?? target.Input;
      return [{ document, parameters: input ?? target.Input, where: 'Scheduler schedule' }];
    }
    default:
      return [];
  }
}

/** `arn:…:ssm:region:account:automation-definition/NAME[:version]` or `arn:…:ssm:region:[account]:document/NAME`. */
function ssmDocumentOfArn(arn: unknown): unknown {
  for (const text of texts(arn)) {
    const match = /^arn:[^:]*:ssm:[^:]*:[^:]*:(?:automation-definition|document)\/([^:]+)/.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

function judgeRun(
  run: DocumentRun,
  catalog: Catalog,
  template: Readonly<Record<string, CfnResource>>,
  contentCalls: (content: unknown) => string[],
): string[] {
  const out: string[] = [];
  // Commands given to the run (AWS-RunShellScript's `commands`, an automation's inputs) are read whatever the document.
  for (const call of commandCalls(texts(run.parameters).join('\n'), catalog))
    out.push(`${call} (${run.where} commands)`);
  const defined = definedDocument(run.document, template);
  if (defined) {
    const content = defined.Properties?.Content;
    for (const call of contentCalls(content)) out.push(`${call} (${run.where} runs document ${defined.logicalId})`);
    for (const call of commandCalls(texts(content).join('\n'), catalog)) {
      out.push(`${call} (${run.where} runs document ${defined.logicalId})`);
    }
    return out;
  }
  const names = texts(run.document);
  const name = names.length === 1 ? documentName(names[0]) : undefined;
  if (name === undefined) {
    out.push(`a document the gate cannot name (${run.where}: its name is built at deployment)`);
    return out;
  }
  const managed = /^(AWS|AWSSupport|AWSConfigRemediation|AWSEC2|AWSFleetManager|AWSDocs|AWSSQLServer|AmazonEKS)-/.exec(
    name,
  );
  if (managed) {
    // AWS's own documents say what they do in their names (AWS-DeleteSnapshot, AWS-TerminateEC2Instance): the
    // name is reported, not a catalog action of that name in some other service.
    if (destructiveAction(undefined, name.slice(managed[0].length), catalog)) {
      out.push(`AWS-managed document ${name} (${run.where})`);
    }
    return out;
  }
  out.push(
    `whatever document ${name} does (${run.where}: the document is not in the template, so the gate cannot read it)`,
  );
  return out;
}

/** The AWS::SSM::Document resource a run names by `Ref` (or by its literal Name property). */
function definedDocument(
  document: unknown,
  template: Readonly<Record<string, CfnResource>>,
): (CfnResource & { logicalId: string }) | undefined {
  const ref = (document as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref === 'string' && template[ref]?.Type === 'AWS::SSM::Document')
    return { ...template[ref], logicalId: ref };
  if (typeof document !== 'string') return undefined;
  const name = documentName(document);
  for (const [logicalId, resource] of Object.entries(template)) {
    if (resource?.Type === 'AWS::SSM::Document' && resource.Properties?.Name === name)
      return { ...resource, logicalId };
  }
  return undefined;
}

/** A document name from a name or an ARN (`arn:…:document/NAME`, `…:automation-definition/NAME:$DEFAULT`). */
function documentName(text: string): string | undefined {
  const fromArn = ssmDocumentOfArn(text);
  const name = typeof fromArn === 'string' ? fromArn : text;
  return /^[A-Za-z0-9_.-]{3,128}$/.test(name) ? name : undefined;
}

/** Shell commands that destroy data whatever the resource (recursive removal, file system writes, SQL drops). */
const SHELL_DESTROYERS: readonly [RegExp, string][] = [
  [/\brm\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*[rR]/, 'rm -r'],
  [/\b(mkfs(\.\w+)?|wipefs|shred)\b/, 'file system or disk wipe'],
  [/\bdd\b[^\n]*\bof=\/dev\//, 'dd onto a device'],
  [/\b(DROP\s+(TABLE|DATABASE|SCHEMA|KEYSPACE)|TRUNCATE\s+(TABLE\s+)?\w)/i, 'SQL drop or truncate'],
  [/\bRemove-Item\b[^\n]*-Recurse/i, 'Remove-Item -Recurse'],
  [/\bFormat-Volume\b/i, 'Format-Volume'],
];

/**
 * What command text destroys: AWS CLI calls the catalog classes delete or recreate (`aws dynamodb delete-table`),
 * PowerShell AWS cmdlets named so (`Remove-DDBTable`), and shell commands that wipe data.
 */
export function commandCalls(text: string, catalog: Catalog): string[] {
  if (!text) return [];
  const calls = new Set<string>();
  for (const [service, operation, rest] of cliCalls(text)) {
    const action =
      service === 's3'
        ? S3_HIGH_LEVEL[operation]?.(rest)
        : destructiveAction(service, kebabToPascal(operation), catalog);
    if (action) calls.add(`${action} (aws ${service} ${operation})`);
  }
  for (const [pattern, what] of SHELL_DESTROYERS) if (pattern.test(text)) calls.add(what);
  return [...calls];
}

/** The AWS CLI's high-level `aws s3` commands that delete, by what they call (`sync` only with --delete). */
const S3_HIGH_LEVEL: Readonly<Record<string, (rest: string) => string | undefined>> = {
  rm: () => 's3:DeleteObject',
  mv: () => 's3:DeleteObject',
  rb: () => 's3:DeleteBucket',
  sync: (rest) => (/(^|\s)--delete\b/.test(rest) ? 's3:DeleteObject' : undefined),
};

/** Global options of the AWS CLI that take a value (the others are flags). */
const CLI_VALUE_OPTIONS = new Set([
  '--region',
  '--profile',
  '--output',
  '--endpoint-url',
  '--query',
  '--color',
  '--ca-bundle',
  '--cli-read-timeout',
  '--cli-connect-timeout',
  '--cli-binary-format',
]);

/** `aws [global options] <service> <operation> ...` in command text, as [service, operation, the rest]. */
function cliCalls(text: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const match of text.matchAll(/(?:^|[\s;&|(`$"'])aws((?:\s+[^\s;&|]+){1,40})/g)) {
    const tokens = match[1].trim().split(/\s+/);
    let i = 0;
    while (i < tokens.length && tokens[i].startsWith('-')) {
      const option = tokens[i].split('=')[0];
      i += CLI_VALUE_OPTIONS.has(option) && !tokens[i].includes('=') ? 2 : 1;
    }
    const [service, operation] = [tokens[i], tokens[i + 1]];
    if (service && operation && /^[a-z0-9-]+$/.test(service) && /^[a-z0-9-]+$/.test(operation)) {
      out.push([service, operation, tokens.slice(i + 2).join(' ')]);
    }
  }
  return out;
}

function kebabToPascal(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function parsedInput(input: unknown): unknown {
  if (typeof input !== 'string') return input && typeof input === 'object' ? input : undefined;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return undefined;
  }
}
