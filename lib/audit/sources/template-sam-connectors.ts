// What SAM connectors grant: an AWS::Serverless::Connector, or a `Connectors` attribute on a resource, gives the
// role of its source (or, for some pairs, of its destination) a policy with the Read or Write statements SAM's
// connector profile holds for that pair of resource types. Read here for the pairs that grant a role, with both
// ends named by `Id` in the same template; the rest (ends given by ARN, resource policies for services, pairs
// SAM refuses) is said, never dropped in silence. Facts from SAM's connector.py and its profiles (bundled data).
import connectorProfiles from './sam-connector-profiles.json';
import { SAM_FUNCTION, SAM_STATE_MACHINE } from './template-sam';
import { isRecord, referencedId, type TemplateResource } from './templates-intrinsics';

const CONNECTOR = 'AWS::Serverless::Connector';
const ROLE_POLICY = 'AWS_IAM_ROLE_MANAGED_POLICY';

interface Profile {
  readonly Type: string;
  readonly Properties: {
    readonly SourcePolicy?: boolean;
    readonly AccessCategories: Readonly<Record<string, { readonly Statement: readonly unknown[] }>>;
  };
}

interface ResourceProperties {
  readonly Inputs?: { readonly Role?: unknown };
  readonly Outputs?: Readonly<Record<string, unknown>>;
}

const DATA = connectorProfiles as unknown as {
  permissions: Record<string, Record<string, Profile>>;
  resourceProperties: Record<string, ResourceProperties>;
};

/** SAM types a connector end may name, as the CloudFormation types the profiles are written for. */
const SAM_TO_CFN: Readonly<Record<string, string>> = {
  [SAM_FUNCTION]: 'AWS::Lambda::Function',
  [SAM_STATE_MACHINE]: 'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::Api': 'AWS::ApiGateway::RestApi',
  'AWS::Serverless::HttpApi': 'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
};

/** A policy a connector puts on a role of the template. */
export interface ConnectorGrant {
  /** Logical id of the role (for a SAM function or state machine without Role, the `<Id>Role` SAM makes). */
  readonly roleLogicalId: string;
  readonly policyName: string;
  /** A policy document still holding the template's intrinsics (`Fn::GetAtt Table.Arn`). */
  readonly document: unknown;
  /** JSON path of the connector (`Resources.Conn.Properties` or `Resources.Fn.Connectors.Conn.Properties`). */
  readonly path: string;
}

export interface ConnectorReading {
  readonly grants: readonly ConnectorGrant[];
  /** What a connector does that is not read, by JSON path. */
  readonly notRead: readonly { readonly path: string; readonly message: string }[];
}

/** Every `%{logicalId}` of a profile value made the resource's own id. */
function withLogicalId(value: unknown, logicalId: string): unknown {
  if (typeof value === 'string') return value.split('%{logicalId}').join(logicalId);
  if (Array.isArray(value)) return value.map((item) => withLogicalId(item, logicalId));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLogicalId(v, logicalId)]));
  return value;
}

interface End {
  readonly logicalId: string;
  readonly type: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The role the end runs as, by logical id; undefined when it has none the template names. */
  readonly role?: string;
}

/** A connector end named by Id, as SAM sees it after its own resources are translated. */
function endOf(reference: unknown, resources: Readonly<Record<string, TemplateResource>>): End | string {
  if (!isRecord(reference)) return 'expected an object naming Id';
  if (typeof reference.Id !== 'string') return 'an end given by Type and Arn (not Id) is not read';
  const resource = resources[reference.Id];
  if (!resource) return `no resource ${reference.Id} in the template`;
  const type = SAM_TO_CFN[resource.Type] ?? resource.Type;
  const properties = DATA.resourceProperties[type] ?? {};
  const outputs = withLogicalId(properties.Outputs ?? {}, reference.Id) as Record<string, unknown>;
  const given = isRecord(resource.Properties) ? resource.Properties : {};
  let role: string | undefined;
  if (resource.Type === SAM_FUNCTION || resource.Type === SAM_STATE_MACHINE) {
    role = given.Role === undefined ? `${reference.Id}Role` : referencedId(given.Role);
  } else if (typeof properties.Inputs?.Role === 'string') {
    role = referencedId(given[properties.Inputs.Role]);
  }
  return {
    logicalId: reference.Id,
    type,
    outputs: 'Qualifier' in reference ? { ...outputs, Qualifier: reference.Qualifier } : outputs,
    ...(role !== undefined ? { role } : {}),
  };
}

