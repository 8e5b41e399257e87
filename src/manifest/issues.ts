// Turning zod's findings about a manifest into problems a person can act on:
// plain words, the bad value quoted, the key named, the expected form stated,
// at the place in the file (the key for unknown keys, else the value).
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import type { Location, Problem } from "../model.js";
import type { Locator, Path } from "./locate.js";
import { hasInvisible, quote } from "./quote.js";
import { exampleUuid, knownKeys } from "./schema.js";

type Issue = z.core.$ZodIssue;

/** One problem per issue; one per key for unknown keys. */
export function issueProblems(
  issues: readonly Issue[],
  data: unknown,
  locator: Locator,
): Problem[] {
  const typos = typoTargets(issues);
  const problems: Problem[] = [];
  for (const issue of withinUnions(issues)) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push(error(unknownKey(key, issue.path), locator.key(path)));
      }
    } else if (!isMisspeltKey(issue.path, data, typos)) {
      const { message, at } = describeIssue(issue, data, locator);
      problems.push(error(message, at));
    }
  }
  return problems;
}

// A value that fails every side of a union (an app alias as an id or a map)
// is reported against the side whose type it has, so that the inner mistake
// is named (a malformed level id) rather than the whole value.
function withinUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union") return [issue];
    const sameType = issue.errors.filter(
      (side) =>
        !side.some(
          (inner) => inner.code === "invalid_type" && !inner.path.length,
        ),
    );
    const [side] = sameType;
    if (sameType.length !== 1 || !side) return [issue];
    const prefixed = side.map((inner) => ({
      ...inner,
      path: [...issue.path, ...inner.path],
    }));
    return withinUnions(prefixed);
  });
}

// The paths of known keys that an unknown key looks like a typo of. When such
// a key is required, its "missing key" problem would only repeat what the
// unknown key's "did you mean" says.
function typoTargets(issues: readonly Issue[]): Set<string> {
  const targets = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    for (const key of issue.keys) {
      const best = suggest(key, knownKeysOf(issue.path));
      if (best) targets.add(pathId([...issue.path, best]));
    }
  }
  return targets;
}

function isMisspeltKey(path: Path, data: unknown, typos: Set<string>) {
  return typos.has(pathId(path)) && valueAt(data, path) === undefined;
}

function pathId(path: Path): string {
  return JSON.stringify(path.map(String));
}

function describeIssue(
  issue: Issue,
  data: unknown,
  locator: Locator,
): { message: string; at: Location } {
  const path = issue.path;
  const value = valueAt(data, path);
  if (value === undefined && path.length > 0) {
    return { message: missingKey(path), at: locator.parent(path) };
  }
  switch (issue.code) {
    case "custom":
      return customIssue(issue, path, locator);
    case "invalid_value":
      if (typeof value !== "string") break;
      return { message: badVersion(value), at: locator.value(path) };
    case "too_small":
      return { message: tooSmall(path), at: locator.value(path) };
    case "invalid_format":
      return { message: malformed(path, value), at: locator.value(path) };
  }
  return { message: wrongForm(path, value), at: locator.value(path) };
}

// ---------------------------------------------------------------------------
// Where a path points, in words.

/** The shape of a path: aliases and list positions replaced by `*`. */
function shapeOf(path: Path): string {
  const words: string[] = [];
  for (const segment of path) {
    const previous = words[words.length - 1];
    const isAlias =
      previous === "apps" ||
      previous === "users" ||
      previous === "permissionLevels";
    words.push(typeof segment === "number" || isAlias ? "*" : String(segment));
  }
  return words.join(".");
}

