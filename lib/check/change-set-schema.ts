// The zod schema of one page of `aws cloudformation describe-change-set` output (see change-set.ts). Its own
// module, loaded only when a change set is read.
import { z } from 'zod';
import { jsonNestingProblem, MAX_JSON_DEPTH } from '../util/json-scan';

/**
 * A resource's properties as JSON text inside the file: the file's own depth check never read it, and the
 * gate reads it recursively, so one nested too deep is refused here with its path.
 */
const ResourceContext = z.string().refine((text) => jsonNestingProblem(text) === undefined, {
  message: `JSON text nested more than ${MAX_JSON_DEPTH} levels deep`,
});

export const ResourceChange = z.object({
  PolicyAction: z
    .enum(['Delete', 'Retain', 'Snapshot', 'ReplaceAndDelete', 'ReplaceAndRetain', 'ReplaceAndSnapshot'])
    .optional(),
  Action: z.enum(['Add', 'Modify', 'Remove', 'Import', 'Dynamic', 'SyncWithActual']),
  LogicalResourceId: z.string().min(1),
  PhysicalResourceId: z.string().optional(),
  ResourceType: z.string().min(1),
  Replacement: z.enum(['True', 'False', 'Conditional']).optional(),
  Scope: z.array(z.string()).optional(),
  Details: z
    .array(
      z.object({
        Target: z
          .object({
            Attribute: z.string().optional(),
            Name: z.string().optional(),
            RequiresRecreation: z.enum(['Never', 'Conditionally', 'Always']).optional(),
          })
          .optional(),
        Evaluation: z.string().optional(),
        ChangeSource: z.string().optional(),
        CausingEntity: z.string().optional(),
      }),
    )
    .optional(),
  ChangeSetId: z.string().optional(),
  BeforeContext: ResourceContext.optional(),
  AfterContext: ResourceContext.optional(),
});

export const DescribeChangeSetOutput = z.object({
  ChangeSetName: z.string().min(1),
  ChangeSetId: z.string().min(1),
  StackName: z.string().min(1),
  StackId: z.string().optional(),
  Status: z.string(),
  StatusReason: z.string().optional(),
  // Every change CloudFormation lists is a resource change; one without it (a misspelt key) is not skipped.
  Changes: z.array(z.object({ Type: z.string().optional(), ResourceChange: ResourceChange })),
  NextToken: z.string().optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  ParentChangeSetId: z.string().optional(),
  RootChangeSetId: z.string().optional(),
});
export type DescribeChangeSetOutput = z.infer<typeof DescribeChangeSetOutput>;
export type ResourceChange = z.infer<typeof ResourceChange>;
