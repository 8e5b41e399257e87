import { describe, expect, it } from "vitest";
import type { ReportEntry } from "../../src/model.js";
import { commentSize } from "../../src/report/fit.js";
import { planMarker, readPlanHash } from "../../src/report/marker.js";
import { renderPlanComment } from "../../src/report/plan-comment.js";
import {
  cells,
  entry,
  entryRows,
  problem,
  report,
  tableRows,
} from "./factory.js";

const LINK = "https://github.com/acme/access/blob/" + "a".repeat(40);

function sections(body: string): string[] {
  return body
    .split("\n")
    .filter((line) => line.startsWith("#### "))
    .map((line) => line.slice(5));
}

describe("renderPlanComment", () => {
  it("starts with the marker, then a title naming the manifest input", () => {
    const body = renderPlanComment(
      report({ manifest: "teams/*.yaml", entries: [entry("grant")] }),
    );
    const [first, , title] = body.split("\n");
    expect(first).toBe(planMarker("teams/*.yaml", "c".repeat(64)));
    expect(title).toBe("### Cakewalk access plan for `teams/*.yaml`");
  });

  it("shows the counts before any entry", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("grant", { user: "A" }),
          entry("grant", { user: "B" }),
          entry("level-change", { user: "C", previousLevel: "Viewer" }),
          entry("removal", { user: "D" }),
          entry("in-place", { user: "E" }),
        ],
        problems: [problem("warning", "Careful")],
      }),
    );
    const [header, , counts] = tableRows(body);
    expect(cells(header!)).toEqual([
      "Grants",
      "Level changes",
      "Removed, not revoked",
      "Already in place",
      "Warnings",
      "Errors",
    ]);
    expect(cells(counts!)).toEqual(["2", "1", "1", "1", "1", "0"]);
    expect(body.indexOf("| Grants")).toBeLessThan(body.indexOf("#### "));
  });

  it("groups entries by work app, apps sorted by name whatever their case", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("grant", { app: "Slack" }),
          entry("grant", { app: "figma" }),
          entry("grant", { app: "Asana" }),
          entry("grant", { app: "Slack", user: "Bo" }),
        ],
      }),
    );
    expect(sections(body)).toEqual(["Asana", "figma", "Slack"]);
  });

  it("orders rows in an app: grants, level changes, removals, in place", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("in-place", { user: "A" }),
          entry("removal", { user: "B" }),
          entry("grant", { user: "D" }),
          entry("level-change", { user: "C", previousLevel: "Viewer" }),
          entry("grant", { user: "C" }),
        ],
      }),
    );
    const statuses = entryRows(body).map(
      (row) => `${cells(row)[0]} ${cells(row)[1]?.[0]}`,
    );
    expect(statuses).toEqual([
      "Grant C",
      "Grant D",
      "Change level C",
      "Removed from the manifest: not revoked by this action B",
      "Already in place A",
    ]);
  });

  it("is the same text whatever the order of the entries", () => {
    const entries: ReportEntry[] = [
      entry("grant", { app: "Slack", user: "Zoe" }),
      entry("grant", { app: "Figma", user: "Al" }),
      entry("removal", { app: "Figma", user: "Bo" }),
    ];
    const once = renderPlanComment(report({ entries }));
    const again = renderPlanComment(
      report({ entries: [...entries].reverse() }),
    );
    expect(again).toBe(once);
  });

  it("shows user, level, previous level, reason and a link to the line", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("level-change", {
            user: "Lee Chen",
            email: "lee@example.com",
            level: "Admin",
            previousLevel: "Viewer",
            reason: "On call (OPS-7)",
            line: 42,
          }),
        ],
      }),
    );
    const row = tableRows(body).at(-1)!;
    expect(cells(row)).toEqual([
      "Change level",
      "Lee Chen (lee@example.com)",
      "Admin (was Viewer)",
      "On call \\(OPS-7\\)",
      `[access.yaml:42](${LINK}/access.yaml#L42)`,
    ]);
  });

  it("flags privileged levels only when Cakewalk said they are", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("grant", { user: "A", level: "Admin", privileged: true }),
          entry("grant", { user: "B", level: "Viewer", privileged: false }),
          entry("grant", { user: "C", level: "Owner" }),
        ],
      }),
    );
    const levels = entryRows(body).map((row) => cells(row)[2]);
    expect(levels).toEqual(["Admin ⚠ privileged", "Viewer", "Owner"]);
  });

  it("says a removal is not revoked", () => {
    const body = renderPlanComment(
      report({ entries: [entry("removal", { user: "Old" })] }),
    );
    expect(body).toContain(
      "| Removed from the manifest: not revoked by this action | Old",
    );
  });

  it("links a removal to its line in the base commit, where it was", () => {
    const body = renderPlanComment(
      report({
        entries: [
          entry("removal", { user: "Old" }),
          entry("grant", { user: "New" }),
        ],
      }),
    );
    const rows = entryRows(body);
    const removal = rows.find((row) => row.includes("Removed"))!;
    const grant = rows.find((row) => row.includes("Grant"))!;
    expect(grant).toContain(`/blob/${"a".repeat(40)}/`);
    expect(removal).toContain(`/blob/${"b".repeat(40)}/`);
  });

  it("says plainly when references were not checked against Cakewalk", () => {
    const unchecked = renderPlanComment(
      report({
        checked: false,
        entries: [entry("grant", { resolved: false })],
      }),
    );
    expect(unchecked).toContain(
      "Ids, emails and names were not checked against Cakewalk: no " +
        "Cakewalk credentials (pull requests from forks get no secrets).",
    );
    const checked = renderPlanComment(report({ entries: [entry("grant")] }));
    expect(checked).not.toContain("not checked");
  });

  it("says a run with credentials that stopped early was not checked, without blaming a fork", () => {
    const body = renderPlanComment(
      report({
        checked: false,
        credentials: true,
        failure: { reason: "invalid-manifest", message: "1 error" },
        problems: [problem("error", "Unknown app")],
      }),
    );
    expect(body).toContain(
      "Ids, emails and names were not checked against Cakewalk: the run " +
        "stopped before that (see the failure above).",
    );
    expect(body).not.toMatch(/credentials|forks/);
    expect(body.indexOf("[!CAUTION]")).toBeLessThan(
      body.indexOf("not checked"),
    );
  });

  it("keeps the fork wording when the report does not say credentials were given", () => {
    for (const credentials of [false, undefined]) {
      const body = renderPlanComment(
        report({
          checked: false,
          credentials,
          entries: [entry("grant", { resolved: false })],
        }),
      );
      expect(body).toContain("(pull requests from forks get no secrets)");
    }
  });

  it("shows no link for an access that has no place in a file", () => {
    const body = renderPlanComment(
      report({
        entries: [entry("removal", { user: "Bo", file: "", line: 0 })],
      }),
    );
    const row = tableRows(body).find((line) => line.includes("| Bo"));
    expect(cells(row!)[4]).toBe("—");
    expect(body).not.toContain("#L0");
  });

  it("names the file of a problem at no line, without a link", () => {
    const body = renderPlanComment(
      report({ problems: [problem("error", "File is empty", 0, "b.yaml")] }),
    );
    expect(body).toContain("- b.yaml: File is empty");
    expect(body).not.toContain("#L0");
  });

  it("lists errors then warnings, in file and line order, linked", () => {
    const body = renderPlanComment(
      report({
        problems: [
          problem("warning", "Same access twice", 9),
          problem("error", "Unknown user alias <ana>", 7, "b.yaml"),
          problem("error", "Unknown app", 3, "b.yaml"),
        ],
      }),
    );
    const errors = body.slice(body.indexOf("#### Errors"));
    expect(errors.split("\n").filter((l) => l.startsWith("- "))).toEqual([
      `- [b.yaml:3](${LINK}/b.yaml#L3): Unknown app`,
      `- [b.yaml:7](${LINK}/b.yaml#L7): Unknown user alias &lt;ana&gt;`,
      `- [access.yaml:9](${LINK}/access.yaml#L9): Same access twice`,
    ]);
    expect(body.indexOf("#### Errors")).toBeLessThan(
      body.indexOf("#### Warnings"),
    );
  });

  it("shows the notes and a failure", () => {
    const body = renderPlanComment(
      report({
        notes: ["Nothing to compare: first run"],
        failure: { reason: "invalid-manifest", message: "2 errors *here*" },
      }),
    );
    expect(body).toContain("- Nothing to compare: first run");
    expect(body).toContain(
      "> The plan could not be completed (`invalid-manifest`): 2 errors \\*here\\*",
    );
  });

  it("links to files in folders and escapes what would end the link", () => {
    const body = renderPlanComment(
      report({ entries: [entry("grant", { file: "teams/a (1).yaml" })] }),
    );
    expect(body).toContain(
      `[teams/a \\(1\\).yaml:10](${LINK}/teams/a%20%281%29.yaml#L10)`,
    );
  });

  it("keeps a table row whole when a reason holds pipes and newlines", () => {
    const body = renderPlanComment(
      report({
        entries: [entry("grant", { reason: "a | b\n| c | d |\n\n# e" })],
      }),
    );
    const rows = tableRows(body);
    expect(cells(rows.at(-1)!)).toHaveLength(5);
    expect(cells(rows.at(-1)!)[3]).toBe("a \\| b \\| c \\| d \\| \\# e");
  });

  describe("when nothing changes", () => {
    it("says so briefly and keeps the marker", () => {
      const body = renderPlanComment(report({ entries: [] }));
      expect(readPlanHash(body)).toBe("c".repeat(64));
      expect(body).toContain("No changes to accesses.");
      expect(body).not.toContain("|");
    });

    it("counts the accesses already in place", () => {
      const body = renderPlanComment(
        report({
          entries: [entry("in-place", { user: "A" }), entry("in-place")],
        }),
      );
      expect(body).toContain(
        "No changes to accesses. 2 accesses of the manifest are already " +
          "in place in Cakewalk.",
      );
    });
  });

  describe("with 5,000 entries", () => {
    const entries = Array.from({ length: 5000 }, (_, index) =>
      entry(index % 10 === 0 ? "in-place" : "grant", {
        app: `App ${index % 7}`,
        user: `User ${String(index).padStart(4, "0")}`,
        reason: "Quarterly onboarding of the design team (TICKET-1234)",
        line: index + 1,
      }),
    );
    const problems = [problem("error", "A bad reference", 99)];
    const body = renderPlanComment(report({ entries, problems }));

    it("stays under GitHub's 65,536 character limit", () => {
      expect(body.length).toBeLessThanOrEqual(65_536);
      expect(commentSize(body)).toBeLessThanOrEqual(65_536);
      expect(body.length).toBeGreaterThan(50_000);
    });

    it("cuts whole rows only", () => {
      const rows = entryRows(body);
      expect(rows.length).toBeGreaterThan(100);
      for (const row of rows) {
        expect(row).toMatch(
          /^\| Grant \| User \d{4} \(user\.\d{4}@example\.com\) \| Editor \| Quarterly .* \| \[access\.yaml:\d+\]\(\S+#L\d+\) \|$/,
        );
      }
    });

    it("says how many rows were left out and where they all are", () => {
      const shown = entryRows(body).length;
      const left = 5000 - shown;
      expect(left).toBeGreaterThan(0);
      expect(body).toContain(
        `${left} rows were left out to stay under GitHub's size limit for ` +
          "comments. The job summary of this run lists every entry and " +
          "every problem.",
      );
    });

    it("keeps errors and grants before accesses already in place", () => {
      expect(body).toContain("A bad reference");
      expect(body).not.toContain("| Already in place | User");
      expect(tableRows(body)[2]).toBe("| 4500 | 0 | 0 | 500 | 0 | 1 |");
    });
  });
});
