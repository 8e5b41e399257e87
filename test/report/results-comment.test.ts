import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model.js";
import { commentSize } from "../../src/report/fit.js";
import { renderResultsComment } from "../../src/report/results-comment.js";
import { cells, entry, entryRows, report, tableRows } from "./factory.js";

function applied(overrides: Partial<Report> = {}): Report {
  return report({
    mode: "apply",
    appliedSha: "d".repeat(40),
    entries: [
      entry("granted", { app: "Slack", user: "Ana" }),
      entry("level-changed", {
        app: "Slack",
        user: "Bo",
        level: "Admin",
        previousLevel: "Member",
      }),
      entry("in-place", { app: "Slack", user: "Cy" }),
      entry("failed", {
        app: "Figma",
        user: "Di",
        error: {
          status: 422,
          title: "Validation failed",
          detail: "User <Di> is @offboarding",
        },
      }),
      entry("not-posted", { app: "Zoom", user: "Ed" }),
      entry("removal", { app: "Zoom", user: "Fay" }),
    ],
    ...overrides,
  });
}

describe("renderResultsComment", () => {
  it("counts what was granted, changed, skipped, failed, not posted and not revoked", () => {
    const body = renderResultsComment(applied(), { pullRequest: 7 });
    const [header, , counts] = tableRows(body);
    expect(cells(header!)).toEqual([
      "Granted",
      "Level changed",
      "Skipped: already in place",
      "Failed",
      "Not posted",
      "Removed, not revoked",
    ]);
    expect(cells(counts!)).toEqual(["1", "1", "1", "1", "1", "1"]);
  });

  it("names the pull request, the commit compared with, and where the ref is", () => {
    const body = renderResultsComment(applied(), { pullRequest: 7 });
    expect(body).toContain(
      "Applied commit `aaaaaaa`, compared with `bbbbbbb`, after the merge " +
        "of pull request #7. The applied commit stays `ddddddd`.",
    );
    const moved = renderResultsComment(
      { ...applied(), appliedSha: "a".repeat(40) },
      { pullRequest: 7 },
    );
    expect(moved).toContain("#7. It is now the applied commit.");
  });

  it("lists failures first, with what Cakewalk said, escaped", () => {
    const body = renderResultsComment(applied(), { pullRequest: 7 });
    const statuses = entryRows(body).map((row) => cells(row)[0]);
    expect(statuses).toEqual([
      "Failed: Validation failed: User &lt;Di&gt; is @\u200doffboarding (HTTP 422)",
      "Granted",
      "Level changed",
      "Already in place",
      "Not posted: the run stopped (see the failure)",
      "Removed from the manifest: not revoked by this action",
    ]);
  });

  it("states the failure of the run", () => {
    const body = renderResultsComment(
      applied({ failure: { reason: "partial", message: "1 access failed" } }),
      { pullRequest: 7 },
    );
    expect(body).toContain(
      "> [!CAUTION]\n> The apply did not finish (`partial`): 1 access failed",
    );
  });

  it("says the run stopped before computing accesses, rather than that there were none", () => {
    const body = renderResultsComment(
      applied({
        entries: [],
        failure: { reason: "unauthorized", message: "Cakewalk said 401" },
      }),
      { pullRequest: 7 },
    );
    expect(body).not.toContain("No accesses to apply");
    expect(body).toContain(
      "The run stopped before the accesses were computed (see the failure " +
        "above), so none are listed.",
    );
    expect(body).toContain(
      "> The apply did not finish (`unauthorized`): Cakewalk said 401",
    );
  });

  it("still says there was nothing to apply when the run failed only after an empty change", () => {
    const body = renderResultsComment(
      applied({
        entries: [],
        failure: { reason: "state-conflict", message: "The ref moved" },
      }),
      { pullRequest: 7 },
    );
    expect(body).toContain("No accesses to apply.");
    expect(body).not.toContain("stopped before the accesses");
  });

  it("labels entries not posted in words true for a stop and for a refused batch", () => {
    const body = renderResultsComment(
      applied({
        entries: [entry("not-posted", { user: "Ed" })],
        failure: { reason: "unauthorized", message: "Cakewalk said 403" },
      }),
      { pullRequest: 7 },
    );
    expect(cells(entryRows(body)[0]!)[0]).toBe(
      "Not posted: the run stopped (see the failure)",
    );
    expect(body).not.toContain("before posting");
  });

  describe("comparing with the reviewed plan", () => {
    it("says when the applied change matches the plan", () => {
      const body = renderResultsComment(applied(), {
        pullRequest: 7,
        hashCheck: "match",
      });
      expect(body).toContain(
        "The applied change matches the plan reviewed on this pull request",
      );
      expect(body).not.toContain("[!WARNING]");
    });

    it("warns when the applied change differs from the plan", () => {
      const body = renderResultsComment(applied(), {
        pullRequest: 7,
        hashCheck: "mismatch",
      });
      expect(body).toContain(
        "> [!WARNING]\n> The applied change differs from the plan that was " +
          "reviewed on this pull request",
      );
    });

    it("warns when no plan comment was found", () => {
      const body = renderResultsComment(applied(), {
        pullRequest: 7,
        hashCheck: "no-plan",
      });
      expect(body).toContain(
        "> [!WARNING]\n> No plan comment was found on this pull request",
      );
    });

    it("shows the pull request's own planned and applied hashes, not the run's", () => {
      const report = { ...applied(), planHash: "f".repeat(64) };
      const match = renderResultsComment(report, {
        pullRequest: 7,
        hashCheck: "match",
        plannedHash: "a".repeat(64),
        appliedHash: "a".repeat(64),
      });
      expect(match).toContain(`(plan hash \`${"a".repeat(64)}\`)`);
      expect(match).not.toContain("f".repeat(64));
      const mismatch = renderResultsComment(report, {
        pullRequest: 7,
        hashCheck: "mismatch",
        plannedHash: "a".repeat(64),
        appliedHash: "b".repeat(64),
      });
      expect(mismatch).toContain(
        `(planned \`${"a".repeat(64)}\`, applied \`${"b".repeat(64)}\`)`,
      );
    });

    it("says nothing about plans for other pull requests in the range", () => {
      const body = renderResultsComment(applied(), { pullRequest: 6 });
      expect(body).not.toMatch(/plan comment|matches the plan/);
    });
  });

  it("says a dry run posted nothing, and counts what it would do", () => {
    const body = renderResultsComment(
      report({
        mode: "apply",
        dryRun: true,
        entries: [entry("grant"), entry("removal", { user: "Old" })],
      }),
      { pullRequest: 7 },
    );
    expect(body).toContain("### Cakewalk access dry run for `access.yaml`");
    expect(body).toContain(
      "Dry run: nothing was posted to Cakewalk and the applied commit was " +
        "not moved.",
    );
    expect(cells(tableRows(body)[2]!)).toEqual(["1", "0", "0", "1"]);
    expect(entryRows(body).map((row) => cells(row)[0])).toEqual([
      "Would be granted",
      "Removed from the manifest: not revoked by this action",
    ]);
  });

  it("stays under the comment limit, keeping failures", () => {
    const entries = Array.from({ length: 5000 }, (_, index) =>
      entry(index === 4999 ? "failed" : "granted", {
        user: `User ${index}`,
        error: index === 4999 ? { title: "Rejected" } : undefined,
      }),
    );
    const body = renderResultsComment(applied({ entries }), {
      pullRequest: 7,
    });
    expect(commentSize(body)).toBeLessThanOrEqual(65_536);
    expect(body).toContain("| Failed: Rejected | User 4999");
    expect(body).toMatch(/\d+ rows were left out/);
  });
});