/** The expected form of the value at each shape of path. */
const expectedForms: Record<string, string> = {
  "": 'a map with the keys "version" and "accesses"',
  version: 'the text 1 ("version: 1")',
  apps: 'a map of app aliases, such as "figma: <work app id>"',
  "apps.*": 'a work app id (a UUID), or a map with "id" and "permissionLevels"',
  "apps.*.id": `a work app id: a UUID such as ${exampleUuid}`,
  "apps.*.permissionLevels":
    'a map of level aliases, such as "editor: <permission level id>"',
  "apps.*.permissionLevels.*": `a permission level id: a UUID such as ${exampleUuid}`,
  users: 'a map of user aliases, such as "ana: ana@example.com"',
  "users.*": "an email address or a user id (a UUID)",
  accesses: 'a list of accesses ("accesses: []" for none)',
  "accesses.*": 'a map with "app" and either "user" or "users"',
  "accesses.*.app": "an app alias, a work app id or the app's name",
  "accesses.*.permissionLevel":
    "a level alias, a permission level id or the level's name",
  "accesses.*.user": "a user alias, an email address or a user id",
  "accesses.*.users":
    'a list of users, such as "users: [ana, lee@example.com]"',
  "accesses.*.users.*": "a user alias, an email address or a user id",
  "accesses.*.reason": "text",
};

function expectedForm(path: Path): string {
  return expectedForms[shapeOf(path)] ?? "something else";
}

/** The value at a path, named as the subject of a sentence. */
function subject(path: Path): string {
  const [top, alias, key, level] = path.map(String);
  switch (shapeOf(path)) {
    case "":
      return "The manifest";
    case "apps.*":
      return `App alias ${quote(alias ?? "")}`;
    case "apps.*.id":
    case "apps.*.permissionLevels":
      return `${quote(key ?? "")} of app alias ${quote(alias ?? "")}`;
    case "apps.*.permissionLevels.*":
      return `Level alias ${quote(level ?? "")} of app alias ${quote(alias ?? "")}`;
    case "users.*":
      return `User alias ${quote(alias ?? "")}`;
    case "accesses.*":
      return "An access";
    case "accesses.*.users.*":
      return 'An item of "users" in an access';
    default:
      return path.length === 3
        ? `${quote(key ?? "")} in an access`
        : quote(top ?? "");
  }
}

/** The map that holds a key, as "at the top level" or "in an access". */
function where(mapPath: Path): string {
  switch (shapeOf(mapPath)) {
    case "":
      return "at the top level";
    case "apps.*":
      return `in app alias ${quote(String(mapPath[1]))}`;
    case "accesses.*":
      return "in an access";
    default:
      return `in ${quote(mapPath.map(String).join("."))}`;
  }
}

// ---------------------------------------------------------------------------
// Messages.

function unknownKey(key: string, mapPath: Path): string {
  const known = knownKeysOf(mapPath);
  const start = `Unknown key ${quote(key)} ${where(mapPath)}`;
  const suggestion = suggest(key, known);
  let message = suggestion
    ? `${start}: did you mean ${quote(suggestion)}?`
    : `${start}: the keys allowed here are ${known.map((k) => quote(k)).join(", ")}.`;
  if (hasInvisible(key)) {
    message +=
      " The key holds an invisible character (shown as \\u…), such as a " +
      "second byte-order mark: retype it.";
  }
  if (key === "<<") {
    message +=
      " Merge keys (<<) are not part of YAML 1.2: write the keys out instead.";
  }
  return message;
}

function knownKeysOf(mapPath: Path): string[] {
  const shape = shapeOf(mapPath);
  if (shape === "apps.*") return knownKeys.app;
  if (shape === "accesses.*") return knownKeys.access;
  return knownKeys.manifest;
}

/** The closest known key, when it is close enough to be a typo. */
export function suggest(
  text: string,
  known: readonly string[],
): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(text, [...known]);
  const allowed = Math.max(2, Math.floor(best.length / 3));
  return distance(text.toLowerCase(), best.toLowerCase()) <= allowed
    ? best
    : undefined;
}

