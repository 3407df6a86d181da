// Doubts about a config that is valid but may not say what its author meant: a production tag key or value
// that looks misspelt leaves the resources tagged with the usual spelling without a production guard.
import type { LeashConfig } from '../config/schema';
import { productionSpellingDoubts } from '../guardrails/production-lookalikes';
import type { CliContext } from './context';

/** Print each doubt on stderr, even with --quiet: what it may cost is a missing guard. */
export function warnConfigDoubts(config: LeashConfig, file: string | undefined, context: CliContext): void {
  if (file === undefined) return;
  for (const doubt of productionSpellingDoubts(config.guardrails.production)) {
    context.io.stderr(`leash: warning: ${file}: ${doubt.message}\n`);
  }
}
