import { distance } from "fastest-levenshtein";
import pMap from "p-map";
import { isUuid } from "./manifest/schema.js";
import type {
  AccessEntry,
  CakewalkUser,
  Location,
  ManifestFile,
  PermissionLevel,
  Problem,
  ResolvedAccess,
  WorkApp,
  WrittenRef,
} from "./model.js";

/** The read side of Cakewalk that resolution needs. */
export interface Directory {
  listUsers(): Promise<CakewalkUser[]>;
  listWorkApps(): Promise<WorkApp[]>;
  listPermissionLevels(workAppId: string): Promise<PermissionLevel[]>;
}

export interface ResolveOptions {
  /** Cakewalk to check references against; absent without credentials. */
  directory?: Directory;
  /**
   * For the base side of a diff: a reference that no longer resolves (a
   * user deleted since) is matched by its written text, with a warning,
   * instead of being an error.
   */
  lenient?: boolean;
}

export interface Resolution {
  accesses: ResolvedAccess[];
  problems: Problem[];
  /**
   * With `lenient`: the warnings (also in `problems`) of accesses that no
   * longer resolve and are matched by their written reference.
   */
  matchedByText: Problem[];
}

/** The resolution of no manifest at all. */
export function noResolution(): Resolution {
  return { accesses: [], problems: [], matchedByText: [] };
}

/**
 * How emails and names are compared: surrounding whitespace, Unicode form
 * and letter case do not count. `toLowerCase` is locale-independent.
 */
export function normalise(text: string): string {
  return text.trim().normalize("NFC").toLowerCase();
}

function at(location: Location): string {
  return `${location.file}:${location.line}`;
}

/** A reference after the manifest's own aliases, before Cakewalk. */
type LocalRef =
  | { kind: "id"; id: string }
  | { kind: "email"; email: string }
  | { kind: "name"; name: string };

interface LocalAccess {
  entry: AccessEntry;
  app: LocalRef;
  user: LocalRef;
  level?: LocalRef;
}

function localKey(ref: LocalRef): string {
  switch (ref.kind) {
    case "id":
      return `id:${ref.id.toLowerCase()}`;
    case "email":
      return `email:${normalise(ref.email)}`;
    case "name":
      return `name:${normalise(ref.name)}`;
  }
}

function localText(ref: LocalRef): string {
  return ref.kind === "id"
    ? ref.id
    : ref.kind === "email"
      ? ref.email
      : ref.name;
}

/**
 * Turns every access of every file into a resolved access: first through
 * the file's aliases, then, with a directory, through Cakewalk. Accesses are
 * global across files; duplicates are reported with both locations.
 */
export async function resolveManifests(
  files: ManifestFile[],
  options: ResolveOptions = {},
): Promise<Resolution> {
  const problems: Problem[] = [];
  const locals: LocalAccess[] = [];
  for (const file of files) {
    for (const entry of file.accesses) {
      const local = applyAliases(file, entry, problems);
      if (local) locals.push(local);
    }
  }

  const matchedByText: Problem[] = [];
  const accesses = options.directory
    ? await resolveInCakewalk(locals, options.directory, options, {
        problems,
        matchedByText,
      })
    : locals.map(unresolvedAccess);

  return {
    accesses: withoutDuplicates(accesses, problems),
    problems,
    matchedByText,
  };
}

function applyAliases(
  file: ManifestFile,
  entry: AccessEntry,
  problems: Problem[],
): LocalAccess | undefined {
  const user = userRef(file, entry.user, problems);
  if (!user) return undefined;

  const appText = entry.app.text.trim();
  const alias = isUuid(appText) ? undefined : file.apps.get(appText);
  const app = idAliasOrName(appText, alias?.id);

  let level: LocalRef | undefined;
  if (entry.permissionLevel) {
    const levelText = entry.permissionLevel.text.trim();
    // Level aliases apply when the app is written as its alias or its id.
    const owner =
      alias ??
      (app.kind === "id"
        ? [...file.apps.values()].find(
            (a) => a.id.toLowerCase() === app.id.toLowerCase(),
          )
        : undefined);
    const levelAlias = owner?.permissionLevels.get(levelText);
    level = idAliasOrName(levelText, levelAlias?.text.trim());
  }
  return { entry, app, user, level };
}

/**
 * SPEC order for apps and levels: a UUID is an id, then an alias of this
 * file (given as the id it stands for), then a name to look up.
 */
function idAliasOrName(text: string, aliasId: string | undefined): LocalRef {
  if (isUuid(text)) return { kind: "id", id: text };
  return aliasId ? { kind: "id", id: aliasId } : { kind: "name", name: text };
}