/** The output a placeholder names: `Arn`, `Name`, `Qualifier`; `ResourceId` is the `Id` output. */
function outputOf(end: End, field: string): unknown {
  return end.outputs[field === 'ResourceId' ? 'Id' : field];
}

/**
 * A profile statement with `%{Source.Arn}`, `%{Destination.Name}`... made the ends' values: a string that is
 * one placeholder becomes the value itself, a string with text around it an Fn::Join.
 */
function fill(value: unknown, ends: { Source: End; Destination: End }): unknown {
  if (typeof value === 'string') {
    const parts = value.split(/(%\{(?:Source|Destination)\.\w+\})/).filter((part) => part !== '');
    const filled = parts.map((part) => {
      const match = /^%\{(Source|Destination)\.(\w+)\}$/.exec(part);
      return match ? (outputOf(ends[match[1] as 'Source' | 'Destination'], match[2]) ?? part) : part;
    });
    if (filled.length === 1) return filled[0];
    return filled.every((part) => typeof part === 'string') ? filled.join('') : { 'Fn::Join': ['', filled] };
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, ends));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, ends)]));
  return value;
}

/** The connectors of a template (resources and `Connectors` attributes) and the policies they give roles. */
export function samConnectorGrants(resources: Readonly<Record<string, TemplateResource>>): ConnectorReading {
  const grants: ConnectorGrant[] = [];
  const notRead: { path: string; message: string }[] = [];
  const connectors: { id: string; path: string; source: unknown; properties: Record<string, unknown> }[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === CONNECTOR) {
      const properties = isRecord(resource.Properties) ? resource.Properties : {};
      connectors.push({
        id: logicalId,
        path: `Resources.${logicalId}.Properties`,
        source: properties.Source,
        properties,
      });
    }
    if (isRecord(resource.Connectors)) {
      for (const [name, connector] of Object.entries(resource.Connectors)) {
        const properties = isRecord(connector) && isRecord(connector.Properties) ? connector.Properties : {};
        connectors.push({
          id: `${logicalId}${name}`,
          path: `Resources.${logicalId}.Connectors.${name}.Properties`,
          source: { Id: logicalId },
          properties,
        });
      }
    }
  }
  for (const connector of connectors) {
    const say = (message: string) => notRead.push({ path: connector.path, message });
    const source = endOf(connector.source, resources);
    if (typeof source === 'string') {
      say(`connector ${connector.id}: Source: ${source}; what it grants is not read`);
      continue;
    }
    const destinations = [connector.properties.Destination].flat();
    const permissions = [connector.properties.Permissions].flat().filter((p): p is string => typeof p === 'string');
    destinations.forEach((reference, index) => {
      const destination = endOf(reference, resources);
      if (typeof destination === 'string') {
        say(`connector ${connector.id}: Destination: ${destination}; what it grants is not read`);
        return;
      }
      const profile = DATA.permissions[source.type]?.[destination.type];
      if (!profile) {
        say(
          `connector ${connector.id}: SAM has no connector from ${source.type} to ${destination.type} (it refuses the template)`,
        );
        return;
      }
      if (profile.Type !== ROLE_POLICY) {
        say(
          `connector ${connector.id}: a resource policy for the AWS service of ${source.logicalId} ` +
            `(${profile.Type}) on ${destination.logicalId} is not read: it grants the service, not a principal`,
        );
        return;
      }
      const holder = profile.Properties.SourcePolicy ? source : destination;
      if (holder.role === undefined) {
        say(`connector ${connector.id}: the role of ${holder.logicalId} is not one the template names; not read`);
        return;
      }
      const statements: unknown[] = [];
      for (const permission of permissions) {
        const category = profile.Properties.AccessCategories[permission];
        if (category) statements.push(...category.Statement);
        else say(`connector ${connector.id}: no ${permission} access from ${source.type} to ${destination.type}`);
      }
      if (statements.length === 0) return;
      grants.push({
        roleLogicalId: holder.role,
        policyName: `${connector.id}PolicyDestination${index}`,
        document: { Version: '2012-10-17', Statement: fill(statements, { Source: source, Destination: destination }) },
        path: connector.path,
      });
    });
  }
  return { grants, notRead };
}
