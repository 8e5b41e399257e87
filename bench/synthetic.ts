// Synthetic but realistic input for the benchmarks: an organisation of
// users and work apps (with permission levels), manifests written the ways
// people write them (aliases, emails, names, ids, `users:` lists, reasons),
// and a plan report. Everything comes from a seeded random generator, so
// every run measures the same input.
import type {
  CakewalkUser,
  PermissionLevel,
  Report,
  ReportEntry,
  WorkApp,
} from "../src/model.js";
import type { Directory, Resolution } from "../src/resolve.js";

export interface SyntheticUser {
  id: string;
  name: string;
  email: string;
  statusName: string;
  /** An alias under `users:` in the manifests, for some users. */
  alias?: string;
}

export interface SyntheticLevel {
  id: string;
  name: string;
  isPrivileged: boolean;
}

export interface SyntheticApp {
  id: string;
  name: string;
  levels: SyntheticLevel[];
  /** An alias under `apps:` in the manifests, for most apps. */
  alias?: string;
}

export interface Organisation {
  users: SyntheticUser[];
  apps: SyntheticApp[];
}

/** One wanted access, by index into the organisation. */
export interface Pair {
  app: number;
  user: number;
  /** Index into the app's levels; null for apps without levels. */
  level: number | null;
}

/** mulberry32: small, fast, and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A version 4 UUID drawn from the seeded generator. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  );
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(random() * 4)]!;
  const text = hex.join("");
  return [
    text.slice(0, 8),
    text.slice(8, 12),
    text.slice(12, 16),
    text.slice(16, 20),
    text.slice(20),
  ].join("-");
}

const FIRST_NAMES = [
  "Ana", "Lee", "Sam", "Priya", "Jonas", "Mei", "Omar", "Sofia", "Liam",
  "Chloé", "Kenji", "Fatima", "Noah", "Ingrid", "Mateo", "Aisha", "Lucas",
  "Yuki", "Elena", "Tomás", "Zoe", "Ravi", "Hannah", "Diego", "Nora",
  "Kwame", "Sara", "Ivan", "Leila", "Marco", "Björn", "Amara", "Felix",
  "Rosa", "Hugo", "Nadia", "Oscar", "Lina", "Arjun", "Eva",
]; // prettier-ignore

const LAST_NAMES = [
  "Lopez", "Chen", "Okafor", "Raman", "Berg", "Wang", "Haddad", "Rossi",
  "Murphy", "Dubois", "Tanaka", "Khan", "Smith", "Larsen", "Garcia",
  "Bello", "Martin", "Sato", "Petrova", "Silva", "Brown", "Patel",
  "Fischer", "Torres", "Novak", "Mensah", "Cohen", "Ivanov", "Nasser",
  "Bianchi", "Nyström", "Adeyemi", "Weber", "Costa", "Moreau", "Ali",
  "Jensen", "Park", "Mehta", "Kowalski",
]; // prettier-ignore

const APP_NAMES = [
  "Figma", "GitHub", "Notion", "Slack", "Jira", "Confluence", "Zoom",
  "Salesforce", "HubSpot", "Asana", "Miro", "Dropbox", "Box", "Zendesk",
  "Intercom", "Datadog", "Sentry", "PagerDuty", "Okta", "1Password",
  "Google Workspace", "Microsoft 365", "AWS", "Azure", "GCP", "Snowflake",
  "Looker", "Tableau", "Airtable", "Linear", "Loom", "DocuSign", "Workday",
  "BambooHR", "Greenhouse", "Lever", "Gusto", "Expensify", "Brex", "Ramp",
  "Canva", "Adobe CC", "Webflow", "Vercel", "Netlify", "CircleCI",
  "Postman", "Grafana", "New Relic", "Segment",
]; // prettier-ignore

const APP_VARIANTS = ["", " EU", " US", " Sandbox"];

const LEVEL_SETS: ReadonlyArray<readonly string[]> = [
  ["Viewer", "Editor", "Admin"],
  ["Member", "Admin"],
  ["Read", "Triage", "Write", "Maintain", "Admin"],
  ["Guest", "Member", "Owner"],
  ["Basic", "Power User", "Administrator"],
];

const PRIVILEGED = new Set(["Admin", "Owner", "Administrator", "Maintain"]);

const REASONS = [
  "Design team onboarding for the brand refresh",
  "Quarterly access review: kept, still used weekly",
  "Needs it for the customer support rotation",
  "Contractor, until the end of the engagement in March",
  "Engineering organisation member, platform team",
  "Release automation for the mobile apps",
  "Finance month-end close and audit preparation",
  "Sales territory: EMEA | APAC, shared pipeline views",
  "Temporary *elevated* access for the data migration",
  "Requested by their manager for the new project 🙂",
];

/**
 * The organisation the manifests are written for: `userCount` users with
 * unique emails, `appCount` work apps of which four in five have levels.
 */
