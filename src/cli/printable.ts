/**
 * Text from files and the library, made safe to print on a terminal. File names, titles,
 * sources and passages are untrusted: an ESC (or an 8-bit CSI) in them would start a terminal
 * escape sequence (move the cursor, rewrite the screen, set the window title), and
 * bidirectional overrides reorder what is shown. Such characters are printed escaped
 * (`\x1B`, `\u202E`) instead. Every CLI line that shows untrusted text goes through here.
 */

/** C0 controls, DEL, C1 controls, and the bidirectional embedding/override/isolate characters. */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** The same, but tab and newline pass (passage text keeps its lines). */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

function escape(ch: string): string {
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A name or one-line value (file name, title, source): every control character escaped, newlines too. */
export function printable(s: string | null | undefined): string {
  return s == null ? '' : s.replace(UNSAFE, escape);
}

/** Running text (a passage): control characters escaped, line breaks and tabs kept. */
export function printableText(s: string | null | undefined): string {
  return s == null ? '' : s.replace(UNSAFE_IN_TEXT, escape);
}
