// The words people read, in one place so every rendering says the same.
import type {
  EntryStatus,
  FailureReason,
  Location,
  Named,
  Report,
  ReportEntry,
} from "../model.js";
import { escapeMarkdown, link } from "./markdown.js";

export const REMOVAL_WORDING =
  "Removed from the manifest: not revoked by this action";

export const UNCHECKED_SENTENCE =
  "Ids, emails and names were not checked against Cakewalk: no Cakewalk " +
  "credentials (pull requests from forks get no secrets). Only the shape " +
  "of the manifest and its aliases were checked.";

// Credentials were given, but the run failed (a broken manifest, a refused
// run, Cakewalk unreachable) before it resolved any reference.
const STOPPED_SENTENCE =
  "Ids, emails and names were not checked against Cakewalk: the run " +
  "stopped before that";

/**
 * Why references were not checked against Cakewalk, as a sentence; empty
 * when they were. Only a run without credentials gets the fork wording.
 */
export function uncheckedSentence(report: Report): string {
  if (report.checked) return "";
  if (report.credentials !== true) return UNCHECKED_SENTENCE;
  // With credentials and no failure, nothing needed checking (an older
  // commit re-run, say): saying "stopped" would read like a failure.
  return report.failure ? `${STOPPED_SENTENCE} (see the failure above).` : "";
}

/** Whether references were checked against Cakewalk, and if not, why. */
export function checkedAnswer(report: Report): string {
  if (report.checked) return "yes";
  if (report.credentials !== true) return "no, no Cakewalk credentials";
  return report.failure
    ? "no, the run stopped before checking them"
    : "no, nothing needed checking";
}

// Failures raised only once the accesses are known: with no entries, there
// was nothing to apply (a state conflict after an empty change, say).
const FAILURES_AFTER_ACCESSES = new Set<FailureReason>([
  "too-many-grants",
  "partial",
  "state-conflict",
  "drift",
]);

/**
 * True when the report has no entries because the run failed before it
 * computed them, rather than because there were none.
 */
export function stoppedBeforeAccesses(report: Report): boolean {
  return (
    report.entries.length === 0 &&
    report.failure !== undefined &&
    !FAILURES_AFTER_ACCESSES.has(report.failure.reason)
  );
}

export const STOPPED_BEFORE_ACCESSES =
  "The run stopped before the accesses were computed (see the failure " +
  "above), so none are listed.";

const STATUS_LABELS: Record<EntryStatus, string> = {
  grant: "Grant",
  "level-change": "Change level",
  removal: REMOVAL_WORDING,
  "in-place": "Already in place",
  unmanaged: "In Cakewalk, not in the manifest",
  granted: "Granted",
  "level-changed": "Level changed",
  failed: "Failed",
  // Also when Cakewalk refused the whole batch (401/403) and the run stopped.
  "not-posted": "Not posted: the run stopped (see the failure)",
};

// Drift compares the manifest with live Cakewalk, so a "grant" there is an
// access Cakewalk lacks rather than one a pull request adds.
const DRIFT_LABELS: Partial<Record<EntryStatus, string>> = {
  grant: "Missing in Cakewalk",
  "level-change": "Other level in Cakewalk",
};

// A dry run reports what the apply would have done.
const DRY_RUN_LABELS: Partial<Record<EntryStatus, string>> = {
  grant: "Would be granted",
  "level-change": "Level would change",
};

/** What happens, or happened, to an entry, in plain words. */
export function statusLabel(report: Report, status: EntryStatus): string {
  const special =
    report.mode === "drift"
      ? DRIFT_LABELS
      : report.dryRun
        ? DRY_RUN_LABELS
        : {};
  return special[status] ?? STATUS_LABELS[status];
}

/** `1 grant`, `2 grants`. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A commit id as people quote it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The user as "Name (email)", escaped. */
export function userCell(entry: ReportEntry): string {
  const { display, email } = entry.access.user;
  if (!email || email.toLowerCase() === display.toLowerCase()) {
    return escapeMarkdown(display);
  }
  return `${escapeMarkdown(display)} (${escapeMarkdown(email)})`;
}

/**
 * A permission level, escaped. Privileged levels are flagged only when
 * Cakewalk said so: without credentials nobody knows.
 */
export function levelText(
  level: (Named & { privileged?: boolean }) | null | undefined,
): string {
  if (!level) return "no level";
  const flag = level.privileged === true ? " ⚠ privileged" : "";
  return `${escapeMarkdown(level.display)}${flag}`;
}

/** The level cell: the level, and the one before for level changes. */
export function levelCell(entry: ReportEntry): string {
  const now = levelText(entry.access.permissionLevel);
  if (entry.previousLevel === undefined) return now;
  return `${now} (was ${levelText(entry.previousLevel)})`;
}

/** What Cakewalk said about a failed entry, escaped. */
export function errorText(entry: ReportEntry): string {
  const { error } = entry;
  if (!error) return "";
  const said = [error.title, error.detail]
    .filter((part): part is string => Boolean(part?.trim()))
    .map(escapeMarkdown)
    .join(": ");
  const status = error.status === undefined ? "" : ` (HTTP ${error.status})`;
  return `${said || "no details from Cakewalk"}${status}`;
}

/**
 * The "Where" cell of an entry. Line 0 means no place in a file: drift's
 * accesses found in Cakewalk but not in the manifest. A removal's line is
 * in the base commit's file, so it links there.
 */
export function whereCell(report: Report, entry: ReportEntry): string {
  const { location } = entry.access;
  if (location.line < 1) return "—";
  const removed = entry.status === "removal" && report.baseSha;
  return locationLink(report, location, removed ? report.baseSha : undefined);
}

/**
 * `file:line`, linked to the line at the run's commit (or at `sha`) when
 * the report knows where the repository lives.
 */
export function locationLink(
  report: Report,
  location: Location,
  sha: string = report.headSha,
): string {
  // No line to link to: name the file alone, if there is one.
  if (location.line < 1) {
    return location.file ? escapeMarkdown(location.file) : "—";
  }
  const text = `${location.file}:${location.line}`;
  const { serverUrl, repository } = report;
  if (!serverUrl || !repository || !sha) return escapeMarkdown(text);
  const path = location.file
    .replace(/^\.\//, "")
    .split("/")
    .map(encodePathSegment)
    .join("/");
  const base = serverUrl.replace(/\/+$/, "");
  return link(
    text,
    `${base}/${repository}/blob/${sha}/${path}#L${location.line}`,
  );
}

// encodeURIComponent leaves `(`, `)`, `!`, `*` and `'` alone; a `)` would end
// the Markdown link early.
function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[()!*']/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
