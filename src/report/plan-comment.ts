// The plan comment on a pull request (SPEC §6): counts first, then what would
// change, app by app, then the problems, all under GitHub's comment limit.
import type { Report } from "../model.js";
import { countStatuses } from "./counts.js";
import { COMMENT_LIMIT, commentSize, fitRows } from "./fit.js";
import { code, escapeMarkdown } from "./markdown.js";
import { planMarker } from "./marker.js";
import {
  alert,
  countsRow,
  entriesByApp,
  joinBlocks,
  notesList,
  omittedNote,
  problemCounts,
  problemLists,
  reportRows,
  rowRank,
} from "./sections.js";
import { plural, shortSha, uncheckedSentence } from "./wording.js";

/** The body of the plan comment for one manifest input. */
export function renderPlanComment(report: Report): string {
  const marker = planMarker(report.manifest, report.planHash);
  if (nothingToShow(report)) return renderNoChanges(report, marker);
  const rows = reportRows(report);
  return fitRows({
    rows,
    rank: rowRank,
    limit: COMMENT_LIMIT,
    size: commentSize,
    render: (kept, omitted) =>
      joinBlocks([
        marker,
        title(report),
        countsTable(report),
        failureAlert(report),
        uncheckedSentence(report),
        notesList(report),
        omittedNote(omitted),
        ...entriesByApp(report, kept, rows),
        ...problemLists(report, kept, rows),
        footer(report),
      ]),
  });
}

// Accesses already in place change nothing, so a plan with only those (or
// nothing at all) gets the short body.
function nothingToShow(report: Report): boolean {
  return (
    report.problems.length === 0 &&
    report.failure === undefined &&
    report.entries.every((entry) => entry.status === "in-place")
  );
}

function renderNoChanges(report: Report, marker: string): string {
  const inPlace = report.entries.length;
  const already =
    inPlace === 0
      ? ""
      : `${plural(inPlace, "access", "accesses")} of the manifest ` +
        `${inPlace === 1 ? "is" : "are"} already in place in Cakewalk.`;
  return joinBlocks([
    marker,
    title(report),
    `No changes to accesses. ${already}`.trim(),
    notesList(report),
    footer(report),
  ]);
}

function title(report: Report): string {
  return `### Cakewalk access plan for ${code(report.manifest)}`;
}

function countsTable(report: Report): string {
  const counts = countStatuses(report);
  const { errors, warnings } = problemCounts(report);
  return countsRow([
    ["Grants", counts.grant],
    ["Level changes", counts["level-change"]],
    ["Removed, not revoked", counts.removal],
    ["Already in place", counts["in-place"]],
    ["Warnings", warnings],
    ["Errors", errors],
  ]);
}

function failureAlert(report: Report): string {
  if (!report.failure) return "";
  const { reason, message } = report.failure;
  return alert(
    "CAUTION",
    `The plan could not be completed (${code(reason)}): ` +
      escapeMarkdown(message),
  );
}

function footer(report: Report): string {
  const compared = report.baseSha
    ? `Compared commit ${code(shortSha(report.headSha))} with ` +
      `${code(shortSha(report.baseSha))}.`
    : `Planned at commit ${code(shortSha(report.headSha))}.`;
  const scope =
    report.scope === "full"
      ? " The whole manifest was compared with live Cakewalk."
      : "";
  const hash = report.planHash ? ` Plan hash: ${code(report.planHash)}.` : "";
  return `${compared}${scope}${hash}`;
}
