// Text from an account or a template shown to a person: on a terminal, in Markdown, in a CI's test view. A
// name can hold control characters (escape
// sequences that erase lines, hide text, switch screens or draw hyperlinks; carriage returns and line breaks
// that forge lines; bells and NULs) and the invisible or bidirectional marks that make text read other than it
// is (`admin\u202Egnp.exe` shows as `adminexe.png`). Each is written as a visible `\u{…}` escape instead.

const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line of terminal text: nothing in it moves the cursor, styles text, starts a line or hides itself. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u{${character.charCodeAt(0).toString(16)}}`);
}
