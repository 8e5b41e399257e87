// Quoting text from a manifest in messages: the reader must see exactly what
// was written, including characters that do not show (a byte-order mark, a
// zero-width space), and a long value must not drown the message.

const maxShown = 80;

// Control characters, soft hyphen, zero-width and direction marks, line and
// paragraph separators, word joiners and the byte-order mark.
const invisible =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g;

/** The text in double quotes, invisible characters spelled as \uXXXX. */
export function quote(text: string): string {
  const shown =
    text.length > maxShown ? `${text.slice(0, maxShown - 1)}…` : text;
  const escaped = shown
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(invisible, (char) => {
      const code = char.charCodeAt(0).toString(16).toUpperCase();
      return `\\u${code.padStart(4, "0")}`;
    });
  return `"${escaped}"`;
}

/** True when the text holds a character that does not show. */
export function hasInvisible(text: string): boolean {
  return new RegExp(invisible.source).test(text);
}