function userRef(
  file: ManifestFile,
  written: WrittenRef,
  problems: Problem[],
): LocalRef | undefined {
  const text = written.text.trim();
  if (isUuid(text)) return { kind: "id", id: text };
  if (text.includes("@")) return { kind: "email", email: text };
  const target = file.users.get(text);
  if (target) {
    const value = target.text.trim();
    return isUuid(value)
      ? { kind: "id", id: value }
      : { kind: "email", email: value };
  }
  const known = [...file.users.keys()];
  problems.push({
    severity: "error",
    location: written.location,
    message:
      `User "${text}" is not a user id, not an email and not an alias ` +
      `under \`users:\` in ${file.file}.` +
      suggestion(text, known) +
      " Write the person's email, their Cakewalk user id, or add the alias.",
  });
  return undefined;
}

function unresolvedAccess(local: LocalAccess): ResolvedAccess {
  const { entry, app, user, level } = local;
  return {
    key: `app:${localKey(app)}|user:${localKey(user)}`,
    levelKey: level ? localKey(level) : "",
    resolved: false,
    app: { display: entry.app.text.trim() },
    user: {
      display: localText(user),
      email: user.kind === "email" ? user.email.trim() : undefined,
    },
    permissionLevel: level
      ? { display: entry.permissionLevel!.text.trim() }
      : null,
    reason: entry.reason,
    location: entry.location,
    written: writtenOf(entry),
  };
}

function writtenOf(entry: AccessEntry): ResolvedAccess["written"] {
  return {
    app: entry.app.text,
    user: entry.user.text,
    permissionLevel: entry.permissionLevel?.text,
  };
}

// ---------------------------------------------------------------------------
// Against Cakewalk.

/** Records indexed by id and by normalised name, read once per run. */
class Index<T extends { id: string }> {
  readonly byId = new Map<string, T>();
  readonly byName = new Map<string, T[]>();

  constructor(
    readonly records: T[],
    readonly nameOf: (record: T) => string,
  ) {
    for (const record of records) {
      this.byId.set(record.id.toLowerCase(), record);
      const name = normalise(nameOf(record));
      this.byName.set(name, [...(this.byName.get(name) ?? []), record]);
    }
  }

  names(): string[] {
    return this.records.map(this.nameOf);
  }
}

class Lookup {
  private users?: Promise<Index<CakewalkUser>>;
  private apps?: Promise<Index<WorkApp>>;
  private readonly levels = new Map<string, Promise<Index<PermissionLevel>>>();

  constructor(private readonly directory: Directory) {}

  userIndex(): Promise<Index<CakewalkUser>> {
    this.users ??= this.directory
      .listUsers()
      .then((users) => new Index(users, (u) => u.email));
    return this.users;
  }

  appIndex(): Promise<Index<WorkApp>> {
    this.apps ??= this.directory
      .listWorkApps()
      .then((apps) => new Index(apps, (a) => a.name));
    return this.apps;
  }

  levelIndex(appId: string): Promise<Index<PermissionLevel>> {
    let index = this.levels.get(appId);
    if (!index) {
      index = this.directory
        .listPermissionLevels(appId)
        .then((levels) => new Index(levels, (l) => l.name));
      this.levels.set(appId, index);
    }
    return index;
  }
}

type Found<T> = { record: T } | { problem: string };

function find<T extends { id: string }>(
  index: Index<T>,
  ref: LocalRef,
  what: string,
  where: string,
): Found<T> {
  if (ref.kind === "id") {
    const record = index.byId.get(ref.id.toLowerCase());
    return record
      ? { record }
      : { problem: `No ${what} has the id "${ref.id}"${where}.` };
  }
  const text = localText(ref).trim();
  const matches = index.byName.get(normalise(text)) ?? [];
  if (matches.length === 1) return { record: matches[0]! };
  if (matches.length > 1) {
    const ids = matches.map((m) => m.id).join(", ");
    return {
      problem:
        `${capitalise(what)} "${text}" matches ${matches.length} records` +
        `${where} (ids ${ids}). Write the id of the one you mean.`,
    };
  }
  const noun = ref.kind === "email" ? `${what} email` : `${what} name`;
  // A short list (an app's levels) is worth showing in full.
  const names = index.names();
  const hint =
    suggestion(text, names) ||
    (names.length > 0 && names.length <= 10
      ? ` It has: ${names.map((n) => `"${n}"`).join(", ")}.`
      : "");
  return { problem: `No ${noun} "${text}"${where}.${hint}` };
}

async function resolveInCakewalk(
  locals: LocalAccess[],
  directory: Directory,
  options: ResolveOptions,
  found: { problems: Problem[]; matchedByText: Problem[] },
): Promise<ResolvedAccess[]> {
  const { problems } = found;
  const lookup = new Lookup(directory);
  const [users, apps] = await Promise.all([
    lookup.userIndex(),
    lookup.appIndex(),
  ]);
  await prefetchLevels(locals, apps, lookup);
  const resolved: ResolvedAccess[] = [];
  for (const local of locals) {
    const access = await resolveOne(local, users, apps, lookup, problems);
    if (access) {
      resolved.push(access);
    } else if (options.lenient) {
      const warning: Problem = {
        severity: "warning",
        location: local.entry.location,
        message:
          "This access of the earlier manifest no longer resolves in " +
          "Cakewalk; it is matched by its written reference instead.",
      };
      problems.push(warning);
      found.matchedByText.push(warning);
      resolved.push(unresolvedAccess(local));
    }
  }
  return resolved;
}

