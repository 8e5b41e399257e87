import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ApiKey,
  type CakewalkStandIn,
  readOnlyKey,
  readWriteKey,
  startCakewalk,
  type StandInWorkApp,
} from "../../stand-ins/cakewalk.js";
import { schemaProblems } from "./openapi-schemas.js";

let standIn: CakewalkStandIn;
let figma: StandInWorkApp;
let slack: StandInWorkApp;

beforeEach(async () => {
  standIn = await startCakewalk();
  figma = standIn.addWorkApp({
    name: "Figma",
    levels: [{ name: "Viewer" }, { name: "Editor" }],
  });
  slack = standIn.addWorkApp({ name: "Slack" });
});

afterEach(async () => {
  await standIn.close();
});

async function call(
  method: string,
  path: string,
  options: { body?: unknown; key?: ApiKey | null; raw?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const key = options.key === undefined ? readWriteKey : options.key;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
  };
  if (key) {
    headers["X-API-KEY"] = key.key;
    headers["X-API-SECRET"] = key.secret;
  }
  const response = await fetch(
    path.startsWith("http") ? path : standIn.url + path,
    {
      method,
      headers,
      body:
        options.raw ??
        (options.body === undefined ? undefined : JSON.stringify(options.body)),
    },
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function post(data: unknown[], extra: object = {}, key?: ApiKey) {
  return call("POST", "/api/v1/WorkApps/Accesses", {
    body: { data, ...extra },
    key,
  });
}

describe("the stand-in's POST /api/v1/WorkApps/Accesses", () => {
  it("applies a valid batch: creates accesses and changes a level", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });
    const lee = standIn.addUser({ email: "lee@example.com" });
    standIn.setAccess(figma.id, ana.id, figma.levels[0]!.id);
    const body = {
      data: [
        {
          workAppId: figma.id,
          userId: ana.id,
          permissionLevelId: figma.levels[1]!.id,
        },
        { workAppId: slack.id, userId: lee.id, permissionLevelId: null },
        { workAppId: slack.id, userId: ana.id },
      ],
    };
    expect(
      schemaProblems(
        body,
        "CreateWorkAppAccessRequestModelV1BulkRequestViewModel",
      ),
    ).toEqual([]);

    const answer = await call("POST", "/api/v1/WorkApps/Accesses", { body });

    expect(answer).toEqual({ status: 200, body: undefined });
    expect(standIn.accessesOf(figma.id)).toEqual([
      { userId: ana.id, permissionLevelId: figma.levels[1]!.id },
    ]);
    expect(standIn.accessesOf(slack.id)).toEqual([
      { userId: lee.id, permissionLevelId: null },
      { userId: ana.id, permissionLevelId: null },
    ]);
  });

  it("rejects the whole batch with 400 for an extra field in one item", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });
    const lee = standIn.addUser({ email: "lee@example.com" });

    const answer = await post([
      { workAppId: slack.id, userId: ana.id },
      { workAppId: slack.id, userId: lee.id, reason: "onboarding" },
    ]);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      title: "One or more validation errors occurred.",
      status: 400,
      detail: 'data[1]: unknown property "reason".',
    });
    expect(schemaProblems(answer.body, "ProblemDetails")).toEqual([]);
    expect(standIn.accessesOf(slack.id)).toEqual([]);
  });

  it("rejects an extra field next to data", async () => {
    const answer = await post([], { dryRun: true });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      detail: 'Unknown property "dryRun" in the request body.',
    });
  });

  it("rejects a missing level for an app that has levels", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });

    const answer = await post([{ workAppId: figma.id, userId: ana.id }]);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      detail:
        'data[0].permissionLevelId is required: work app "Figma" has permission levels.',
    });
    expect(standIn.accessesOf(figma.id)).toEqual([]);
  });

  it("rejects unknown ids, a level of another app and ids that are not UUIDs", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });
    const other = standIn.addWorkApp({
      name: "Jira",
      levels: [{ name: "User" }],
    });
    const unknown = "00000000-0000-4000-8000-000000000000";

    const answer = await post([
      { workAppId: unknown, userId: ana.id },
      { workAppId: slack.id, userId: unknown },
      {
        workAppId: figma.id,
        userId: ana.id,
        permissionLevelId: other.levels[0]!.id,
      },
      { workAppId: figma.id, userId: ana.id, permissionLevelId: unknown },
      { workAppId: "figma", userId: ana.id },
    ]);

    expect(answer.status).toBe(400);
    const detail = (answer.body as { detail: string }).detail;
    expect(detail).toContain(`data[0]: no work app with id ${unknown}.`);
    expect(detail).toContain(`data[1]: no user with id ${unknown}.`);
    expect(detail).toContain(
      `data[2]: permission level ${other.levels[0]!.id} belongs to another work app than "Figma".`,
    );
    expect(detail).toContain(
      `data[3]: no permission level with id ${unknown}.`,
    );
    expect(detail).toContain('data[4].workAppId must be a UUID: "figma".');
  });

  it("rejects a body that is not JSON", async () => {
    const answer = await call("POST", "/api/v1/WorkApps/Accesses", {
      raw: "{data:",
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      detail: "The request body is not valid JSON.",
    });
  });

  it("answers a read-only key with 403 and Cakewalk's documented body", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });

    const answer = await post(
      [{ workAppId: slack.id, userId: ana.id }],
      {},
      readOnlyKey,
    );

    expect(answer).toEqual({
      status: 403,
      body: {
        title: "Forbidden operation",
        status: 403,
        detail:
          "This API key is read-only and cannot perform write operations.",
      },
    });
    expect(standIn.accessesOf(slack.id)).toEqual([]);
  });
});