export function organisation(
  userCount: number,
  appCount: number,
  seed = 1,
): Organisation {
  const random = seededRandom(seed);
  const seen = new Map<string, number>();
  const users = Array.from({ length: userCount }, (_, index) => {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase();
    const count = seen.get(local) ?? 0;
    seen.set(local, count + 1);
    const user: SyntheticUser = {
      id: uuid(random),
      name: `${first} ${last}`,
      email: `${local}${count === 0 ? "" : count + 1}@example.com`,
      statusName: userStatus(random()),
    };
    // One user in forty gets a short handle under `users:`.
    if (index % 40 === 0) user.alias = `${first.toLowerCase()}-${index}`;
    return user;
  });
  const apps = Array.from({ length: appCount }, (_, index) => {
    const name =
      APP_NAMES[index % APP_NAMES.length]! +
      APP_VARIANTS[Math.floor(index / APP_NAMES.length) % APP_VARIANTS.length]!;
    const levelNames = index % 5 === 4 ? [] : pick(random, LEVEL_SETS);
    const app: SyntheticApp = {
      id: uuid(random),
      name,
      levels: levelNames.map((level) => ({
        id: uuid(random),
        name: level,
        isPrivileged: PRIVILEGED.has(level),
      })),
    };
    // Three apps in four get an alias; the rest are written by name.
    if (index % 4 !== 3) app.alias = slug(name);
    return app;
  });
  return { users, apps };
}

