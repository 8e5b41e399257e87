// Parts shared by the plan comment, the results comment and the job summary.
import type { EntryStatus, Problem, Report, ReportEntry } from "../model.js";
import { escapeMarkdown, tableHeader, tableRow } from "./markdown.js";
import { groupByApp, sortProblems } from "./order.js";
import {
  errorText,
  levelCell,
  locationLink,
  plural,
  statusLabel,
  userCell,
  whereCell,
} from "./wording.js";

/** One row a comment may have to leave out: an entry or a problem. */
export type Row =
  { kind: "entry"; entry: ReportEntry } | { kind: "problem"; problem: Problem };

/** Every row of a report, in the order they are shown. */
export function reportRows(report: Report): Row[] {
  const entries = groupByApp(report.entries).flatMap((group) =>
    group.entries.map((entry): Row => ({ kind: "entry", entry })),
  );
  const problems = sortProblems(report.problems).map((problem): Row => ({
    kind: "problem",
    problem,
  }));
  const errors = problems.filter(isError);
  const warnings = problems.filter((row) => !isError(row));
  return [...entries, ...errors, ...warnings];
}

function isError(row: Row): boolean {
  return row.kind === "problem" && row.problem.severity === "error";
}

const ENTRY_COLUMNS = ["Status", "User", "Permission level", "Reason", "Where"];

/** The status cell: for failures, what Cakewalk said. */
export function statusCell(report: Report, entry: ReportEntry): string {
  const label = statusLabel(report, entry.status);
  return entry.status === "failed" ? `${label}: ${errorText(entry)}` : label;
}

function entryRow(report: Report, entry: ReportEntry): string {
  return tableRow([
    statusCell(report, entry),
    userCell(entry),
    levelCell(entry),
    escapeMarkdown(entry.access.reason ?? ""),
    whereCell(report, entry),
  ]);
}

/** One heading and table per work app, with only the kept rows. */
export function entriesByApp(
  report: Report,
  kept: ReadonlySet<Row>,
  rows: readonly Row[],
): string[] {
  const entries = rows.flatMap((row) =>
    row.kind === "entry" && kept.has(row) ? [row.entry] : [],
  );
  return groupByApp(entries).map((group) =>
    [
      `#### ${escapeMarkdown(group.display)}`,
      "",
      tableHeader(ENTRY_COLUMNS),
      ...group.entries.map((entry) => entryRow(report, entry)),
    ].join("\n"),
  );
}

/** The errors, then the warnings, as lists with links to their lines. */
export function problemLists(
  report: Report,
  kept: ReadonlySet<Row>,
  rows: readonly Row[],
): string[] {
  const problems = rows.flatMap((row) =>
    row.kind === "problem" && kept.has(row) ? [row.problem] : [],
  );
  const sections: string[] = [];
  for (const [severity, title] of [
    ["error", "Errors"],
    ["warning", "Warnings"],
  ] as const) {
    const items = problems.filter((problem) => problem.severity === severity);
    if (items.length === 0) continue;
    const lines = items.map(
      (problem) =>
        `- ${locationLink(report, problem.location)}: ` +
        escapeMarkdown(problem.message),
    );
    sections.push([`#### ${title}`, "", ...lines].join("\n"));
  }
  return sections;
}

/** Says how many rows a comment left out, and where they all are. */
export function omittedNote(omitted: number): string {
  if (omitted === 0) return "";
  return (
    `${plural(omitted, "row was", "rows were")} left out to stay under ` +
    "GitHub's size limit for comments. The job summary of this run lists " +
    "every entry and every problem."
  );
}

/** Notes as a list: they are plain text and are escaped like any other. */
export function notesList(report: Report): string {
  return report.notes.map((note) => `- ${escapeMarkdown(note)}`).join("\n");
}

// When a comment is too long, rows with lower ranks are kept first: errors
// and failures, then what changes, then warnings, then what stays as it is.
const ENTRY_RANKS: Record<EntryStatus, number> = {
  failed: 1,
  "not-posted": 2,
  grant: 10,
  granted: 10,
  "level-change": 20,
  "level-changed": 20,
  removal: 30,
  unmanaged: 40,
  "in-place": 60,
};
const ERROR_RANK = 0;
const WARNING_RANK = 50;

export function rowRank(row: Row): number {
  if (row.kind === "entry") return ENTRY_RANKS[row.entry.status];
  return row.problem.severity === "error" ? ERROR_RANK : WARNING_RANK;
}

/** A one-row table of counts, one column each. */
export function countsRow(
  columns: ReadonlyArray<readonly [string, number]>,
): string {
  return [
    tableHeader(columns.map(([name]) => name)),
    tableRow(columns.map(([, count]) => String(count))),
  ].join("\n");
}

/** A block quote that GitHub renders as a coloured alert. */
export function alert(kind: "WARNING" | "CAUTION", text: string): string {
  return `> [!${kind}]\n> ${text}`;
}

/** Joins the non-empty parts of a Markdown document with blank lines. */
export function joinBlocks(blocks: readonly string[]): string {
  return `${blocks.filter((block) => block !== "").join("\n\n")}\n`;
}

/** How many errors and warnings the report has. */
export function problemCounts(report: Report): {
  errors: number;
  warnings: number;
} {
  const errors = report.problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: report.problems.length - errors };
}
