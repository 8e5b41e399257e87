// The words people read, in one place so every rendering says the same.
import type {
  EntryStatus,
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

const STATUS_LABELS: Record<EntryStatus, string> = {
  grant: "Grant",
  "level-change": "Change level",
  removal: REMOVAL_WORDING,
  "in-place": "Already in place",
  unmanaged: "In Cakewalk, not in the manifest",
  granted: "Granted",
  "level-changed": "Level changed",
  failed: "Failed",
  "not-posted": "Not posted: the run stopped before posting it",
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
 * `file:line`, linked to the line at the run's commit when the report knows
 * where the repository lives.
 */
export function locationLink(report: Report, location: Location): string {
  const text = `${location.file}:${location.line}`;
  const { serverUrl, repository, headSha } = report;
  if (!serverUrl || !repository || !headSha) return escapeMarkdown(text);
  const path = location.file
    .replace(/^\.\//, "")
    .split("/")
    .map(encodePathSegment)
    .join("/");
  const base = serverUrl.replace(/\/+$/, "");
  return link(
    text,
    `${base}/${repository}/blob/${headSha}/${path}#L${location.line}`,
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
