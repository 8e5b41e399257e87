// The job summary (SPEC §6): written on every run, failed and refused ones
// included, with every entry and every problem. It is the durable report the
// comments and annotations point to.
import type { EntryStatus, Report, ReportEntry } from "../model.js";
import { countStatuses, isProspective } from "./counts.js";
import { fitRows, utf8Bytes } from "./fit.js";
import { code, escapeMarkdown, tableHeader, tableRow } from "./markdown.js";
import {
  alert,
  countsRow,
  joinBlocks,
  notesList,
  problemCounts,
  problemLists,
  reportRows,
  rowRank,
  statusCell,
  type Row,
} from "./sections.js";
import {
  checkedAnswer,
  levelCell,
  plural,
  statusLabel,
  STOPPED_BEFORE_ACCESSES,
  stoppedBeforeAccesses,
  uncheckedSentence,
  userCell,
  whereCell,
} from "./wording.js";

/** GitHub's limit on the job summary of one step, in bytes. */
export const SUMMARY_LIMIT = 1_048_576;

// The orchestrator may add a few lines of its own to the same step's summary.
const SUMMARY_BUDGET = SUMMARY_LIMIT - 16_384;

/** The job summary of a run, in Markdown. */
export function renderSummary(report: Report): string {
  const rows = reportRows(report);
  return fitRows({
    rows,
    rank: rowRank,
    limit: SUMMARY_BUDGET,
    size: utf8Bytes,
    render: (kept, omitted) =>
      joinBlocks([
        `## ${title(report)} for ${code(report.manifest)}`,
        failureAlert(report),
        uncheckedSentence(report),
        notesList(report),
        countsTable(report),
        runDetails(report),
        omittedNote(omitted),
        entryTable(report, kept, rows),
        ...problemLists(report, kept, rows),
      ]),
  });
}

function title(report: Report): string {
  if (report.mode === "drift") return "Cakewalk access drift";
  if (report.mode === "plan") return "Cakewalk access plan";
  return report.dryRun ? "Cakewalk access dry run" : "Cakewalk access apply";
}

function failureAlert(report: Report): string {
  if (!report.failure) return "";
  const { reason, message } = report.failure;
  return alert(
    "CAUTION",
    `Failed (${code(reason)}): ${escapeMarkdown(message)}`,
  );
}

// The statuses each kind of run can report, in the order they are counted.
function countedStatuses(report: Report): EntryStatus[] {
  if (report.mode === "drift") {
    return ["grant", "level-change", "unmanaged", "in-place"];
  }
  if (isProspective(report)) {
    return ["grant", "level-change", "removal", "in-place"];
  }
  return [
    "granted",
    "level-changed",
    "in-place",
    "failed",
    "not-posted",
    "removal",
  ];
}

const COUNT_TITLES: Partial<Record<EntryStatus, string>> = {
  removal: "Removed, not revoked",
  "not-posted": "Not posted",
};

function countsTable(report: Report): string {
  const counts = countStatuses(report);
  const { errors, warnings } = problemCounts(report);
  return countsRow([
    ...countedStatuses(report).map(
      (status) =>
        [
          COUNT_TITLES[status] ?? statusLabel(report, status),
          counts[status],
        ] as const,
    ),
    ["Warnings", warnings],
    ["Errors", errors],
  ]);
}

function runDetails(report: Report): string {
  const commits: Array<[string, string | undefined]> = [
    ["Base commit", report.baseSha],
    ["Head commit", report.headSha],
    ["Applied commit", report.appliedSha],
    ["Plan hash", report.planHash],
  ];
  return [
    `- Mode: ${report.mode}${report.dryRun ? " (dry run: nothing posted)" : ""}`,
    report.scope === "full" || report.mode === "drift"
      ? "- Scope: full, the whole manifest compared with live Cakewalk"
      : "- Scope: diff, the change since the base commit",
    `- References checked against Cakewalk: ${checkedAnswer(report)}`,
    ...commits.flatMap(([name, value]) =>
      value ? [`- ${name}: ${code(value)}`] : [],
    ),
  ].join("\n");
}

function omittedNote(omitted: number): string {
  if (omitted === 0) return "";
  return alert(
    "WARNING",
    `${plural(omitted, "row was", "rows were")} left out to stay under ` +
      "GitHub's 1 MiB limit for job summaries. The file named by the " +
      "`result-file` output lists every entry and every problem.",
  );
}

const ENTRY_COLUMNS = [
  "Work app",
  "Status",
  "User",
  "Permission level",
  "Reason",
  "Where",
];

function entryTable(
  report: Report,
  kept: ReadonlySet<Row>,
  rows: readonly Row[],
): string {
  if (stoppedBeforeAccesses(report)) return STOPPED_BEFORE_ACCESSES;
  if (report.entries.length === 0) return "No accesses in this report.";
  const lines = rows.flatMap((row) =>
    row.kind === "entry" && kept.has(row) ? [entryRow(report, row.entry)] : [],
  );
  if (lines.length === 0) return "";
  return ["### Accesses", "", tableHeader(ENTRY_COLUMNS), ...lines].join("\n");
}

function entryRow(report: Report, entry: ReportEntry): string {
  return tableRow([
    escapeMarkdown(entry.access.app.display),
    statusCell(report, entry),
    userCell(entry),
    levelCell(entry),
    escapeMarkdown(entry.access.reason ?? ""),
    whereCell(report, entry),
  ]);
}
