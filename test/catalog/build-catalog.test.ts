// buildCatalog() over small in-memory reference data: how rows become catalog entries.
import {
  buildCatalog,
  parseAccessLevel,
  ReferenceDataError,
  type ClassificationRule,
  type ReferenceData,
} from '../../lib/catalog';
import { objectAfterVerb, ruleMatches } from '../../lib/catalog/classification';

const TAG = 'aws:ResourceTag/${TagKey}';

const fixture: ReferenceData = {
  version: '9.9.9',
  rcpServices: ['s3', 'KMS'],
  actions: {
    widgets: {
      deletewidget: {
        name: 'DeleteWidget',
        accessLevel: 'Write',
        description: 'Grants permission to delete a widget',
        resourceTypes: [{ name: 'widget', required: true, conditionKeys: [TAG] }],
        conditionKeys: [],
      },
      purgegadget: {
        name: 'PurgeGadget',
        accessLevel: 'Write',
        resourceTypes: [{ name: 'Gadget', required: true, conditionKeys: ['widgets:Color'] }],
        conditionKeys: [],
      },
      deletedetail: {
        name: 'DeletedDetail',
        accessLevel: 'Write',
        resourceTypes: [],
        conditionKeys: [TAG.toLowerCase()],
      },
      describewidgets: { name: 'DescribeWidgets', accessLevel: 'List', resourceTypes: [], conditionKeys: [] },
      tagwidget: {
        name: 'TagWidget',
        accessLevel: 'Tagging, Write',
        resourceTypes: [{ name: 'widget', required: false }],
      },
      putwidgetpolicy: {
        name: 'PutWidgetPolicy',
        accessLevel: 'Permissions management, Write',
        resourceTypes: [{ name: 'nothing-like-this', required: true }],
      },
    },
    gizmo: {
      destroygizmo: { name: 'DestroyGizmo', accessLevel: 'Write', resourceTypes: [{ name: 'gizmo', required: true }] },
    },
  },
  resourceTypes: {
    widgets: {
      widget: { key: 'widget', arn: 'arn:${Partition}:widgets:${Region}:${Account}:widget/${Id}' },
      gadget: {
        key: 'Gadget',
        arn: 'arn:${Partition}:widgets:${Region}:${Account}:gadget/${Id}',
        conditionKeys: [TAG, 'widgets:Size'],
      },
    },
  },
};

