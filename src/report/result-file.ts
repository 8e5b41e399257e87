// The JSON written to the file named by the `result-file` output: every entry
// and its outcome, for scripts that act on a run. Keys are always present
// (null when unknown) and entries are sorted, so the same report gives the
// same file.
import type {
  FailureReason,
  Location,
  Named,
  Problem,
  Report,
  ReportEntry,
} from "../model.js";
import { countOutcomes, type Outcomes } from "./counts.js";
import { sortEntries, sortProblems } from "./order.js";

/** Raised when the shape of the file changes in a way readers must know. */
export const RESULT_FILE_VERSION = 1;

export interface ResultName {
  id: string | null;
  name: string;
}

export interface ResultLevel extends ResultName {
  privileged: boolean | null;
}

export interface ResultEntry {
  status: ReportEntry["status"];
  app: ResultName;
  user: ResultName & { email: string | null };
  permissionLevel: ResultLevel | null;
  /** For level changes: the level before; otherwise null. */
  previousPermissionLevel: ResultLevel | null;
  /** False when ids, emails and names were not checked against Cakewalk. */
  resolved: boolean;
  reason: string | null;
  error: {
    status: number | null;
    title: string | null;
    detail: string | null;
  } | null;
  location: Location;
  written: { app: string; user: string; permissionLevel: string | null };
}

export interface ResultProblem extends Location {
  severity: Problem["severity"];
  message: string;
}

export interface ResultFile {
  version: typeof RESULT_FILE_VERSION;
  mode: Report["mode"];
  dryRun: boolean;
  scope: Report["scope"];
  manifest: string;
  checked: boolean;
  baseSha: string | null;
  headSha: string;
  appliedSha: string | null;
  planHash: string | null;
  counts: Outcomes;
  failure: { reason: FailureReason; message: string } | null;
  notes: string[];
  entries: ResultEntry[];
  problems: ResultProblem[];
}

export function resultJson(report: Report): ResultFile {
  return {
    version: RESULT_FILE_VERSION,
    mode: report.mode,
    dryRun: report.dryRun,
    scope: report.scope,
    manifest: report.manifest,
    checked: report.checked,
    baseSha: report.baseSha ?? null,
    headSha: report.headSha,
    appliedSha: report.appliedSha ?? null,
    planHash: report.planHash ?? null,
    counts: countOutcomes(report),
    failure: report.failure
      ? { reason: report.failure.reason, message: report.failure.message }
      : null,
    notes: [...report.notes],
    entries: sortEntries(report.entries).map(resultEntry),
    problems: sortProblems(report.problems).map(resultProblem),
  };
}

/** The file's text: indented JSON with a final newline. */
export function resultFileText(report: Report): string {
  return `${JSON.stringify(resultJson(report), null, 2)}\n`;
}

function resultEntry(entry: ReportEntry): ResultEntry {
  const { access, error } = entry;
  return {
    status: entry.status,
    app: named(access.app),
    user: { ...named(access.user), email: access.user.email ?? null },
    permissionLevel: level(access.permissionLevel),
    previousPermissionLevel: level(entry.previousLevel),
    resolved: access.resolved,
    reason: access.reason ?? null,
    error: error
      ? {
          status: error.status ?? null,
          title: error.title ?? null,
          detail: error.detail ?? null,
        }
      : null,
    location: location(access.location),
    written: {
      app: access.written.app,
      user: access.written.user,
      permissionLevel: access.written.permissionLevel ?? null,
    },
  };
}

function named(value: Named): ResultName {
  return { id: value.id ?? null, name: value.display };
}

function level(
  value: (Named & { privileged?: boolean }) | null | undefined,
): ResultLevel | null {
  if (!value) return null;
  return { ...named(value), privileged: value.privileged ?? null };
}

// Copied field by field so that extra properties never leak into the file.
function location(value: Location): Location {
  return { file: value.file, line: value.line, column: value.column };
}

function resultProblem(problem: Problem): ResultProblem {
  return {
    severity: problem.severity,
    message: problem.message,
    ...location(problem.location),
  };
}
