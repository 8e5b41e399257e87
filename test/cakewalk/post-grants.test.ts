import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { postGrants } from "../../src/cakewalk/post-grants.js";
import { WaitBudgetError } from "../../src/cakewalk/waiting.js";
import { recordingLog } from "../../src/log.js";
import type { AccessGrant } from "../../src/model.js";
import {
  type CakewalkStandIn,
  readOnlyKey,
  type StandInUser,
  type StandInWorkApp,
} from "../../stand-ins/cakewalk.js";
import { clientFor, standInWithUsers } from "./stand-in-setup.js";

let standIn: CakewalkStandIn;
let users: StandInUser[];
let figma: StandInWorkApp;
let slack: StandInWorkApp;

beforeEach(async () => {
  standIn = await standInWithUsers(12);
  users = [...standIn.state.users.values()];
  figma = standIn.addWorkApp({
    name: "Figma",
    levels: [{ name: "Viewer" }, { name: "Editor" }],
  });
  slack = standIn.addWorkApp({ name: "Slack" });
});

afterEach(async () => {
  await standIn.close();
});

/** Grants of Figma's Viewer level to the first `count` users. */
function figmaGrants(count: number): AccessGrant[] {
  return users.slice(0, count).map((user) => ({
    workAppId: figma.id,
    userId: user.id,
    permissionLevelId: figma.levels[0]!.id,
  }));
}

function posts(): number {
  return standIn.requestsTo("POST", "/WorkApps/Accesses").length;
}

const fast = { backoffBaseMs: 1 };

describe("posting grants in batches", () => {
  it("posts every batch, keeps the input order and logs each batch", async () => {
    const grants = [
      ...figmaGrants(6),
      ...users.slice(6, 10).map((user) => ({
        workAppId: slack.id,
        userId: user.id,
        permissionLevelId: null,
      })),
    ];
    const { client } = clientFor(standIn);
    const log = recordingLog();

    const result = await postGrants(client, grants, {
      batchSize: 4,
      log,
      ...fast,
    });

    expect(result.stoppedBy).toBeUndefined();
    expect(result.entries.map((entry) => entry.grant)).toEqual(grants);
    expect(result.entries.every((entry) => entry.outcome === "posted")).toBe(
      true,
    );
    expect(posts()).toBe(3);
    expect(standIn.accessesOf(figma.id)).toHaveLength(6);
    expect(standIn.accessesOf(slack.id)).toHaveLength(4);
    expect(log.lines).toContain("info: Batch 2 of 3: 4 accesses posted.");
    expect(log.lines).toContain("info: Batch 3 of 3: 2 accesses posted.");
  });

  it("isolates one bad entry among ten: nine posted, one failed with Cakewalk's words", async () => {
    const grants = figmaGrants(10);
    // A level of another work app: Cakewalk rejects the whole batch for it.
    grants[6] = {
      ...grants[6]!,
      permissionLevelId: "00000000-0000-4000-8000-000000000000",
    };
    const { client } = clientFor(standIn);
    const log = recordingLog();

    const result = await postGrants(client, grants, {
      batchSize: 10,
      log,
      ...fast,
    });

    const failed = result.entries.filter((entry) => entry.outcome === "failed");
    expect(failed).toEqual([
      {
        grant: grants[6],
        outcome: "failed",
        error: {
          status: 400,
          title: "One or more validation errors occurred.",
          detail:
            "data[0]: no permission level with id 00000000-0000-4000-8000-000000000000.",
        },
      },
    ]);
    expect(
      result.entries.filter((entry) => entry.outcome === "posted"),
    ).toHaveLength(9);
    expect(standIn.accessesOf(figma.id)).toHaveLength(9);
    // Halving finds one bad entry in at most 1 + 2 * ceil(log2(10)) posts.
    console.info(`Isolating 1 bad entry among 10 took ${posts()} POSTs.`);
    expect(posts()).toBeLessThanOrEqual(9);
    expect(log.lines).toContain(
      "info: Batch 1 of 1: 9 accesses posted, 1 failed.",
    );
  });

  it("counts one access in the singular", async () => {
    const { client } = clientFor(standIn);
    const log = recordingLog();

    await postGrants(client, figmaGrants(1), { batchSize: 10, log, ...fast });

    expect(log.lines).toContain("info: Batch 1 of 1: 1 access posted.");
  });

  it("changes the level of an access that exists at another level", async () => {
    const [ana] = users;
    standIn.setAccess(figma.id, ana!.id, figma.levels[0]!.id);
    const { client } = clientFor(standIn);

    const result = await postGrants(
      client,
      [
        {
          workAppId: figma.id,
          userId: ana!.id,
          permissionLevelId: figma.levels[1]!.id,
        },
      ],
      { batchSize: 100, log: recordingLog(), ...fast },
    );

    expect(result.entries[0]?.outcome).toBe("posted");
    expect(standIn.accessesOf(figma.id)).toEqual([
      { userId: ana!.id, permissionLevelId: figma.levels[1]!.id },
    ]);
  });
});

