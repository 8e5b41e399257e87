// Text from a manifest or from Cakewalk is untrusted: anyone who can open a
// pull request writes the manifest. Everything such text passes through here
// before it reaches a comment or the job summary, so it cannot add HTML,
// ping people, break a table, or end the hidden marker of a plan comment.

// Line ends of every kind, and tabs: a table row must stay on one line, and a
// line that starts with spaces could become a code block.
const LINE_BREAKS = /[\r\n\t\u0085\u2028\u2029]+/g;

// Control characters render as nothing useful. Bidirectional controls can
// make a name read differently from what it is (a reviewer could approve
// "admin" spelled backwards), so they are dropped too.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Characters with a meaning inside a line of GitHub Markdown: escapes, code,
// emphasis, strikethrough, links and images, table cells, math, headings.
const INLINE_SPECIAL = /[\\`*_~[\]()|#$!]/g;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

// GitHub links `@name` only when the `@` starts a word, so emails stay as
// they are. A zero-width joiner after the `@` stops the link and the
// notification without changing what people read.
const MENTION = /(^|[^A-Za-z0-9_])@/g;
const ZERO_WIDTH_JOINER = "\u200d";

/** Untrusted text as one line, without control characters. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(INVISIBLE, "");
}

/**
 * Untrusted text, safe anywhere in a line of Markdown, table cells included.
 * It reads the same once rendered; only its shape in the source changes.
 */
export function escapeMarkdown(text: string): string {
  const line = oneLine(text).trim();
  const escaped = line
    .replace(MENTION, `$1@${ZERO_WIDTH_JOINER}`)
    .replace(/[&<>]/g, (char) => ENTITIES[char] ?? char)
    .replace(INLINE_SPECIAL, "\\$&");
  return escapeLineStart(escaped);
}

// Text placed at the start of a line (a bullet, a paragraph) could become a
// list, a heading underline or a numbered item. `#`, `*` and `>` are already
// escaped above.
function escapeLineStart(text: string): string {
  if (/^[-+=]/.test(text)) return `\\${text}`;
  return text.replace(/^(\d+)([.)])/, "$1\\$2");
}

/**
 * An inline code span holding `text` exactly, whatever backticks it contains.
 * Inside a table, `|` must be escaped even in code (GitHub splits cells
 * first); outside a table that escape would show, so say which it is.
 */
export function code(
  text: string,
  options: { inTable?: boolean } = {},
): string {
  let content = oneLine(text);
  if (options.inTable) content = content.replace(/\|/g, "\\|");
  const longestRun = Math.max(
    0,
    ...Array.from(content.matchAll(/`+/g), (match) => match[0].length),
  );
  const fence = "`".repeat(longestRun + 1);
  // One space on each side is stripped when both are present, which lets a
  // span start or end with a backtick or a space.
  const pad = /^[` ]|[` ]$/.test(content) ? " " : "";
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A Markdown link whose text is untrusted and whose URL we built. */
export function link(text: string, url: string): string {
  return `[${escapeMarkdown(text)}](${url})`;
}

/** One row of a Markdown table; the cells must already be escaped. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell || " ").join(" | ")} |`;
}

/** The header and alignment rows of a Markdown table. */
export function tableHeader(titles: readonly string[]): string {
  return [tableRow(titles), tableRow(titles.map(() => "---"))].join("\n");
}
