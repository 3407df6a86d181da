// What every report format renders: the findings of `leash audit` (one or many accounts) or `leash check`
// (templates), with enough context to say what was and was not looked at.
import type { Finding, RuleMeta } from '../rules/types';

export type ReportFormat = 'table' | 'json' | 'sarif' | 'markdown' | 'html' | 'junit' | 'asff';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif', 'markdown', 'html', 'junit', 'asff'];

export interface ReportedAccount {
  readonly accountId: string;
  readonly accountName?: string;
  /** Where the account was read from (file path, `live`, template). */
  readonly source?: string;
  readonly principals: number;
  /** Input problems: policies that could not be decoded or parsed (the rest was analysed). */
  readonly problems: readonly { readonly where: string; readonly message: string }[];
  /** What the findings cannot speak for (unknown SCPs, management account, service-linked roles). */
  readonly caveats: readonly string[];
}

export interface ReportInput {
  /** E.g. `{ name: 'leash audit', version: '0.1.0' }`. */
  readonly tool: { readonly name: string; readonly version: string };
  /** Metadata of the rules that ran (SARIF lists them; reporters never invent rule text). */
  readonly rules: readonly RuleMeta[];
  readonly findings: readonly Finding[];
  readonly accounts: readonly ReportedAccount[];
  /** Accounts that could not be read: the audit is partial. */
  readonly notAudited: readonly {
    readonly accountId: string;
    readonly accountName?: string;
    readonly reason: string;
  }[];
  /** Suppressions past their date (they no longer apply). */
  readonly expiredSuppressions?: readonly {
    readonly ruleId: string;
    readonly principalArn?: string;
    readonly logicalId?: string;
    readonly reason: string;
    readonly expires: string;
    readonly matched: number;
  }[];
  /** ISO timestamp; @default omitted (keeps output reproducible). */
  readonly generatedAt?: string;
}
