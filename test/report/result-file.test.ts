import { describe, expect, it } from "vitest";
import { resultFileText, resultJson } from "../../src/report/result-file.js";
import { entry, problem, report } from "./factory.js";

describe("resultJson", () => {
  const applied = report({
    mode: "apply",
    appliedSha: "d".repeat(40),
    entries: [
      entry("level-changed", {
        app: "Slack",
        user: "Bo",
        level: "Admin",
        privileged: true,
        previousLevel: "Member",
        reason: "On call",
      }),
      entry("failed", {
        app: "Figma",
        user: "Ana",
        level: null,
        error: { status: 400, title: "Bad request" },
      }),
    ],
    problems: [problem("warning", "User is offboarding", 3)],
    failure: { reason: "partial", message: "1 access failed" },
  });

  it("has every entry with ids, names, status, error and location", () => {
    const json = resultJson(applied);
    expect(json.entries[0]).toEqual({
      status: "failed",
      app: { id: "id-Figma", name: "Figma" },
      user: { id: "id-ana@example.com", name: "Ana", email: "ana@example.com" },
      permissionLevel: null,
      previousPermissionLevel: null,
      resolved: true,
      reason: null,
      error: { status: 400, title: "Bad request", detail: null },
      location: { file: "access.yaml", line: 10, column: 7 },
      written: { app: "Figma", user: "ana@example.com", permissionLevel: null },
    });
    expect(json.entries[1]).toMatchObject({
      status: "level-changed",
      permissionLevel: { id: "id-Admin", name: "Admin", privileged: true },
      previousPermissionLevel: { id: null, name: "Member", privileged: null },
      reason: "On call",
      error: null,
    });
  });

  it("has the run's counts, failure, commits, plan hash and problems", () => {
    const json = resultJson(applied);
    expect(json).toMatchObject({
      version: 1,
      mode: "apply",
      dryRun: false,
      scope: "diff",
      manifest: "access.yaml",
      checked: true,
      baseSha: "b".repeat(40),
      headSha: "a".repeat(40),
      appliedSha: "d".repeat(40),
      planHash: "c".repeat(64),
      counts: { granted: 1, failed: 1, skipped: 0, removed: 0 },
      failure: { reason: "partial", message: "1 access failed" },
      notes: [],
      problems: [
        {
          severity: "warning",
          message: "User is offboarding",
          file: "access.yaml",
          line: 3,
          column: 3,
        },
      ],
    });
  });

  it("writes null, never leaves a key out, for what a plan does not know", () => {
    const json = resultJson(
      report({ baseSha: undefined, planHash: undefined }),
    );
    expect(json.baseSha).toBeNull();
    expect(json.appliedSha).toBeNull();
    expect(json.planHash).toBeNull();
    expect(json.failure).toBeNull();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("is the same text whatever the order of entries and problems", () => {
    const reordered = {
      ...applied,
      entries: [...applied.entries].reverse(),
      problems: [problem("error", "B", 9), problem("error", "A", 1)],
    };
    const ordered = {
      ...applied,
      problems: [problem("error", "A", 1), problem("error", "B", 9)],
    };
    expect(resultFileText(reordered)).toBe(resultFileText(ordered));
    expect(resultFileText(ordered).endsWith("}\n")).toBe(true);
  });
});
