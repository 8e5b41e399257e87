import { describe, expect, it } from "vitest";
import { renderSummary, SUMMARY_LIMIT } from "../../src/report/summary.js";
import {
  cells,
  entry,
  entryRows,
  problem,
  report,
  tableRows,
} from "./factory.js";

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

describe("renderSummary", () => {
  it("has every entry with its work app, and every problem", () => {
    const summary = renderSummary(
      report({
        entries: [
          entry("grant", { app: "Slack", user: "Ana" }),
          entry("in-place", { app: "Figma", user: "Bo" }),
        ],
        problems: [problem("warning", "Check this"), problem("error", "Bad")],
      }),
    );
    expect(entryRows(summary).map((row) => cells(row).slice(0, 3))).toEqual([
      ["Figma", "Already in place", "Bo (bo@example.com)"],
      ["Slack", "Grant", "Ana (ana@example.com)"],
    ]);
    expect(summary).toContain("#### Errors");
    expect(summary).toContain(": Bad");
    expect(summary).toContain(": Check this");
  });

  it("shows the failure, the notes and the commits of a refused run", () => {
    const summary = renderSummary(
      report({
        mode: "apply",
        failure: {
          reason: "refused",
          message: "Apply runs only on the default branch.",
        },
        notes: ["Nothing was read from Cakewalk."],
        planHash: undefined,
      }),
    );
    expect(summary).toContain(
      "> Failed (`refused`): Apply runs only on the default branch.",
    );
    expect(summary).toContain("- Nothing was read from Cakewalk.");
    expect(summary).toContain(`- Base commit: \`${"b".repeat(40)}\``);
    expect(summary).toContain(`- Head commit: \`${"a".repeat(40)}\``);
    expect(summary).not.toContain("Plan hash");
    expect(summary).not.toContain("No accesses in this report");
    expect(summary).toContain(
      "The run stopped before the accesses were computed (see the failure " +
        "above), so none are listed.",
    );
  });

  it("says there are no accesses when a run without failure has none", () => {
    const summary = renderSummary(report({ mode: "apply" }));
    expect(summary).toContain("No accesses in this report.");
    expect(summary).not.toContain("stopped");
  });

  it("says why references were not checked: no credentials, or a stop", () => {
    const fork = renderSummary(report({ checked: false }));
    expect(fork).toContain("(pull requests from forks get no secrets)");
    expect(fork).toContain(
      "- References checked against Cakewalk: no, no Cakewalk credentials",
    );

    const stopped = renderSummary(
      report({
        checked: false,
        credentials: true,
        failure: { reason: "api-error", message: "Cakewalk is down" },
      }),
    );
    expect(stopped).toContain(
      "Ids, emails and names were not checked against Cakewalk: the run " +
        "stopped before that (see the failure above).",
    );
    expect(stopped).toContain(
      "- References checked against Cakewalk: no, the run stopped before " +
        "checking them",
    );
    expect(stopped).not.toMatch(/credentials|forks/);

    const checked = renderSummary(report());
    expect(checked).toContain("- References checked against Cakewalk: yes");

    const nothingToCheck = renderSummary(
      report({ checked: false, credentials: true, entries: [] }),
    );
    expect(nothingToCheck).not.toMatch(/were not checked|stopped/);
  });

  it("shows a dash, not a link to line 0, where drift found an access only in Cakewalk", () => {
    const summary = renderSummary(
      report({
        mode: "drift",
        entries: [entry("unmanaged", { user: "Bo", file: "", line: 0 })],
      }),
    );
    const row = tableRows(summary).find((line) => line.includes("| Bo"));
    expect(cells(row!)[5]).toBe("—");
    expect(summary).not.toContain("#L0");
    expect(summary).not.toContain("[:0]");
  });

  it("names drift findings as what Cakewalk lacks or has extra", () => {
    const summary = renderSummary(
      report({
        mode: "drift",
        entries: [
          entry("grant", { user: "Ana" }),
          entry("unmanaged", { user: "Bo" }),
        ],
      }),
    );
    expect(summary).toContain("## Cakewalk access drift for `access.yaml`");
    expect(entryRows(summary).map((row) => cells(row)[1])).toEqual([
      "Missing in Cakewalk",
      "In Cakewalk, not in the manifest",
    ]);
  });

  it("keeps 5,000 entries whole, under 1 MiB", () => {
    const entries = Array.from({ length: 5000 }, (_, index) =>
      entry("grant", { user: `User ${index}`, reason: "Team onboarding" }),
    );
    const summary = renderSummary(report({ entries }));
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    expect(entryRows(summary)).toHaveLength(5000);
    expect(summary).not.toContain("left out");
  });

  it("cuts whole rows with a note when even the summary would be too big", () => {
    const reason = "Long reason é ".repeat(40);
    const entries = Array.from({ length: 5000 }, (_, index) =>
      entry("granted", { user: `User ${index}`, reason }),
    );
    const summary = renderSummary(report({ mode: "apply", entries }));
    expect(bytes(summary)).toBeLessThan(SUMMARY_LIMIT);
    const rows = entryRows(summary);
    expect(rows.length).toBeGreaterThan(1000);
    for (const row of rows) expect(cells(row)).toHaveLength(6);
    expect(summary).toContain(
      `${5000 - rows.length} rows were left out to stay under GitHub's 1 MiB ` +
        "limit for job summaries.",
    );
  });
});