describe("a post whose outcome is unknown", () => {
  it("reads back after a 500 that came after applying, and does not post again", async () => {
    const grants = [
      ...figmaGrants(3),
      { workAppId: slack.id, userId: users[5]!.id, permissionLevelId: null },
    ];
    standIn.failNext({ method: "POST", status: 500, afterApplying: true });
    const { client } = clientFor(standIn);
    const log = recordingLog();

    const result = await postGrants(client, grants, {
      batchSize: 10,
      log,
      ...fast,
    });

    expect(result.entries.map((entry) => entry.outcome)).toEqual([
      "posted",
      "posted",
      "posted",
      "posted",
    ]);
    expect(posts()).toBe(1);
    // Both apps of the batch were read again.
    expect(
      standIn.requestsTo("GET", `/WorkApps/${figma.id}/Accesses`),
    ).toHaveLength(1);
    expect(
      standIn.requestsTo("GET", `/WorkApps/${slack.id}/Accesses`),
    ).toHaveLength(1);
    expect(
      log.lines.some((line) =>
        line.includes(
          "The outcome of a post of 4 accesses is unknown " +
            `(HTTP 500 ("Injected fault": The stand-in was told to fail this request.)); ` +
            "reading back shows 4 in place, 0 to post again.",
        ),
      ),
    ).toBe(true);
  });

  it("does not post again after a connection reset that came after applying", async () => {
    standIn.failNext({ method: "POST", reset: true, afterApplying: true });
    const { client } = clientFor(standIn);

    const result = await postGrants(client, figmaGrants(2), {
      batchSize: 10,
      log: recordingLog(),
      ...fast,
    });

    expect(result.entries.map((entry) => entry.outcome)).toEqual([
      "posted",
      "posted",
    ]);
    expect(posts()).toBe(1);
    expect(standIn.accessesOf(figma.id)).toHaveLength(2);
  });

  it("posts again, once, after a 500 that came before applying", async () => {
    const grants = figmaGrants(3);
    standIn.failNext({ method: "POST", status: 500 });
    const { client } = clientFor(standIn);

    const result = await postGrants(client, grants, {
      batchSize: 10,
      log: recordingLog(),
      ...fast,
    });

    expect(result.entries.every((entry) => entry.outcome === "posted")).toBe(
      true,
    );
    expect(
      standIn.requestsTo("POST", "/WorkApps/Accesses").map((r) => r.answer),
    ).toEqual([500, 200]);
    expect(standIn.accessesOf(figma.id)).toHaveLength(3);
  });

  it("posts again only what a read-back does not show, after a reset", async () => {
    const grants = figmaGrants(4);
    // Cakewalk already holds two of them: only the other two go again.
    standIn.setAccess(figma.id, users[0]!.id, figma.levels[0]!.id);
    standIn.setAccess(figma.id, users[1]!.id, figma.levels[0]!.id);
    standIn.failNext({ method: "POST", reset: true });
    const { client } = clientFor(standIn);

    const result = await postGrants(client, grants, {
      batchSize: 10,
      log: recordingLog(),
      ...fast,
    });

    expect(result.entries.every((entry) => entry.outcome === "posted")).toBe(
      true,
    );
    const second = standIn.requestsTo("POST", "/WorkApps/Accesses")[1];
    expect(
      (second?.body as { data: AccessGrant[] }).data.map((item) => item.userId),
    ).toEqual([users[2]!.id, users[3]!.id]);
  });

  it("fails the entries when the outcome stays unknown for every try", async () => {
    const grants = figmaGrants(2);
    standIn.failNext({ method: "POST", status: 503, times: 3 });
    const { client } = clientFor(standIn);

    const result = await postGrants(client, grants, {
      batchSize: 10,
      log: recordingLog(),
      maxTries: 3,
      ...fast,
    });

    expect(posts()).toBe(3);
    expect(result.entries.map((entry) => entry.outcome)).toEqual([
      "failed",
      "failed",
    ]);
    expect(result.entries[0]?.error?.detail).toMatch(
      /^The outcome stayed unknown after 3 posts \(last: HTTP 503.*\), and Cakewalk does not show this access\./,
    );
    expect(result.stoppedBy).toBeUndefined();
  });
});

describe("a run that must stop", () => {
  it("stops on a read-only key: nothing posted, stopped by unauthorized", async () => {
    const grants = figmaGrants(10);
    const { client } = clientFor(standIn, { key: readOnlyKey });

    const result = await postGrants(client, grants, {
      batchSize: 2,
      concurrency: 3,
      log: recordingLog(),
      ...fast,
    });

    expect(
      result.entries.every((entry) => entry.outcome === "not-posted"),
    ).toBe(true);
    expect(result.stoppedBy?.reason).toBe("unauthorized");
    expect(result.stoppedBy?.message).toContain(
      "apply needs a read-and-write key",
    );
    // Only the batches already in flight reached Cakewalk.
    expect(posts()).toBeLessThanOrEqual(3);
    expect(standIn.accessesOf(figma.id)).toEqual([]);
  });

  it("logs a batch refused with 403 as not posted, naming the refused key", async () => {
    const { client } = clientFor(standIn, { key: readOnlyKey });
    const log = recordingLog();

    await postGrants(client, figmaGrants(1), { batchSize: 10, log, ...fast });

    expect(log.lines).toContain(
      "info: Batch 1 of 1: Cakewalk refused the key; 1 access not posted.",
    );
    expect(log.lines.some((line) => line.includes("Posted"))).toBe(false);
  });

  it("stops when the run's waiting budget runs out, keeping what was posted", async () => {
    const grants = figmaGrants(4);
    standIn.failNext({ method: "POST", skip: 1, status: 503, times: 10 });
    const { client } = clientFor(standIn, { maxTotalWaitMs: 0 });
    const log = recordingLog();

    const result = await postGrants(client, grants, {
      batchSize: 2,
      concurrency: 1,
      log,
      backoffBaseMs: 50,
    });

    expect(result.entries.map((entry) => entry.outcome)).toEqual([
      "posted",
      "posted",
      "not-posted",
      "not-posted",
    ]);
    expect(result.stoppedBy).toBeInstanceOf(WaitBudgetError);
    expect(log.lines).toContain("info: Batch 1 of 2: 2 accesses posted.");
    expect(log.lines).toContain(
      "info: Batch 2 of 2: the run ran out of time to wait for Cakewalk; " +
        "2 accesses not posted.",
    );
  });
});
