// One order for every rendering, so the same report always reads the same:
// by work app, then by what happens to the entry, then by user.
import type { EntryStatus, Location, Problem, ReportEntry } from "../model.js";

// What matters most comes first within a work app.
const STATUS_ORDER: readonly EntryStatus[] = [
  "failed",
  "not-posted",
  "grant",
  "granted",
  "level-change",
  "level-changed",
  "removal",
  "unmanaged",
  "in-place",
];

/** A work app's entries, under the name the report shows for it. */
export interface AppGroup {
  display: string;
  entries: ReportEntry[];
}

/** Compares text the same way on every machine (no locale). */
export function compareText(a: string, b: string): number {
  const folded = compareRaw(a.toLowerCase(), b.toLowerCase());
  return folded !== 0 ? folded : compareRaw(a, b);
}

function compareRaw(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

export function compareLocations(a: Location, b: Location): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

export function statusRank(status: EntryStatus): number {
  return STATUS_ORDER.indexOf(status);
}

function compareEntries(a: ReportEntry, b: ReportEntry): number {
  return (
    compareText(a.access.app.display, b.access.app.display) ||
    compareText(a.access.app.id ?? "", b.access.app.id ?? "") ||
    statusRank(a.status) - statusRank(b.status) ||
    compareText(a.access.user.display, b.access.user.display) ||
    compareText(a.access.user.email ?? "", b.access.user.email ?? "") ||
    compareText(a.access.user.id ?? "", b.access.user.id ?? "") ||
    compareText(
      a.access.permissionLevel?.display ?? "",
      b.access.permissionLevel?.display ?? "",
    ) ||
    compareLocations(a.access.location, b.access.location)
  );
}

export function sortEntries(entries: readonly ReportEntry[]): ReportEntry[] {
  return [...entries].sort(compareEntries);
}

/** Problems by place, errors before warnings at the same place. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      compareLocations(a.location, b.location) ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      compareText(a.message, b.message),
  );
}

/**
 * Entries grouped by work app, groups sorted by the app's name. Apps are
 * told apart by id when resolved, by the written name otherwise.
 */
export function groupByApp(entries: readonly ReportEntry[]): AppGroup[] {
  const groups = new Map<string, AppGroup>();
  for (const entry of sortEntries(entries)) {
    const { app } = entry.access;
    const key = app.id ?? `name:${app.display.toLowerCase()}`;
    const group = groups.get(key) ?? { display: app.display, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  return [...groups.values()];
}
