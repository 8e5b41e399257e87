// Comments and summaries have size limits. When a report is too long, whole
// rows are left out, least important first, and the text says how many.

export interface FitOptions<Row> {
  /** Every row, in the order they are shown. */
  rows: readonly Row[];
  /** Lower ranks are kept first; equal ranks keep their shown order. */
  rank: (row: Row) => number;
  /** The text with only `kept` rows, saying that `omitted` rows are not. */
  render: (kept: ReadonlySet<Row>, omitted: number) => string;
  /** The largest size allowed, as measured by `size`. */
  limit: number;
  size: (text: string) => number;
}

/**
 * The rendering with as many rows as fit. Rendering is repeated while
 * searching for that number, which is cheap next to a network call.
 */
export function fitRows<Row>(options: FitOptions<Row>): string {
  const { rows, render, limit, size } = options;
  const all = render(new Set(rows), 0);
  if (size(all) <= limit) return all;

  const byRank = rows
    .map((row, index) => ({ row, index, rank: options.rank(row) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ row }) => row);
  const renderFirst = (count: number): string =>
    render(new Set(byRank.slice(0, count)), rows.length - count);

  // Largest count that fits: more rows never make the text shorter.
  let low = 0;
  let high = rows.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (size(renderFirst(middle)) <= limit) low = middle;
    else high = middle - 1;
  }
  const text = renderFirst(low);
  // Even with no rows, the fixed parts could in theory be too long (a huge
  // failure message). Cutting the end keeps the marker on the first line.
  return size(text) <= limit ? text : cutToSize(text, limit, size);
}

function cutToSize(
  text: string,
  limit: number,
  size: (text: string) => number,
): string {
  const ending = "\n\n… (cut to stay under the size limit)\n";
  let cut = text.slice(0, Math.max(0, limit - ending.length));
  while (cut.length > 0 && size(cut + ending) > limit) {
    cut = cut.slice(0, Math.floor(cut.length * 0.9));
  }
  return cut + ending;
}

/** GitHub's limit on the body of an issue or pull request comment. */
export const COMMENT_LIMIT = 65_536;

/**
 * The size of a comment body, counted the way that is largest: JavaScript
 * counts a character outside the Basic Multilingual Plane as two, and line
 * ends count twice in case GitHub stores them as CRLF (undocumented).
 */
export function commentSize(text: string): number {
  let newlines = 0;
  for (
    let at = text.indexOf("\n");
    at !== -1;
    at = text.indexOf("\n", at + 1)
  ) {
    newlines += 1;
  }
  return text.length + newlines;
}

/** Bytes, as the job summary limit counts them. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
