import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ActionError } from "../../src/errors.js";
import {
  type CakewalkStandIn,
  readWriteKey,
} from "../../stand-ins/cakewalk.js";
import { clientFor, standInWithUsers } from "./stand-in-setup.js";

let standIn: CakewalkStandIn;
let otherServer: Server | undefined;

afterEach(async () => {
  await standIn.close();
  if (otherServer) {
    otherServer.closeAllConnections();
    await new Promise((resolve) => otherServer!.close(resolve));
    otherServer = undefined;
  }
});

/** A server on another origin that records what reaches it. */
async function startOtherOrigin(): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  otherServer = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ data: [], links: { self: "/" } }));
  });
  await new Promise<void>((resolve) =>
    otherServer!.listen(0, "127.0.0.1", resolve),
  );
  const { port } = otherServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits };
}

describe("reading a list that spans several pages", () => {
  it("follows relative OpenApiBFF links through 3 pages of 250 users", async () => {
    standIn = await standInWithUsers(250);
    const { client, log } = clientFor(standIn);

    const users = await client.listUsers();

    expect(users).toHaveLength(250);
    expect(users[249]?.email).toBe("user249@example.com");
    const reads = standIn.requestsTo("GET", "/Users");
    expect(reads.map((request) => request.path)).toEqual([
      "/api/v1/Users",
      "/api/v1/OpenApiBFF/Users",
      "/api/v1/OpenApiBFF/Users",
    ]);
    expect(reads[1]?.query.cursor).toBeTruthy();
    expect(
      log.lines.filter((line) => line.startsWith("debug: Read page")),
    ).toHaveLength(3);
  });

  it("follows absolute links on the api-url origin", async () => {
    standIn = await standInWithUsers(150, { absoluteLinks: true });
    const { client } = clientFor(standIn);

    expect(await client.listUsers()).toHaveLength(150);
    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(2);
  });

  it("sends the key, the secret and JSON headers, and logs no secret", async () => {
    standIn = await standInWithUsers(1);
    const { client, log } = clientFor(standIn);

    await client.listUsers();

    const headers = standIn.requests[0]?.headers ?? {};
    expect(headers["x-api-key"]).toBe(readWriteKey.key);
    expect(headers["x-api-secret"]).toBe(readWriteKey.secret);
    expect(headers.accept).toBe("application/json");
    expect(log.lines.join("\n")).not.toContain(readWriteKey.secret);
  });

  it("refuses a next link to another origin before sending anything there", async () => {
    standIn = await standInWithUsers(0);
    const other = await startOtherOrigin();
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 200,
      body: {
        data: [],
        links: {
          self: "/api/v1/Users",
          next: `${other.url}/api/v1/Users?cursor=x`,
        },
      },
    });
    const { client } = clientFor(standIn);

    const error = await client.listUsers().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).reason).toBe("api-error");
    expect((error as ActionError).message).toContain(
      "credentials never leave the api-url origin",
    );
    expect((error as ActionError).message).toContain(other.url);
    expect(other.hits).toEqual([]);
  });

  it("ends with an error when a next link comes back a second time", async () => {
    standIn = await standInWithUsers(150);
    // The second page points back at itself.
    standIn.failNext({
      method: "GET",
      path: "cursor=",
      status: 200,
      body: {
        data: [],
        links: {
          self: "/api/v1/OpenApiBFF/Users?cursor=loop",
          next: "/api/v1/OpenApiBFF/Users?cursor=loop",
        },
      },
      times: 5,
    });
    const { client } = clientFor(standIn);

    await expect(client.listUsers()).rejects.toThrow(/loop/);
    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(3);
  });

  it("treats a missing next link as the last page", async () => {
    standIn = await standInWithUsers(0);
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 200,
      body: {
        data: [{ id: "u1", name: "A", email: "a@example.com" }],
        links: { self: "/" },
      },
    });
    const { client } = clientFor(standIn);

    expect(await client.listUsers()).toEqual([
      { id: "u1", name: "A", email: "a@example.com" },
    ]);
  });
});

describe("the other reads", () => {
  it("reads each list once per run, unless asked for fresh accesses", async () => {
    standIn = await standInWithUsers(2);
    const app = standIn.addWorkApp({
      name: "Figma",
      levels: [{ name: "Editor" }],
    });
    const { client } = clientFor(standIn);

    await client.listUsers();
    await client.listUsers();
    await client.listPermissionLevels(app.id);
    await client.listPermissionLevels(app.id.toUpperCase());
    await client.listAccesses(app.id);
    await client.listAccesses(app.id);
    await client.listAccesses(app.id, { fresh: true });

    expect(standIn.requestsTo("GET", "/Users")).toHaveLength(1);
    expect(standIn.requestsTo("GET", "/PermissionLevels")).toHaveLength(1);
    expect(standIn.requestsTo("GET", "/Accesses")).toHaveLength(2);
  });

  it("maps access rows to the work app, the user and the level", async () => {
    standIn = await standInWithUsers(0);
    const ana = standIn.addUser({
      email: "ana@example.com",
      name: "Ana López",
    });
    const lee = standIn.addUser({
      email: "lee@example.com",
      statusName: "Offboarding",
    });
    const figma = standIn.addWorkApp({
      name: "Figma",
      levels: [{ name: "Viewer" }, { name: "Admin", isPrivileged: true }],
    });
    standIn.setAccess(figma.id, ana.id, figma.levels[1]!.id);
    standIn.setAccess(figma.id, lee.id, figma.levels[0]!.id);
    const slack = standIn.addWorkApp({ name: "Slack" });
    standIn.setAccess(slack.id, ana.id, null);
    const { client } = clientFor(standIn);

    const figmaAccesses = await client.listAccesses(figma.id);
    const slackAccesses = await client.listAccesses(slack.id);

    expect(figmaAccesses[0]).toEqual({
      workAppId: figma.id,
      user: {
        id: ana.id,
        name: "Ana López",
        email: "ana@example.com",
        statusName: "Active",
      },
      permissionLevel: {
        id: figma.levels[1]!.id,
        name: "Admin",
        isDefault: false,
        isPrivileged: true,
      },
    });
    expect(figmaAccesses[1]?.user.statusName).toBe("Offboarding");
    expect(slackAccesses).toEqual([
      expect.objectContaining({ workAppId: slack.id, permissionLevel: null }),
    ]);
  });

  it("lists work apps and finds one by id, or undefined on a 404", async () => {
    standIn = await standInWithUsers(0);
    const figma = standIn.addWorkApp({ name: "Figma" });
    standIn.addWorkApp({ name: "Slack" });
    const { client } = clientFor(standIn);

    expect((await client.listWorkApps()).map((app) => app.name)).toEqual([
      "Figma",
      "Slack",
    ]);
    expect(await client.getWorkApp(figma.id)).toEqual({
      id: figma.id,
      name: "Figma",
    });
    expect(
      await client.getWorkApp("00000000-0000-4000-8000-000000000000"),
    ).toBeUndefined();
  });

  it("refuses an answer that is not shaped as the API documents", async () => {
    standIn = await standInWithUsers(0);
    standIn.failNext({
      method: "GET",
      path: "/Users",
      status: 200,
      body: { items: [] },
    });
    const { client } = clientFor(standIn);

    await expect(client.listUsers()).rejects.toThrow(
      /answer to GET \/api\/v1\/Users is not shaped as its API documents at data/,
    );
  });
});
