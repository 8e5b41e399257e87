// Reading one manifest file (SPEC §2): YAML first, then its shape, then the
// aliases and accesses as written, each with its place in the file. Aliases
// are not resolved here and duplicates across entries are not looked for:
// that needs every file, and sometimes Cakewalk (see resolve.ts).
import type {
  AccessEntry,
  AppAlias,
  ManifestFile,
  ParseResult,
  Problem,
  WrittenRef,
} from "../model.js";
import { issueProblems } from "./issues.js";
import { Locator, type Path } from "./locate.js";
import { readYaml, type ReadYamlOptions } from "./read-yaml.js";
import {
  accessSchema,
  appAliasSchema,
  isUuid,
  manifestSchema,
  userTargetSchema,
  type AccessItem,
  type AppAliasValue,
} from "./schema.js";

/**
 * Reads one manifest file. Returns every problem found, and the manifest
 * whenever its accesses can be read at all, so that callers can report
 * further problems; entries that are themselves wrong are left out of it.
 */
export function parseManifest(
  content: string | Buffer,
  file: string,
  options: ReadYamlOptions = {},
): ParseResult {
  const read = readYaml(content, file, options);
  if (!read.content) return { problems: sorted(read.problems) };
  const { source, data } = read.content;
  const locator = new Locator(source);

  const checked = manifestSchema.safeParse(data);
  const problems = [
    ...read.problems,
    ...issueProblems(checked.error?.issues ?? [], data, locator),
  ];
  if (!isRecord(data) || !Array.isArray(data.accesses)) {
    return { problems: sorted(problems) };
  }
  if (data.accesses.length === 0) {
    problems.push({
      severity: "warning",
      message:
        'No accesses: nothing to plan. "accesses" is an empty list; add ' +
        "accesses to it, or remove this file from the manifest input.",
      location: locator.value(["accesses"]),
    });
  }
  problems.push(...unusableAliases(data, locator));
  const manifest = buildManifest(file, data, locator);
  return { manifest, problems: sorted(problems) };
}

/**
 * Aliases that no reference can reach: a reference that is a UUID is read
 * as an id, and a user reference with an "@" as an email, before aliases.
 */
function unusableAliases(
  data: Record<string, unknown>,
  locator: Locator,
): Problem[] {
  const problems: Problem[] = [];
  const warn = (path: Path, message: string) =>
    problems.push({
      severity: "warning",
      message,
      location: locator.key(path),
    });
  for (const [alias] of entriesOf(data.apps)) {
    if (isUuid(alias.trim())) {
      warn(
        ["apps", alias],
        `App alias "${alias}" is a UUID, and a UUID in an access is always ` +
          "read as a work app id, so this alias is never used. Give it a name.",
      );
    }
  }
  for (const [alias] of entriesOf(data.users)) {
    if (isUuid(alias.trim()) || alias.includes("@")) {
      warn(
        ["users", alias],
        `User alias "${alias}" is never used: in an access, ` +
          (alias.includes("@")
            ? 'text with "@" is read as an email'
            : "a UUID is read as a user id") +
          ". Give the alias a name without them.",
      );
    }
  }
  return problems;
}

function buildManifest(
  file: string,
  data: Record<string, unknown>,
  locator: Locator,
): ManifestFile {
  const apps = new Map<string, AppAlias>();
  for (const [alias, value] of entriesOf(data.apps)) {
    const parsed = appAliasSchema.safeParse(value);
    if (parsed.success) {
      apps.set(alias, appAlias(alias, parsed.data, locator));
    }
  }
  const users = new Map<string, WrittenRef>();
  for (const [alias, value] of entriesOf(data.users)) {
    const parsed = userTargetSchema.safeParse(value);
    if (parsed.success) {
      users.set(alias, written(parsed.data, ["users", alias], locator));
    }
  }
  const accesses: AccessEntry[] = [];
  for (const [index, value] of (data.accesses as unknown[]).entries()) {
    const parsed = accessSchema.safeParse(value);
    if (parsed.success) {
      accesses.push(...accessEntries(parsed.data, index, locator));
    }
  }
  return { file, apps, users, accesses };
}

// The location of an app alias is where its work app id is written: that is
// the text a reader must fix when Cakewalk does not know the id.
function appAlias(
  alias: string,
  value: AppAliasValue,
  locator: Locator,
): AppAlias {
  const path = ["apps", alias];
  if (typeof value === "string") {
    return {
      id: value,
      permissionLevels: new Map(),
      location: locator.value(path),
    };
  }
  const permissionLevels = new Map<string, WrittenRef>();
  for (const [level, id] of Object.entries(value.permissionLevels ?? {})) {
    const levelPath = [...path, "permissionLevels", level];
    permissionLevels.set(level, written(id, levelPath, locator));
  }
  const location = locator.value([...path, "id"]);
  return { id: value.id, permissionLevels, location };
}

/** One entry per user of an item of `accesses:`, each at its own user. */
function accessEntries(
  item: AccessItem,
  index: number,
  locator: Locator,
): AccessEntry[] {
  const path = ["accesses", index];
  const users =
    item.users === undefined
      ? [written(item.user ?? "", [...path, "user"], locator)]
      : item.users.map((user, position) =>
          written(user, [...path, "users", position], locator),
        );
  const app = written(item.app, [...path, "app"], locator);
  const permissionLevel =
    item.permissionLevel === undefined
      ? undefined
      : written(item.permissionLevel, [...path, "permissionLevel"], locator);
  return users.map((user) => ({
    app,
    user,
    ...(permissionLevel && { permissionLevel }),
    ...(item.reason !== undefined && { reason: item.reason }),
    location: user.location,
  }));
}

function written(text: string, path: Path, locator: Locator): WrittenRef {
  return { text, location: locator.value(path) };
}

function entriesOf(value: unknown): Array<[string, unknown]> {
  return isRecord(value) ? Object.entries(value) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Problems in the order of the file, so they read top to bottom. */
function sorted(problems: Problem[]): Problem[] {
  // The sort is stable: problems at one place keep the order they were found.
  return [...problems].sort(
    (a, b) =>
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}
