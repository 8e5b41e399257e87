import { describe, expect, it } from "vitest";
import type { EntryStatus } from "../../src/model.js";
import { countOutcomes } from "../../src/report/counts.js";
import { entry, report } from "./factory.js";

function entries(statuses: EntryStatus[]) {
  return statuses.map((status, index) =>
    entry(status, { user: `User ${index}` }),
  );
}

describe("countOutcomes", () => {
  it("counts what an apply would do in a plan, with no failures", () => {
    const counts = countOutcomes(
      report({
        mode: "plan",
        entries: entries([
          "grant",
          "grant",
          "level-change",
          "removal",
          "in-place",
          "in-place",
          "in-place",
        ]),
      }),
    );
    expect(counts).toEqual({ granted: 3, failed: 0, skipped: 3, removed: 1 });
  });

  it("counts a dry run like a plan", () => {
    const counts = countOutcomes(
      report({
        mode: "apply",
        dryRun: true,
        entries: entries(["grant", "level-change", "removal"]),
      }),
    );
    expect(counts).toEqual({ granted: 2, failed: 0, skipped: 0, removed: 1 });
  });

  it("counts what drift found missing in Cakewalk, not what it has extra", () => {
    const counts = countOutcomes(
      report({
        mode: "drift",
        entries: entries(["grant", "unmanaged", "unmanaged", "in-place"]),
      }),
    );
    expect(counts).toEqual({ granted: 1, failed: 0, skipped: 1, removed: 0 });
  });

  it("counts what happened in an apply, with entries not posted as failed", () => {
    const counts = countOutcomes(
      report({
        mode: "apply",
        entries: entries([
          "granted",
          "granted",
          "level-changed",
          "failed",
          "not-posted",
          "not-posted",
          "in-place",
          "removal",
        ]),
      }),
    );
    expect(counts).toEqual({ granted: 3, failed: 3, skipped: 1, removed: 1 });
  });
});