function userStatus(draw: number): string {
  if (draw < 0.003) return "Deactivated";
  if (draw < 0.006) return "Offboarding";
  if (draw < 0.03) return "Invited";
  return "Active";
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * `count` distinct (work app, user) pairs spread over every app, the
 * `offset`-th onwards: app = i mod apps, and within an app the users step
 * by a prime, so no pair repeats while an app has fewer pairs than users.
 */
export function pairs(
  org: Organisation,
  count: number,
  seed = 2,
  offset = 0,
): Pair[] {
  const random = seededRandom(seed);
  const appCount = org.apps.length;
  return Array.from({ length: count }, (_, position) => {
    const index = offset + position;
    const app = index % appCount;
    const round = Math.floor(index / appCount);
    const user = (round * 97 + app * 13) % org.users.length;
    const levels = org.apps[app]!.levels.length;
    // Most people get the first level or two; few get the top one.
    const level =
      levels === 0
        ? null
        : Math.min(levels - 1, Math.floor(random() ** 2 * levels));
    return { app, user, level };
  });
}

/**
 * `base` with one pair in a hundred changed: two thirds of the changes are
 * to existing pairs (half of those get another level, where the app has
 * more than one; the others are dropped), one third are new pairs.
 */
export function changedPairs(
  org: Organisation,
  base: readonly Pair[],
  seed = 3,
): Pair[] {
  const random = seededRandom(seed);
  const changes = Math.round(base.length / 100);
  const head = base.map((pair) => ({ ...pair }));
  const touched = new Set<number>();
  const dropped = new Set<number>();
  while (touched.size < Math.round((changes * 2) / 3)) {
    const index = Math.floor(random() * head.length);
    const pair = head[index]!;
    if (touched.has(index)) continue;
    touched.add(index);
    const levels = org.apps[pair.app]!.levels.length;
    if (touched.size % 2 === 0 && levels > 1 && pair.level !== null) {
      pair.level = (pair.level + 1) % levels;
    } else {
      dropped.add(index);
    }
  }
  const kept = head.filter((_, index) => !dropped.has(index));
  const added = pairs(
    org,
    changes - Math.round((changes * 2) / 3),
    seed,
    base.length,
  );
  return [...kept, ...added];
}

export interface ManifestText {
  text: string;
  /** Accesses as parsed: one per (work app, user) pair. */
  accesses: number;
}

/**
 * A manifest file for the pairs, as people write one: an `apps:` and a
 * `users:` block of aliases, then items grouped by work app, most with one
 * user, some with a `users:` list, each with a reason. References are
 * written as aliases, emails (in any case), names or ids, each of which
 * resolves in the organisation.
 *
 * Every choice is drawn from the pair, item or app it is about, not from a
 * running sequence: a manifest written for slightly different pairs writes
 * the rest the same way, as an edited file would.
 */
export function manifestText(
  org: Organisation,
  wanted: readonly Pair[],
  seed = 4,
): ManifestText {
  const styles = org.apps.map((app, index) => appStyle(app, index, seed));
  const lines = [
    "# yaml-language-server: $schema=./access.schema.json",
    "# Generated for the benchmarks: see bench/README.md.",
    "version: 1",
    "",
    "apps:",
    ...org.apps.flatMap(appAliasLines),
    "",
    "users:",
    ...org.users.flatMap((user, index) => {
      if (!user.alias) return [];
      const target = keyedRandom(seed, 1, index)() < 0.1 ? user.id : user.email;
      return [`  ${user.alias}: ${target}`];
    }),
    "",
    "accesses:",
  ];
  for (const item of items(wanted, seed)) {
    lines.push(...itemLines(org, styles, item, seed));
  }
  return { text: `${lines.join("\n")}\n`, accesses: wanted.length };
}

/** A generator seeded by the parts: the same parts draw the same numbers. */
function keyedRandom(...parts: number[]): () => number {
  let seed = 0x9e3779b9;
  for (const part of parts) {
    seed = Math.imul(seed ^ part, 0x85ebca6b) ^ (seed >>> 13);
  }
  return seededRandom(seed);
}

/**
 * How a file writes one work app. A file keeps to one way per app, which
 * also keeps offline keys (built from the written text) stable.
 */
interface AppStyle {
  text: string;
  /** Levels written as the aliases under the app's `permissionLevels:`. */
  levelAliases: boolean;
}

function appStyle(app: SyntheticApp, index: number, seed: number): AppStyle {
  const random = keyedRandom(seed, 2, index);
  const byId = random() < 0.1;
  const text = byId ? app.id : (app.alias ?? app.name);
  // Level aliases apply only when the app is written as its alias or id.
  const levelAliases = app.alias !== undefined && random() < 0.8;
  return { text, levelAliases };
}

function appAliasLines(app: SyntheticApp): string[] {
  if (!app.alias) return [];
  if (app.levels.length === 0) return [`  ${app.alias}: ${app.id}`];
  return [
    `  ${app.alias}:`,
    `    id: ${app.id}`,
    "    permissionLevels:",
    ...app.levels.map((level) => `      ${slug(level.name)}: ${level.id}`),
  ];
}

/** Pairs of one app and level, grouped into items of one to six users. */
function items(wanted: readonly Pair[], seed: number): Pair[][] {
  const sorted = [...wanted].sort(
    (a, b) =>
      a.app - b.app || (a.level ?? -1) - (b.level ?? -1) || a.user - b.user,
  );
  const result: Pair[][] = [];
  let current: Pair[] = [];
  for (const pair of sorted) {
    const first = current[0];
    const sameGroup =
      first && first.app === pair.app && first.level === pair.level;
    const startsItem = keyedRandom(seed, 3, pair.app, pair.user)() < 0.92;
    if (!sameGroup || startsItem || current.length >= 6) {
      if (current.length > 0) result.push(current);
      current = [];
    }
    current.push(pair);
  }
  if (current.length > 0) result.push(current);
  return result;
}

function itemLines(
  org: Organisation,
  styles: readonly AppStyle[],
  item: Pair[],
  seed: number,
): string[] {
  const first = item[0]!;
  const random = keyedRandom(seed, 4, first.app, first.user);
  const app = org.apps[first.app]!;
  const style = styles[first.app]!;
  const lines: string[] = [];
  if (random() < 0.5) {
    const reviewer = pick(random, org.users).name;
    lines.push(`  # Reviewed in the 2026-Q3 access review by ${reviewer}.`);
  }
  lines.push(`  - app: ${yamlText(style.text)}`);
  if (first.level !== null) {
    const level = app.levels[first.level]!;
    const text = style.levelAliases ? slug(level.name) : level.name;
    lines.push(`    permissionLevel: ${yamlText(text)}`);
  }
  const users = item.map((pair) =>
    userText(org.users[pair.user]!, keyedRandom(seed, 5, pair.app, pair.user)),
  );
  if (users.length === 1) {
    lines.push(`    user: ${yamlText(users[0]!)}`);
  } else if (random() < 0.5) {
    lines.push(`    users: [${users.map(yamlText).join(", ")}]`);
  } else {
    lines.push(
      "    users:",
      ...users.map((user) => `      - ${yamlText(user)}`),
    );
  }
  lines.push(`    reason: ${reason(org, random)}`, "");
  return lines;
}

/** Why, who approved it, and the ticket: what reviewers ask for. */
function reason(org: Organisation, random: () => number): string {
  const approver = pick(random, org.users).name;
  const ticket = `TICKET-${1000 + Math.floor(random() * 9000)}`;
  const text = `${pick(random, REASONS)}; approved by ${approver} (${ticket})`;
  return JSON.stringify(text);
}

function userText(user: SyntheticUser, random: () => number): string {
  const form = random();
  if (user.alias && form < 0.5) return user.alias;
  if (form < 0.05) return user.id;
  // People paste emails as their mail client shows them.
  if (form < 0.15) return user.email.replace(/^./, (c) => c.toUpperCase());
  return user.email;
}

/** Plain when YAML reads it back as the same text, double-quoted if not. */
function yamlText(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9 ._@+-]*$/.test(text) && !text.endsWith(" ")
    ? text
    : JSON.stringify(text);
}

