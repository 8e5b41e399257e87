// The domain words of this action, as types. Every module speaks these.
//
// access: one (work app, user) pair with at most one permission level.
// grant: an access that the manifest has and the other side lacks.
// level change: the same pair, another permission level.
// removal: an access dropped from the manifest; never revoked by the action.

/** A place in a manifest file. Lines and columns count from 1. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

export type Severity = "error" | "warning";

/** Something wrong with a manifest, or worth a warning, at a place in it. */
export interface Problem {
  severity: Severity;
  message: string;
  location: Location;
}

/** A reference as written in the manifest, with where it was written. */
export interface WrittenRef {
  text: string;
  location: Location;
}

/** An alias under `apps:` in one manifest file. */
export interface AppAlias {
  id: string;
  permissionLevels: Map<string, WrittenRef>;
  location: Location;
}

/**
 * One access as written: an item of `accesses:` expanded to one entry per
 * user. Aliases are not yet resolved; `app`, `user` and `permissionLevel`
 * hold the text as written.
 */
export interface AccessEntry {
  app: WrittenRef;
  user: WrittenRef;
  permissionLevel?: WrittenRef;
  reason?: string;
  /** Where the user is written (the `user:` value or the item of `users:`). */
  location: Location;
}

/** One manifest file as read: its aliases and its accesses. */
export interface ManifestFile {
  file: string;
  apps: Map<string, AppAlias>;
  users: Map<string, WrittenRef>;
  accesses: AccessEntry[];
}

/** The outcome of reading one file: what could be read and what is wrong. */
export interface ParseResult {
  /** Absent when the file is too broken to read any access from. */
  manifest?: ManifestFile;
  problems: Problem[];
}

// ---------------------------------------------------------------------------
// Cakewalk's records, as the action uses them.

export interface CakewalkUser {
  id: string;
  name: string;
  email: string;
  /** Cakewalk's status name, such as "Active" or "Deactivated". */
  statusName?: string;
}

export interface WorkApp {
  id: string;
  name: string;
}

export interface PermissionLevel {
  id: string;
  name: string;
  isDefault?: boolean;
  isPrivileged?: boolean;
}

/** One access as Cakewalk holds it for a work app. */
export interface LiveAccess {
  workAppId: string;
  user: CakewalkUser;
  permissionLevel: PermissionLevel | null;
}

/** One item of `POST /api/v1/WorkApps/Accesses`. */
export interface AccessGrant {
  workAppId: string;
  userId: string;
  permissionLevelId: string | null;
}

// ---------------------------------------------------------------------------
// Resolution and diff.

/** A work app, user or level as the report shows it. */
export interface Named {
  /** Cakewalk's id; absent when the reference was not resolved. */
  id?: string;
  /** Cakewalk's own spelling, or the written text when unresolved. */
  display: string;
}

/**
 * An access with its references turned into Cakewalk ids. Without
 * credentials, `resolved` is false and `key` is built from the normalised
 * written references instead of ids.
 */
export interface ResolvedAccess {
  /** Identity of the (work app, user) pair; equal keys mean the same pair. */
  key: string;
  /** Identity of the permission level within the pair ("" for none). */
  levelKey: string;
  resolved: boolean;
  app: Named;
  user: Named & { email?: string; statusName?: string };
  permissionLevel: (Named & { privileged?: boolean }) | null;
  reason?: string;
  location: Location;
  written: { app: string; user: string; permissionLevel?: string };
}

export type ChangeKind = "grant" | "level-change" | "removal" | "unchanged";

/** One row of a diff between two sides (base and head). */
export interface Change {
  kind: ChangeKind;
  /** The head side: present for grants, level changes and unchanged. */
  head?: ResolvedAccess;
  /** The base side: present for level changes, removals and unchanged. */
  base?: ResolvedAccess;
}

export interface ChangeSet {
  /** Sorted by app, then user: the same input gives the same order. */
  changes: Change[];
  /** Hash over the grants, level changes and removals (see diff.ts). */
  hash: string;
}

// ---------------------------------------------------------------------------
// What a run reports: the plan comment, results comment, job summary,
// outputs and result file are all drawn from one Report.

export type Mode = "plan" | "apply" | "drift";

export type FailureReason =
  | "invalid-manifest"
  | "too-many-grants"
  | "unauthorized"
  | "partial"
  | "api-error"
  | "base-not-found"
  | "state-conflict"
  | "refused"
  | "drift";

/**
 * What happens, or happened, to one entry.
 *
 * Plans, dry runs and drift: `grant`, `level-change`, `removal`, `in-place`,
 * and for drift `unmanaged` (in Cakewalk, not in the manifest).
 * Applies: `granted`, `level-changed`, `failed`, `not-posted` (the run
 * stopped before posting it, or Cakewalk refused the whole batch),
 * `in-place` (skipped) and `removal`.
 */
export type EntryStatus =
  | "grant"
  | "level-change"
  | "removal"
  | "in-place"
  | "unmanaged"
  | "granted"
  | "level-changed"
  | "failed"
  | "not-posted";

export interface ReportEntry {
  status: EntryStatus;
  /** The head side, or the base side (or live access) when there is none. */
  access: ResolvedAccess;
  /** For level changes: the level before. */
  previousLevel?: (Named & { privileged?: boolean }) | null;
  /** For failed entries: what Cakewalk said. */
  error?: { status?: number; title?: string; detail?: string };
}

export interface Report {
  mode: Mode;
  dryRun: boolean;
  scope: "diff" | "full";
  /** The `manifest` input (a path or a glob). */
  manifest: string;
  /** True when ids, emails and names were checked against Cakewalk. */
  checked: boolean;
  /**
   * Cakewalk credentials were given to this run. With `checked` false it
   * tells a run without credentials (a fork) from one that stopped before
   * checking; absent reads as no credentials.
   */
  credentials?: boolean;
  baseSha?: string;
  headSha: string;
  entries: ReportEntry[];
  problems: Problem[];
  /** Prominent statements: bootstrap, re-anchoring, nothing to do. */
  notes: string[];
  planHash?: string;
  appliedSha?: string;
  failure?: { reason: FailureReason; message: string };
  /** For file:line links: `${serverUrl}/${repository}/blob/${headSha}/…`. */
  serverUrl: string;
  repository: string;
}
