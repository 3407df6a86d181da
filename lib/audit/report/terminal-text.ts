// Text from an account or a template shown to a person: on a terminal, in Markdown, in a CI's test view. A name
// can hold control characters (escape sequences that erase lines, hide text, switch screens or draw hyperlinks;
// carriage returns and line breaks that forge lines; bells and NULs) and the invisible or bidirectional marks that
// make text read other than it is (`admin\u202Egnp.exe` shows as `adminexe.png`). Each is written as a visible
// `\u{…}` escape instead.

const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text as one line that shows what it holds: nothing in it moves the cursor, styles text, starts a line or hides. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u{${character.charCodeAt(0).toString(16)}}`);
}

/** What JSON.stringify leaves raw of the characters above (it escapes C0 controls and half characters itself). */
const RAW_IN_JSON = /[\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * JSON text with those characters as `\uXXXX` escapes: the same strings to any JSON reader, and plain text when
 * the report is printed on a terminal or opened in an editor. They occur only inside strings, so any piece of the
 * text can be passed alone.
 */
export function jsonVisible(json: string): string {
  return json.replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
