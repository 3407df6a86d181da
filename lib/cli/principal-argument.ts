// A principal named on the command line: its ARN, or its name (`agent-claude-dev`) when that names exactly one
// role, user or group of the input. IAM names are unique per account and kind, compared without case, so a name
// can still name several principals (a role and a user, or roles of two accounts): those are listed, never
// guessed between.
import { terminalText } from '../audit/report/terminal-text';
import { editDistance } from '../util/edit-distance';
import { InputError } from '../util/read-input';

/**
 * Up to five candidates closest to `wanted`: containing it (or its last path part) first, then by the distance of
 * their last parts, then of the whole.
 */
export function closeMatches(wanted: string, candidates: readonly string[]): string[] {
  const lower = wanted.toLowerCase();
  const tail = lower.split(/[/:]/).pop() ?? lower;
  return candidates
    .map((candidate) => {
      const c = candidate.toLowerCase();
      const contains = c.includes(lower) || (tail.length >= 3 && c.includes(tail));
      // The last part (a principal's name, an action's name) weighs most: ARNs of one account differ little else.
      const nameDistance = editDistance(tail, c.split(/[/:]/).pop() ?? c);
      return { candidate, score: (contains ? 0 : 1000) + 4 * nameDistance + editDistance(lower, c) };
    })
    .sort((a, b) => a.score - b.score)
    .slice(0, 5)
    .map((entry) => entry.candidate);
}

/** The name part of a principal ARN: after its last `/` (IAM paths sit between the kind and the name). */
function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * The ARN `given` stands for among `principals` (ARNs): itself when it is one of them, else the one principal
 * whose name it is (any case). An InputError naming `where` when it names none (with close matches) or several.
 */
export function principalFromArgument(given: string, principals: readonly string[], where: string): string {
  if (principals.includes(given)) return given;
  if (!given.startsWith('arn:')) {
    const lower = given.toLowerCase();
    const named = principals.filter((arn) => nameOf(arn).toLowerCase() === lower);
    if (named.length === 1) return named[0];
    if (named.length > 1) {
      throw new InputError(
        `${JSON.stringify(given)} names ${named.length} principals of ${where}; give the ARN of one:\n  ` +
          named.map(terminalText).join('\n  '),
      );
    }
  }
  const close = closeMatches(given, principals);
  throw new InputError(
    `principal ${given} is not in ${where}` +
      (close.length ? `; close matches:\n  ${close.map(terminalText).join('\n  ')}` : ' (it has no principals)'),
  );
}