describe("the stand-in's keys", () => {
  it("answers 401 ProblemDetails without a key or with a wrong one", async () => {
    const missing = await call("GET", "/api/v1/Users", { key: null });
    const wrong = await call("GET", "/api/v1/Users", {
      key: { ...readWriteKey, secret: "nope" },
    });

    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(schemaProblems(wrong.body, "ProblemDetails")).toEqual([]);
    expect(wrong.body).toMatchObject({ status: 401, title: "Unauthorized" });
  });

  it("lets a read-only key read", async () => {
    const answer = await call("GET", "/api/v1/WorkApps", { key: readOnlyKey });
    expect(answer.status).toBe(200);
  });
});

describe("the stand-in's reads", () => {
  it("pages every list by 100 with relative OpenApiBFF links", async () => {
    const big = standIn.addWorkApp({
      name: "Big",
      levels: Array.from({ length: 101 }, (_, index) => ({
        name: `L${index}`,
      })),
    });
    for (let index = 0; index < 101; index++) {
      const user = standIn.addUser({ email: `u${index}@example.com` });
      standIn.setAccess(big.id, user.id, big.levels[0]!.id);
    }
    for (let index = 0; index < 99; index++)
      standIn.addWorkApp({ name: `App ${index}` });

    for (const path of [
      "/api/v1/Users",
      "/api/v1/WorkApps",
      `/api/v1/WorkApps/${big.id}/PermissionLevels`,
      `/api/v1/WorkApps/${big.id}/Accesses`,
    ]) {
      const first = await call("GET", path);
      const page = first.body as { data: unknown[]; links: { next: string } };
      expect(page.data, path).toHaveLength(100);
      expect(page.links.next, path).toMatch(
        /^\/api\/v1\/OpenApiBFF\/.*\?cursor=/,
      );

      const second = await call("GET", page.links.next);
      const last = second.body as { data: unknown[]; links: { next: unknown } };
      expect(last.data, path).toHaveLength(path.endsWith("WorkApps") ? 2 : 1);
      expect(last.links.next, path).toBeNull();
    }
  });

  it("answers in the shapes of the published contract", async () => {
    const ana = standIn.addUser({
      email: "ana@example.com",
      statusName: "Invited",
    });
    standIn.setAccess(figma.id, ana.id, figma.levels[0]!.id);
    standIn.setAccess(slack.id, ana.id, null);

    const checks: [string, string][] = [
      [`/api/v1/WorkApps/${figma.id}/Accesses`, "AccessListViewModelV1"],
      [`/api/v1/WorkApps/${slack.id}/Accesses`, "AccessListViewModelV1"],
      [
        `/api/v1/WorkApps/${figma.id}/PermissionLevels`,
        "PermissionLevelListViewModelV1",
      ],
      [`/api/v1/Users/${ana.id}`, "UserDetailedRecordViewModelV1"],
      [`/api/v1/WorkApps/${figma.id}`, "WorkAppDetailedRecordViewModelV1"],
    ];
    for (const [path, schema] of checks) {
      const answer = await call("GET", path);
      expect(answer.status, path).toBe(200);
      expect(schemaProblems(answer.body, schema), path).toEqual([]);
    }
    const users = (await call("GET", "/api/v1/Users")).body as {
      data: unknown[];
      links: unknown;
    };
    expect(schemaProblems(users.data[0], "UserSimplifiedViewModelV1")).toEqual(
      [],
    );
    expect(schemaProblems(users.links, "LinksViewModel")).toEqual([]);
    expect(users.data[0]).toMatchObject({ statusId: 2, statusName: "Invited" });
  });

  it("routes ignoring path case and under the OpenApiBFF prefix", async () => {
    standIn.addUser({ email: "ana@example.com" });
    for (const path of [
      "/api/v1/users",
      "/API/V1/USERS",
      "/api/v1/OpenApiBFF/Users",
    ]) {
      const answer = await call("GET", path);
      expect(answer.status, path).toBe(200);
      expect((answer.body as { data: unknown[] }).data, path).toHaveLength(1);
    }
  });

  it("answers 404 ProblemDetails for an unknown work app", async () => {
    const answer = await call(
      "GET",
      "/api/v1/WorkApps/00000000-0000-4000-8000-000000000000/Accesses",
    );
    expect(answer.status).toBe(404);
    expect(schemaProblems(answer.body, "ProblemDetails")).toEqual([]);
  });

  it("records every request with its query and body", async () => {
    await call("GET", "/api/v1/Users?cursor=abc");
    await post([]);

    expect(standIn.requests.map((r) => [r.method, r.path, r.answer])).toEqual([
      ["GET", "/api/v1/Users", 400],
      ["POST", "/api/v1/WorkApps/Accesses", 200],
    ]);
    expect(standIn.requests[0]?.query).toEqual({ cursor: "abc" });
    expect(standIn.requests[1]?.body).toEqual({ data: [] });
  });
});

describe("the stand-in's faults", () => {
  it("fails the matching requests as many times as asked, then answers", async () => {
    standIn.failNext({ method: "GET", path: /users$/i, status: 503, times: 2 });

    const statuses = [];
    for (let index = 0; index < 3; index++) {
      statuses.push((await call("GET", "/api/v1/Users")).status);
    }
    statuses.push((await call("GET", "/api/v1/WorkApps")).status);

    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it("applies a POST before failing it when told to fail after applying", async () => {
    const ana = standIn.addUser({ email: "ana@example.com" });
    standIn.failNext({ method: "POST", status: 502, afterApplying: true });

    const answer = await post([{ workAppId: slack.id, userId: ana.id }]);

    expect(answer.status).toBe(502);
    expect(standIn.accessesOf(slack.id)).toEqual([
      { userId: ana.id, permissionLevelId: null },
    ]);
  });

  it("sends Retry-After with a 429", async () => {
    standIn.failNext({ status: 429, retryAfter: 7 });
    const response = await fetch(`${standIn.url}/api/v1/Users`);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
  });
});
