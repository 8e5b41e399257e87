// Report values built by hand, with only what a test cares about spelled out.
import type {
  EntryStatus,
  Problem,
  Report,
  ReportEntry,
  Severity,
} from "../../src/model.js";

export interface EntryOptions {
  app?: string;
  appId?: string;
  user?: string;
  email?: string;
  level?: string | null;
  privileged?: boolean;
  previousLevel?: string | null;
  reason?: string;
  file?: string;
  line?: number;
  error?: ReportEntry["error"];
  resolved?: boolean;
}

export function entry(
  status: EntryStatus,
  options: EntryOptions = {},
): ReportEntry {
  const app = options.app ?? "Figma";
  const user = options.user ?? "Ana Lopez";
  const email =
    options.email ?? `${user.toLowerCase().replace(/ /g, ".")}@example.com`;
  const level = options.level === undefined ? "Editor" : options.level;
  const resolved = options.resolved ?? true;
  const result: ReportEntry = {
    status,
    access: {
      key: `${app}|${email}`,
      levelKey: level ?? "",
      resolved,
      app: {
        id: resolved ? (options.appId ?? `id-${app}`) : undefined,
        display: app,
      },
      user: { id: resolved ? `id-${email}` : undefined, display: user, email },
      permissionLevel:
        level === null
          ? null
          : {
              id: resolved ? `id-${level}` : undefined,
              display: level,
              ...(options.privileged === undefined
                ? {}
                : { privileged: options.privileged }),
            },
      reason: options.reason,
      location: {
        file: options.file ?? "access.yaml",
        line: options.line ?? 10,
        column: 7,
      },
      written: { app, user: email, permissionLevel: level ?? undefined },
    },
  };
  if (options.previousLevel !== undefined) {
    result.previousLevel =
      options.previousLevel === null
        ? null
        : { display: options.previousLevel };
  }
  if (options.error) result.error = options.error;
  return result;
}

export function problem(
  severity: Severity,
  message: string,
  line = 1,
  file = "access.yaml",
): Problem {
  return { severity, message, location: { file, line, column: 3 } };
}

export function report(overrides: Partial<Report> = {}): Report {
  return {
    mode: "plan",
    dryRun: false,
    scope: "diff",
    manifest: "access.yaml",
    checked: true,
    baseSha: "b".repeat(40),
    headSha: "a".repeat(40),
    entries: [],
    problems: [],
    notes: [],
    planHash: "c".repeat(64),
    serverUrl: "https://github.com",
    repository: "acme/access",
    ...overrides,
  };
}

/** The table rows of a Markdown text (lines starting with `| `). */
export function tableRows(markdown: string): string[] {
  return markdown.split("\n").filter((line) => line.startsWith("| "));
}

/** The cells of a table row, split where GitHub splits them. */
export function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** The rows of entry tables: those that link to a line. */
export function entryRows(markdown: string): string[] {
  return tableRows(markdown).filter((row) => row.includes("#L"));
}
