import { afterEach, describe, expect, it } from "vitest";
import { RequestPacer } from "../../src/cakewalk/pacer.js";
import {
  formatDuration,
  parseRetryAfter,
  WaitBudgetError,
} from "../../src/cakewalk/waiting.js";
import { ActionError } from "../../src/errors.js";
import { type CakewalkStandIn, readOnlyKey } from "../../stand-ins/cakewalk.js";
import { clientFor, standInWithUsers } from "./stand-in-setup.js";

let standIn: CakewalkStandIn;

afterEach(async () => {
  await standIn.close();
});

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

describe("a throttled read", () => {
  it("waits out a 429 in the middle of paging and returns the full list", async () => {
    standIn = await standInWithUsers(250);
    standIn.failNext({
      method: "GET",
      path: "cursor=",
      status: 429,
      retryAfter: 1,
    });
    const { client, log } = clientFor(standIn, { maxRetryAfterMs: 30 });

    const users = await client.listUsers();

    expect(users).toHaveLength(250);
    expect(standIn.requestsTo("GET", "/Users").map((r) => r.answer)).toEqual([
      200, 429, 200, 200,
    ]);
    expect(log.lines).toContain(
      "info: Cakewalk answered 429 to GET /api/v1/OpenApiBFF/Users; waiting 30 ms, " +
        "the most one wait may take, though Retry-After asks 1 s (try 2 of 5).",
    );
  });

  it("waits as long as Retry-After asks when that is under the cap", async () => {
    standIn = await standInWithUsers(1);
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 429,
      retryAfter: 0,
    });
    const { client, log } = clientFor(standIn);

    expect(await client.listUsers()).toHaveLength(1);
    expect(log.lines).toContain(
      "info: Cakewalk answered 429 to GET /api/v1/Users; waiting 0 ms as Retry-After asks (try 2 of 5).",
    );
  });

  it("reads Retry-After given as an HTTP date", async () => {
    standIn = await standInWithUsers(1);
    const inThreeSeconds = new Date(Date.now() + 3000).toUTCString();
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 429,
      retryAfter: inThreeSeconds,
    });
    const { client, log } = clientFor(standIn, { maxRetryAfterMs: 40 });

    const started = Date.now();
    expect(await client.listUsers()).toHaveLength(1);

    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(
      log.lines.some((line) =>
        /waiting 40 ms, .* Retry-After asks [23](\.\d)? s/.test(line),
      ),
    ).toBe(true);
  });

  it("never turns a throttled lookup into not found", async () => {
    standIn = await standInWithUsers(0);
    const app = standIn.addWorkApp({ name: "Figma" });
    standIn.failNext({
      method: "GET",
      path: "/WorkApps/",
      status: 429,
      retryAfter: 0,
      times: 5,
    });
    const { client } = clientFor(standIn);

    const error = await failure(client.getWorkApp(app.id));

    expect(error.reason).toBe("api-error");
    expect(error.message).toContain("after 5 tries (last: HTTP 429)");
  });
});

describe("a failing read", () => {
  it("retries a 500 and then succeeds", async () => {
    standIn = await standInWithUsers(3);
    standIn.failNext({ method: "GET", path: "/Users", status: 500 });
    const { client, log } = clientFor(standIn);

    expect(await client.listUsers()).toHaveLength(3);
    expect(standIn.requestsTo("GET", "/Users").map((r) => r.answer)).toEqual([
      500, 200,
    ]);
    expect(
      log.lines.some((line) =>
        line.startsWith(
          "info: Cakewalk answered HTTP 500 to GET /api/v1/Users; trying again in",
        ),
      ),
    ).toBe(true);
  });

  it("retries after a reset connection and then succeeds", async () => {
    standIn = await standInWithUsers(3);
    standIn.failNext({ method: "GET", path: "/Users", reset: true });
    const { client, log } = clientFor(standIn);

    expect(await client.listUsers()).toHaveLength(3);
    expect(standIn.requestsTo("GET", "/Users").map((r) => r.answer)).toEqual([
      "reset",
      200,
    ]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^info: No answer from Cakewalk \(connection closed: \w+\) for GET \/api\/v1\/Users; trying again in \d+ ms \(try 2 of 5\)\.$/,
      ),
    );
  });

  it("retries an answer slower than the request timeout", async () => {
    standIn = await standInWithUsers(3);
    standIn.failNext({ method: "GET", path: "/Users", delayMs: 2000 });
    const { client, log } = clientFor(standIn, { requestTimeoutMs: 300 });

    expect(await client.listUsers()).toHaveLength(3);
    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(2);
    expect(
      log.lines.some((line) =>
        line.startsWith(
          "info: No answer from Cakewalk (timed out after 300 ms) for GET /api/v1/Users; trying again in",
        ),
      ),
    ).toBe(true);
  });

  it("gives up with api-error after 5 failed tries", async () => {
    standIn = await standInWithUsers(3);
    standIn.failNext({ method: "GET", path: "/Users", status: 503, times: 5 });
    const { client } = clientFor(standIn);

    const error = await failure(client.listUsers());

    expect(error.reason).toBe("api-error");
    expect(error.message).toBe(
      "Cakewalk did not answer GET /api/v1/Users after 5 tries (last: HTTP 503). " +
        "Cakewalk may be down or overloaded; re-run the workflow later.",
    );
    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(5);
  });

  it("stops when the run's waiting budget is spent", async () => {
    standIn = await standInWithUsers(3);
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 429,
      retryAfter: 1,
      times: 5,
    });
    const { client } = clientFor(standIn, {
      maxRetryAfterMs: 40,
      maxTotalWaitMs: 100,
    });

    const error = await failure(client.listUsers());

    expect(error).toBeInstanceOf(WaitBudgetError);
    expect(error.reason).toBe("api-error");
    expect(error.message).toMatch(
      /^Gave up on Cakewalk: waiting 40 ms more .* past 100 ms \(80 ms so far\)/,
    );
    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(3);
  });

  it("quotes Cakewalk's title and detail for another 4xx, without retrying", async () => {
    standIn = await standInWithUsers(0);
    standIn.failNext({
      method: "GET",
      path: "/Accesses",
      status: 400,
      body: {
        title: "Bad Request",
        status: 400,
        detail: "The cursor is not valid.",
      },
    });
    const { client } = clientFor(standIn);
    const app = standIn.addWorkApp({ name: "Figma" });

    const error = await failure(client.listAccesses(app.id));

    expect(error.reason).toBe("api-error");
    expect(error.message).toContain(
      `HTTP 400 to GET /api/v1/WorkApps/${app.id}/Accesses: "Bad Request": The cursor is not valid.`,
    );
    expect(standIn.requestsTo("GET", "/Accesses")).toHaveLength(1);
  });
});