function missingKey(path: Path): string {
  const key = String(path[path.length - 1]);
  const start = `Missing key ${quote(key)} ${where(path.slice(0, -1))}`;
  switch (shapeOf(path)) {
    case "version":
      return `${start}: add "version: 1" at the top of the file.`;
    case "accesses":
      return (
        `${start}: list the accesses under "accesses:" ` +
        '(write "accesses: []" if there are none yet).'
      );
    default:
      return `${start}: add it, with ${expectedForm(path)}.`;
  }
}

function badVersion(value: unknown): string {
  return (
    `Unsupported manifest version ${show(value, "bare")} in "version": ` +
    'only version 1 is supported. Write "version: 1".'
  );
}

function tooSmall(path: Path): string {
  if (shapeOf(path) === "accesses.*.users") {
    return (
      '"users" is an empty list in an access: list at least one user, ' +
      "or remove the access."
    );
  }
  return `${subject(path)} is empty: write ${expectedForm(path)}.`;
}

function malformed(path: Path, value: unknown): string {
  const shape = shapeOf(path);
  if (value === "") {
    return `${subject(path)} is empty: write ${expectedForm(path)}.`;
  }
  if (shape === "users.*") {
    return (
      `${subject(path)} must stand for an email address or a user id ` +
      `(a UUID); found ${show(value)}. An email address contains "@".`
    );
  }
  const kind = shape.includes("permissionLevels")
    ? "permission level id"
    : "work app id";
  return (
    `Malformed ${kind} ${show(value, "bare")} ${forWhom(path)}: ` +
    `expected a UUID such as ${exampleUuid}. Copy the id from Cakewalk.`
  );
}

function forWhom(path: Path): string {
  const [, alias, , level] = path.map(String);
  const app = `app alias ${quote(alias ?? "")}`;
  switch (shapeOf(path)) {
    case "apps.*.id":
      return `in "id" of ${app}`;
    case "apps.*.permissionLevels.*":
      return `for level alias ${quote(level ?? "")} of ${app}`;
    default:
      return `for ${app}`;
  }
}

function wrongForm(path: Path, value: unknown): string {
  const shape = shapeOf(path);
  // A string that matches neither side of a union is malformed, not of the
  // wrong type: say what is wrong with the text.
  if (
    typeof value === "string" &&
    (shape === "users.*" || shape === "apps.*")
  ) {
    return malformed(path, value);
  }
  let message = `${subject(path)} must be ${expectedForm(path)}; found ${show(value)}.`;
  if (shape === "accesses.*.users" && typeof value === "string") {
    message += ` For one user, write ${quote(`user: ${value}`)}.`;
  }
  const isOptionalMap = /^(apps|users|apps\.\*\.permissionLevels)$/;
  if (value === "" && isOptionalMap.test(shape)) {
    message += " Remove the key if there are none.";
  }
  if (shape === "" && value === null) {
    message = `The manifest is empty: it must be ${expectedForm(path)}.`;
  }
  return message;
}

function customIssue(
  issue: z.core.$ZodIssueCustom,
  path: Path,
  locator: Locator,
): { message: string; at: Location } {
  const rule: unknown = issue.params?.rule;
  if (rule === "user-and-users") {
    return {
      message:
        'An access has both "user" and "users": keep one of them ' +
        '("user" for one person, "users" for several).',
      at: locator.key(path),
    };
  }
  if (rule === "no-user") {
    return {
      message:
        'An access has neither "user" nor "users": add "user: <alias or ' +
        'email>" for one person or "users: [...]" for several.',
      at: locator.value(path),
    };
  }
  return { message: issue.message, at: locator.value(path) };
}

/** A value as a message shows it; "bare" leaves out "the text" before text. */
function show(value: unknown, style: "bare" | "named" = "named"): string {
  if (value === undefined || value === null) return "nothing";
  if (value === "") return "an empty value";
  if (typeof value === "string") {
    return style === "bare" ? quote(value) : `the text ${quote(value)}`;
  }
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return quote(String(value));
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function error(message: string, location: Location): Problem {
  return { severity: "error", message, location };
}
