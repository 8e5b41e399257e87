import { describe, expect, it } from "vitest";
import { applyRefusal, chooseMode } from "../../src/event.js";

const auto = { mode: "auto" as const };

describe("chooseMode with mode auto", () => {
  it.each([
    ["pull_request", "refs/pull/3/merge", "plan"],
    ["pull_request_target", "refs/heads/main", "plan"],
    ["merge_group", "refs/heads/gh-readonly-queue/main/pr-3", "plan"],
    ["push", "refs/heads/main", "apply"],
    ["push", "refs/heads/feature", "plan"],
    ["workflow_dispatch", "refs/heads/main", "apply"],
    ["workflow_dispatch", "refs/heads/feature", "plan"],
    ["schedule", "refs/heads/main", "drift"],
  ])(
    "plans, applies or checks drift for %s on %s: %s",
    (eventName, ref, mode) => {
      expect(chooseMode(auto, { eventName, ref }, "main")).toBe(mode);
    },
  );

  it("keeps an explicit mode", () => {
    expect(
      chooseMode(
        { mode: "apply" },
        { eventName: "pull_request", ref: "x" },
        "main",
      ),
    ).toBe("apply");
  });
});

describe("applyRefusal", () => {
  it("refuses pull request and merge queue events, naming the event", () => {
    for (const eventName of [
      "pull_request",
      "pull_request_target",
      "merge_group",
    ]) {
      expect(
        applyRefusal({ eventName, ref: "refs/heads/main" }, "main"),
      ).toMatch(new RegExp(`refused on ${eventName}`));
    }
  });

  it("refuses refs other than the default branch and allows it", () => {
    expect(
      applyRefusal({ eventName: "push", ref: "refs/heads/dev" }, "main"),
    ).toMatch(/refused on "refs\/heads\/dev".*refs\/heads\/main/);
    expect(
      applyRefusal({ eventName: "push", ref: "refs/heads/main" }, "main"),
    ).toBeUndefined();
  });
});