describe('buildCatalog()', () => {
  const catalog = buildCatalog(fixture);

  it('records the data version, sorted services and RCP services in lower case', () => {
    expect(catalog.dataVersion).toBe('9.9.9');
    expect(catalog.services).toEqual(['gizmo', 'widgets']);
    expect([...catalog.rcpServices]).toEqual(['s3', 'kms']);
  });

  it('names every action service:Name in the reference case and looks it up in any case', () => {
    expect(catalog.actions.map((action) => action.action)).toEqual([
      'gizmo:DestroyGizmo',
      'widgets:DeleteWidget',
      'widgets:DeletedDetail',
      'widgets:DescribeWidgets',
      'widgets:PurgeGadget',
      'widgets:PutWidgetPolicy',
      'widgets:TagWidget',
    ]);
    expect(catalog.get('WIDGETS:deletewidget')?.name).toBe('DeleteWidget');
    // The reference's spelling, another spelling, and the reference's again, in one service.
    const fresh = buildCatalog(fixture);
    expect(fresh.get('widgets:TagWidget')?.action).toBe('widgets:TagWidget');
    expect(fresh.get('Widgets:tagwidget')?.action).toBe('widgets:TagWidget');
    expect(fresh.get('widgets:PurgeGadget')?.action).toBe('widgets:PurgeGadget');
    expect(fresh.get('WIDGETS:PurgeGadget')?.action).toBe('widgets:PurgeGadget');
    expect(fresh.get('gizmo:destroygizmo')?.action).toBe('gizmo:DestroyGizmo');
    expect(fresh.get('gizmo:DestroyGizmo ')).toBeUndefined();
    expect(catalog.get('widgets:Nope')).toBeUndefined();
    expect(catalog.get('nope:DeleteWidget')).toBeUndefined();
  });

  it('lists a service actions in any case and nothing for an unknown service', () => {
    expect(catalog.serviceActions('Gizmo').map((action) => action.name)).toEqual(['DestroyGizmo']);
    expect(catalog.serviceActions('nope')).toEqual([]);
    expect(catalog.hasService('WIDGETS')).toBe(true);
    expect(catalog.hasService('nope')).toBe(false);
  });

  it.each([
    ['widgets:DeleteWidget', 'action', 'the key is on the action row for its resource type'],
    ['widgets:DeletedDetail', 'action', 'the key is on the action row itself (any case)'],
    ['widgets:PurgeGadget', 'resource-type', 'the key is only in the resource-type table (looked up in any case)'],
    ['widgets:TagWidget', 'none', 'neither the row nor the resource type lists it'],
    ['gizmo:DestroyGizmo', 'none', 'the service has no resource-type table'],
  ])('%s has tag support %s: %s', (name, tagSupport) => {
    const action = catalog.get(name);
    expect(action?.tagSupport).toBe(tagSupport);
    expect(action?.tagAware).toBe(tagSupport !== 'none');
  });

  it('joins row and table condition keys and the ARN template per resource type', () => {
    expect(catalog.get('widgets:PurgeGadget')?.resourceTypes).toEqual([
      {
        name: 'Gadget',
        required: true,
        arnTemplate: 'arn:${Partition}:widgets:${Region}:${Account}:gadget/${Id}',
        conditionKeys: ['widgets:Color', TAG, 'widgets:Size'],
      },
    ]);
    // A resource type the table does not know keeps its name, without an ARN template.
    expect(catalog.get('widgets:PutWidgetPolicy')?.resourceTypes).toEqual([
      { name: 'nothing-like-this', required: true, conditionKeys: [] },
    ]);
  });

  it('reads combined access levels by their first named level', () => {
    expect(catalog.get('widgets:TagWidget')?.accessLevel).toBe('Tagging');
    expect(catalog.get('widgets:PutWidgetPolicy')?.accessLevel).toBe('Permissions management');
  });

  it('marks actions without resource types wildcard-only unless the data says otherwise', () => {
    expect(catalog.get('widgets:DescribeWidgets')?.isWildcardOnly).toBe(true);
    expect(catalog.get('widgets:DeleteWidget')?.isWildcardOnly).toBe(false);
    const explicit = buildCatalog({
      ...fixture,
      actions: { x: { a: { name: 'A', accessLevel: 'Read', isWildcardOnly: false } } },
    });
    expect(explicit.get('x:A')?.isWildcardOnly).toBe(false);
  });

  it('classifies with the default rules and lists only classified actions as destructive', () => {
    expect(catalog.destructive.map((action) => [action.action, action.classes])).toEqual([
      ['gizmo:DestroyGizmo', ['delete']],
      ['widgets:DeleteWidget', ['delete']],
      ['widgets:PurgeGadget', ['delete']],
      // a resource-based policy (Permissions management) can hold a Deny: overwriting it is tamper
      ['widgets:PutWidgetPolicy', ['tamper']],
      ['widgets:TagWidget', ['tamper']],
    ]);
    // `DeletedDetail` is not the verb Delete.
    expect(catalog.get('widgets:DeletedDetail')?.classes).toEqual([]);
  });

  it('keeps the description for explanations', () => {
    expect(catalog.get('widgets:DeleteWidget')?.description).toBe('Grants permission to delete a widget');
    expect(catalog.get('widgets:PurgeGadget')?.description).toBeUndefined();
  });
});

