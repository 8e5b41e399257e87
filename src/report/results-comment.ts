// The results comment on a merged pull request (SPEC §6): what the apply
// granted, changed, skipped, failed to post and did not revoke, and whether
// it matches the plan that was reviewed.
import type { Report } from "../model.js";
import { countStatuses } from "./counts.js";
import { COMMENT_LIMIT, commentSize, fitRows } from "./fit.js";
import { code, escapeMarkdown } from "./markdown.js";
import { resultsMarker } from "./marker.js";
import {
  alert,
  countsRow,
  entriesByApp,
  joinBlocks,
  notesList,
  omittedNote,
  problemLists,
  reportRows,
  rowRank,
} from "./sections.js";
import {
  shortSha,
  STOPPED_BEFORE_ACCESSES,
  stoppedBeforeAccesses,
} from "./wording.js";

/**
 * How the applied change compares with the hash in the pull request's last
 * plan comment; undefined for pull requests other than the pushed commit's.
 */
export type HashCheck = "match" | "mismatch" | "no-plan";

export interface ResultsCommentOptions {
  pullRequest: number;
  hashCheck?: HashCheck | undefined;
  /** The hash in the pull request's last plan comment. */
  plannedHash?: string;
  /** The hash of what the pull request's merge changed. */
  appliedHash?: string;
}

/** The body of a results comment on one merged pull request. */
export function renderResultsComment(
  report: Report,
  options: ResultsCommentOptions,
): string {
  const rows = reportRows(report);
  return fitRows({
    rows,
    rank: rowRank,
    limit: COMMENT_LIMIT,
    size: commentSize,
    render: (kept, omitted) =>
      joinBlocks([
        resultsMarker(report.manifest, report.headSha),
        title(report),
        intro(report, options.pullRequest),
        hashCheckText(options),
        failureAlert(report),
        countsTable(report),
        noEntriesText(report),
        notesList(report),
        omittedNote(omitted),
        ...entriesByApp(report, kept, rows),
        ...problemLists(report, kept, rows),
      ]),
  });
}

function title(report: Report): string {
  const what = report.dryRun ? "dry run" : "results";
  return `### Cakewalk access ${what} for ${code(report.manifest)}`;
}

function intro(report: Report, pullRequest: number): string {
  const commit = code(shortSha(report.headSha));
  if (report.dryRun) {
    return (
      "Dry run: nothing was posted to Cakewalk and the applied commit was " +
      `not moved. This is what applying commit ${commit}, after the merge ` +
      `of pull request #${pullRequest}, would do.`
    );
  }
  const since = report.baseSha
    ? `, compared with ${code(shortSha(report.baseSha))}`
    : report.scope === "full"
      ? ", compared with live Cakewalk"
      : "";
  const moved =
    report.appliedSha === report.headSha
      ? " It is now the applied commit."
      : report.appliedSha
        ? ` The applied commit stays ${code(shortSha(report.appliedSha))}.`
        : "";
  return (
    `Applied commit ${commit}${since}, after the merge of pull request ` +
    `#${pullRequest}.${moved}`
  );
}

function hashCheckText(options: ResultsCommentOptions): string {
  const { plannedHash, appliedHash } = options;
  const planned = plannedHash ? ` (plan hash ${code(plannedHash)})` : "";
  const both =
    plannedHash && appliedHash
      ? ` (planned ${code(plannedHash)}, applied ${code(appliedHash)})`
      : planned;
  switch (options.hashCheck) {
    case undefined:
      return "";
    case "match":
      return `The applied change matches the plan reviewed on this pull request${planned}.`;
    case "mismatch":
      return alert(
        "WARNING",
        "The applied change differs from the plan that was reviewed on " +
          `this pull request${both}. The manifest changed after the last ` +
          "plan, or the plan comment was edited. Check the accesses below " +
          "with the people who approved the pull request.",
      );
    case "no-plan":
      return alert(
        "WARNING",
        "No plan comment was found on this pull request, so this change " +
          "was applied without a plan anyone reviewed. Check the accesses " +
          "below with the people who approved the pull request.",
      );
  }
}

function noEntriesText(report: Report): string {
  if (stoppedBeforeAccesses(report)) return STOPPED_BEFORE_ACCESSES;
  return report.entries.length === 0 ? "No accesses to apply." : "";
}

function failureAlert(report: Report): string {
  if (!report.failure) return "";
  const { reason, message } = report.failure;
  return alert(
    "CAUTION",
    `The apply did not finish (${code(reason)}): ${escapeMarkdown(message)}`,
  );
}

function countsTable(report: Report): string {
  const counts = countStatuses(report);
  if (report.dryRun) {
    return countsRow([
      ["Would be granted", counts.grant],
      ["Level would change", counts["level-change"]],
      ["Already in place", counts["in-place"]],
      ["Removed, not revoked", counts.removal],
    ]);
  }
  return countsRow([
    ["Granted", counts.granted],
    ["Level changed", counts["level-changed"]],
    ["Skipped: already in place", counts["in-place"]],
    ["Failed", counts.failed],
    ["Not posted", counts["not-posted"]],
    ["Removed, not revoked", counts.removal],
  ]);
}