/** Levels are read a few apps at a time: one app after another is slow. */
const levelReadsAtOnce = 8;

async function prefetchLevels(
  locals: LocalAccess[],
  apps: Index<WorkApp>,
  lookup: Lookup,
): Promise<void> {
  const ids = new Set<string>();
  for (const local of locals) {
    const app = find(apps, local.app, "work app", "");
    if ("record" in app) ids.add(app.record.id);
  }
  await pMap(ids, (id) => lookup.levelIndex(id), {
    concurrency: levelReadsAtOnce,
  });
}

async function resolveOne(
  local: LocalAccess,
  users: Index<CakewalkUser>,
  apps: Index<WorkApp>,
  lookup: Lookup,
  problems: Problem[],
): Promise<ResolvedAccess | undefined> {
  const { entry } = local;
  const fail = (location: Location, message: string) => {
    problems.push({ severity: "error", location, message });
    return undefined;
  };

  const user = find(users, local.user, "user", " in Cakewalk");
  const app = find(apps, local.app, "work app", " in Cakewalk");
  if ("problem" in user) fail(entry.user.location, user.problem);
  if ("problem" in app) fail(entry.app.location, app.problem);
  if ("problem" in user || "problem" in app) return undefined;

  const levels = await lookup.levelIndex(app.record.id);
  let level: PermissionLevel | null = null;
  if (local.level && levels.records.length === 0) {
    return fail(
      entry.permissionLevel!.location,
      `"${app.record.name}" has no permission levels in Cakewalk: remove ` +
        "`permissionLevel` from this access.",
    );
  }
  if (local.level) {
    const found = find(
      levels,
      local.level,
      "permission level",
      ` in "${app.record.name}"`,
    );
    if ("problem" in found) {
      return fail(entry.permissionLevel!.location, found.problem);
    }
    level = found.record;
  } else if (levels.records.length > 0) {
    return fail(
      entry.app.location,
      `"${app.record.name}" has permission levels, so this access needs a ` +
        "`permissionLevel`: one of " +
        levels
          .names()
          .map((n) => `"${n}"`)
          .join(", ") +
        ".",
    );
  }

  const status = user.record.statusName ?? "";
  if (/deactivated|offboarding/i.test(status)) {
    problems.push({
      severity: "warning",
      location: entry.user.location,
      message:
        `User "${user.record.email}" is ${status} in Cakewalk: check that ` +
        "this access is still wanted.",
    });
  }

  return {
    key: `app:id:${app.record.id.toLowerCase()}|user:id:${user.record.id.toLowerCase()}`,
    levelKey: level ? `id:${level.id.toLowerCase()}` : "",
    resolved: true,
    app: { id: app.record.id, display: app.record.name },
    user: {
      id: user.record.id,
      display: user.record.name || user.record.email,
      email: user.record.email,
      statusName: user.record.statusName,
    },
    permissionLevel: level
      ? { id: level.id, display: level.name, privileged: level.isPrivileged }
      : null,
    reason: entry.reason,
    location: entry.location,
    written: writtenOf(entry),
  };
}

// ---------------------------------------------------------------------------

/**
 * Keeps the first access of each (work app, user) pair. A second one with
 * another level is an error naming both places; with the same level it is
 * a warning.
 */
function withoutDuplicates(
  accesses: ResolvedAccess[],
  problems: Problem[],
): ResolvedAccess[] {
  const first = new Map<string, ResolvedAccess>();
  for (const access of accesses) {
    const earlier = first.get(access.key);
    if (!earlier) {
      first.set(access.key, access);
      continue;
    }
    const pair = `"${access.user.display}" in "${access.app.display}"`;
    if (earlier.levelKey !== access.levelKey) {
      problems.push({
        severity: "error",
        location: access.location,
        message:
          `${pair} is listed twice with different permission levels: ` +
          `${levelText(access)} here and ${levelText(earlier)} at ` +
          `${at(earlier.location)}. A user has one level per work app: ` +
          "keep one of them.",
      });
    } else {
      problems.push({
        severity: "warning",
        location: access.location,
        message: `${pair} is listed twice (also at ${at(earlier.location)}).`,
      });
    }
  }
  return [...first.values()];
}

function levelText(access: ResolvedAccess): string {
  return access.permissionLevel
    ? `"${access.permissionLevel.display}"`
    : "no level";
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** " Did you mean …?" with the closest known names, or "". */
export function suggestion(text: string, known: string[]): string {
  const wanted = normalise(text);
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const close = [...new Set(known)]
    .map((name) => ({ name, d: distance(wanted, normalise(name)) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((c) => `"${c.name}"`);
  return close.length ? ` Did you mean ${close.join(" or ")}?` : "";
}