describe('buildCatalog() with given rules and overrides', () => {
  const rules: ClassificationRule[] = [
    { id: 'delete.purge', class: 'delete', why: 'purges', verbs: ['Purge'], accessLevels: ['Write'] },
    {
      id: 'escalate.widget-policy',
      class: 'escalate',
      why: 'widget policies grant access',
      verbs: ['Put'],
      accessLevels: ['Permissions management'],
      services: ['widgets'],
      object: /Policy$/,
    },
  ];

  it('applies exactly the rules given, in class order, with their reasons', () => {
    const catalog = buildCatalog(fixture, { rules, overrides: [] });
    expect(catalog.destructive.map((action) => action.action)).toEqual([
      'widgets:PurgeGadget',
      'widgets:PutWidgetPolicy',
    ]);
    expect(catalog.get('widgets:PutWidgetPolicy')?.classReasons).toEqual([
      'escalate: rule escalate.widget-policy: widget policies grant access',
    ]);
  });

  it('lets an override add and remove classes, recording its reason', () => {
    const catalog = buildCatalog(fixture, {
      rules,
      overrides: [
        { action: 'WIDGETS:purgegadget', remove: ['delete'], add: ['recreate'], reason: 'purging refills it' },
        { action: 'widgets:DescribeWidgets', remove: ['delete'], reason: 'never deleted anything' },
      ],
    });
    expect(catalog.get('widgets:PurgeGadget')?.classes).toEqual(['recreate']);
    expect(catalog.get('widgets:PurgeGadget')?.classReasons).toEqual([
      'not delete: override: purging refills it',
      'recreate: override: purging refills it',
    ]);
    // Removing a class the action never had changes nothing and says nothing.
    expect(catalog.get('widgets:DescribeWidgets')?.classReasons).toEqual([]);
  });
});

describe('malformed reference data', () => {
  it('names the file and action of an unknown access level', () => {
    const bad: ReferenceData = { ...fixture, actions: { x: { oops: { name: 'Oops', accessLevel: 'Sometimes' } } } };
    expect(() => buildCatalog(bad)).toThrow(ReferenceDataError);
    expect(() => buildCatalog(bad)).toThrow(
      'actions/x.json: oops: unknown access level "Sometimes" (expected one of Read, Write, List, Tagging, Permissions management)',
    );
  });

  it('names the file and key of an action without a name', () => {
    const bad = { ...fixture, actions: { x: { nameless: { accessLevel: 'Read' } } } } as unknown as ReferenceData;
    expect(() => buildCatalog(bad)).toThrow('actions/x.json: nameless: expected an action with a name');
  });
});

describe('access levels', () => {
  it.each([
    ['Write', 'Write'],
    ['Tagging, Write', 'Tagging'],
    ['Permissions management, Write', 'Permissions management'],
    ['permissions management', 'Permissions management'],
    [' List ', 'List'],
  ])('%j is %s', (raw, level) => {
    expect(parseAccessLevel(raw, 'here')).toBe(level);
  });
});

describe('verbs match whole words', () => {
  it.each([
    ['DeleteBucket', 'Delete', 'Bucket'],
    ['Delete', 'Delete', ''],
    ['Delete2Thing', 'Delete', '2Thing'],
    ['DeletedBucket', 'Delete', undefined],
    ['UndeleteBucket', 'Delete', undefined],
    ['BatchDeleteImage', 'BatchDelete', 'Image'],
  ])('%s with verb %s has object %j', (name, verb, object) => {
    expect(objectAfterVerb(name, verb)).toBe(object);
  });

  it('applies every constraint of a rule', () => {
    const rule: ClassificationRule = {
      id: 'tamper.x',
      class: 'tamper',
      why: 'x',
      verbs: ['Stop', 'Delete'],
      accessLevels: ['Write'],
      services: ['cloudtrail'],
      resourceTypes: ['Trail'],
      object: /^(Logging|Trail)$/,
      exceptObject: /^Trail$/,
      exceptDescription: /harmless/,
    };
    const base = {
      service: 'cloudtrail',
      name: 'StopLogging',
      accessLevel: 'Write' as const,
      resourceTypeNames: ['trail'],
      description: 'stops logging',
    };
    expect(ruleMatches(rule, base)).toBe(true);
    expect(ruleMatches(rule, { ...base, accessLevel: 'Read' })).toBe(false);
    expect(ruleMatches(rule, { ...base, service: 'config' })).toBe(false);
    expect(ruleMatches(rule, { ...base, resourceTypeNames: [] })).toBe(false);
    expect(ruleMatches(rule, { ...base, name: 'StopImport' })).toBe(false);
    expect(ruleMatches(rule, { ...base, name: 'DeleteTrail' })).toBe(false);
    expect(ruleMatches(rule, { ...base, description: 'a harmless thing' })).toBe(false);
    expect(ruleMatches(rule, { ...base, description: undefined })).toBe(true);
  });
});