describe("a refused key", () => {
  it("stops at once on 401 and names the key problem", async () => {
    standIn = await standInWithUsers(1);
    const { client } = clientFor(standIn, {
      key: { key: "wrong", secret: "wrong", access: "read-write" },
    });

    const error = await failure(client.listUsers());

    expect(error.reason).toBe("unauthorized");
    expect(error.message).toMatch(
      /^Cakewalk refused the API key: check api-key and api-secret\./,
    );
    expect(error.message).not.toContain("wrong");
    expect(standIn.requests).toHaveLength(1);
  });

  it("stops at once on 403 for a read-only key posting", async () => {
    standIn = await standInWithUsers(1);
    const app = standIn.addWorkApp({ name: "Slack" });
    const user = [...standIn.state.users.values()][0]!;
    const { client } = clientFor(standIn, { key: readOnlyKey });

    const error = await failure(
      client.postAccesses([
        { workAppId: app.id, userId: user.id, permissionLevelId: null },
      ]),
    );

    expect(error.reason).toBe("unauthorized");
    expect(error.message).toContain(
      "the key is read-only: apply needs a read-and-write key",
    );
    expect(error.message).toContain(
      "This API key is read-only and cannot perform write operations.",
    );
    expect(standIn.accessesOf(app.id)).toEqual([]);
    expect(standIn.requests).toHaveLength(1);
  });

  it("stops at once on 403 for a read", async () => {
    standIn = await standInWithUsers(1);
    standIn.failNext({ method: "GET", status: 403 });
    const { client } = clientFor(standIn);

    const error = await failure(client.listWorkApps());

    expect(error.reason).toBe("unauthorized");
    expect(error.message).toContain("403 Forbidden to GET /api/v1/WorkApps");
    expect(standIn.requests).toHaveLength(1);
  });
});

describe("posting a batch", () => {
  it("waits out a 429 and posts again, since the batch was not processed", async () => {
    standIn = await standInWithUsers(1);
    const app = standIn.addWorkApp({ name: "Slack" });
    const user = [...standIn.state.users.values()][0]!;
    standIn.failNext({ method: "POST", status: 429, retryAfter: 0 });
    const { client } = clientFor(standIn);

    const outcome = await client.postAccesses([
      { workAppId: app.id, userId: user.id, permissionLevelId: null },
    ]);

    expect(outcome).toEqual({ kind: "accepted", status: 200 });
    expect(
      standIn.requestsTo("POST", "/Accesses").map((r) => r.answer),
    ).toEqual([429, 200]);
    expect(standIn.accessesOf(app.id)).toEqual([
      { userId: user.id, permissionLevelId: null },
    ]);
  });

  it("reports a 500, a reset and a timeout as unknown without posting again", async () => {
    standIn = await standInWithUsers(1);
    const app = standIn.addWorkApp({ name: "Slack" });
    const user = [...standIn.state.users.values()][0]!;
    const grant = {
      workAppId: app.id,
      userId: user.id,
      permissionLevelId: null,
    };
    standIn.failNext({ method: "POST", status: 500 });
    standIn.failNext({ method: "POST", reset: true });
    standIn.failNext({ method: "POST", delayMs: 2000 });
    const { client } = clientFor(standIn, { requestTimeoutMs: 300 });

    const outcomes = [
      await client.postAccesses([grant]),
      await client.postAccesses([grant]),
      await client.postAccesses([grant]),
    ];

    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      "unknown",
      "unknown",
      "unknown",
    ]);
    expect(outcomes[0]).toEqual({
      kind: "unknown",
      reason: `HTTP 500 ("Injected fault": The stand-in was told to fail this request.)`,
    });
    expect(outcomes[2]).toEqual({
      kind: "unknown",
      reason: "timed out after 300 ms",
    });
    expect(standIn.requestsTo("POST", "/Accesses")).toHaveLength(3);
  });
});

describe("waiting and pacing", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("formats waits in plain units", () => {
    expect(formatDuration(250)).toBe("250 ms");
    expect(formatDuration(3000)).toBe("3 s");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(600_000)).toBe("10 min");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });

  it("lets a burst through and then holds requests to the limit per window", async () => {
    const pacer = new RequestPacer(3, 200);
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        await pacer.take();
        times.push(Date.now() - started);
      }),
    );
    times.sort((a, b) => a - b);
    expect(times.slice(0, 3).every((time) => time < 100)).toBe(true);
    expect(times[3]).toBeGreaterThanOrEqual(195);
    expect(times[4]).toBeGreaterThanOrEqual(195);
  });
});