/**
 * The organisation as the resolver's directory, in memory: what the
 * Cakewalk client would have read, without the HTTP.
 */
export function memoryDirectory(org: Organisation): Directory {
  const users: CakewalkUser[] = org.users.map(
    ({ id, name, email, statusName }) => ({ id, name, email, statusName }),
  );
  const apps: WorkApp[] = org.apps.map(({ id, name }) => ({ id, name }));
  const levels = new Map<string, PermissionLevel[]>(
    org.apps.map((app) => [app.id.toLowerCase(), app.levels]),
  );
  return {
    listUsers: () => Promise.resolve(users),
    listWorkApps: () => Promise.resolve(apps),
    listPermissionLevels: (id) =>
      Promise.resolve(levels.get(id.toLowerCase()) ?? []),
  };
}

/**
 * A plan report over resolved accesses, as a full-scope plan of a large
 * organisation gives: mostly grants, some level changes, removals and
 * accesses already in place, and the resolver's warnings (inactive users).
 */
export function planReport(org: Organisation, resolution: Resolution): Report {
  const { accesses, problems } = resolution;
  const levels = new Map(
    org.apps.flatMap((app) => app.levels.map((level) => [level.id, app])),
  );
  const entries = accesses.map((access, index): ReportEntry => {
    const draw = index % 20;
    if (draw < 13) return { status: "grant", access };
    const level = access.permissionLevel;
    const others = level?.id ? levels.get(level.id)?.levels : undefined;
    const previous = others?.find((other) => other.id !== level?.id);
    if (draw < 15 && previous) {
      const { id, name, isPrivileged } = previous;
      const previousLevel = { id, display: name, privileged: isPrivileged };
      return { status: "level-change", access, previousLevel };
    }
    if (draw < 16) return { status: "removal", access };
    return { status: "in-place", access };
  });
  return {
    mode: "plan",
    dryRun: false,
    scope: "full",
    manifest: "access/*.yaml",
    checked: true,
    credentials: true,
    baseSha: "0123456789abcdef0123456789abcdef01234567",
    headSha: "89abcdef0123456789abcdef0123456789abcdef",
    entries,
    problems,
    notes: [],
    planHash: "f".repeat(64),
    serverUrl: "https://github.com",
    repository: "acme/cakewalk-access",
  };
}

/** The 101-alias file that SPEC §2 says must be refused. */
export function aliasBomb(): string {
  const uses = Array.from({ length: 101 }, () => "      - *ana").join("\n");
  return [
    "version: 1",
    "accesses:",
    "  - app: figma",
    "    user: &ana ana@example.com",
    "  - app: github",
    "    users:",
    uses,
    "",
  ].join("\n");
}

/**
 * Nested aliases under the count limit that expand a billion-fold
 * ("billion laughs"): nine levels of ten.
 */
export function nestedAliasBomb(): string {
  const lines = ["version: 1", 'l0: &l0 "lol"'];
  for (let level = 1; level <= 9; level++) {
    const refs = Array.from({ length: 10 }, () => `*l${level - 1}`);
    lines.push(`l${level}: &l${level} [${refs.join(", ")}]`);
  }
  lines.push("accesses: []", "");
  return lines.join("\n");
}
