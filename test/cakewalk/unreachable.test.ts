import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CakewalkClient } from "../../src/cakewalk/client.js";
import { ActionError } from "../../src/errors.js";
import { recordingLog } from "../../src/log.js";
import { readWriteKey } from "../../stand-ins/cakewalk.js";

let server: Server | undefined;

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

function clientAt(apiUrl: string) {
  const log = recordingLog();
  const client = new CakewalkClient({
    apiUrl,
    apiKey: readWriteKey.key,
    apiSecret: readWriteKey.secret,
    log,
    maxTries: 3,
    backoffBaseMs: 5,
    requestTimeoutMs: 2000,
  });
  return { client, log };
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

/** A loopback port that nothing listens on any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A server answering every request with `status` and these headers. */
async function answering(
  status: number,
  headers: Record<string, string>,
  body: unknown = {},
): Promise<string> {
  server = createServer((_request, response) => {
    response.writeHead(status, {
      "Content-Type": "application/json",
      ...headers,
    });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

describe("a Cakewalk that cannot be reached at all", () => {
  it("says to check the api-url input, quoting its origin", async () => {
    const { client, log } = clientAt("http://127.0.0.1:1");

    const error = await failure(client.listUsers());

    expect(error.reason).toBe("api-error");
    expect(error.message).toMatch(
      /^Could not reach Cakewalk at http:\/\/127\.0\.0\.1:1 for GET \/api\/v1\/Users after 3 tries \(last: connection failed: [^)]+\)\. /,
    );
    expect(error.message).toContain(
      'Check the api-url input ("http://127.0.0.1:1"); if it is right, ' +
        "Cakewalk may be down or overloaded: re-run the workflow later.",
    );
    expect(log.lines).toHaveLength(2);
  });

  it("logs each retry as no answer, with the reason and the wait", async () => {
    const port = await closedPort();
    const { client, log } = clientAt(`http://127.0.0.1:${port}/`);

    await failure(client.listUsers());

    expect(log.lines).toHaveLength(2);
    for (const [index, line] of log.lines.entries()) {
      expect(line).toMatch(
        new RegExp(
          "^info: No answer from Cakewalk \\(connection refused: ECONNREFUSED\\) " +
            `for GET /api/v1/Users; trying again in \\d+ ms \\(try ${index + 2} of 3\\)\\.$`,
        ),
      );
    }
  });
});

describe("a user:password part in a URL", () => {
  it("is never echoed from the api-url in a log line or an error", async () => {
    const { client, log } = clientAt("http://user:pw@127.0.0.1:1");
    const grant = { workAppId: "a", userId: "b", permissionLevelId: null };

    const errors = [
      await failure(client.listUsers()),
      await failure(client.getWorkApp("a")),
    ];
    const outcome = await client.postAccesses([grant]);

    const said = [
      ...log.lines,
      ...errors.map((error) => error.message),
      JSON.stringify(outcome),
    ];
    expect(said.filter((text) => text.includes("pw"))).toEqual([]);
    expect(said.filter((text) => text.includes("user:"))).toEqual([]);
    expect(errors[0]?.message).toContain(
      'api-url input ("http://127.0.0.1:1")',
    );
    expect(outcome.kind).toBe("unknown");
  });

  it("is left out when quoting a redirect's location", async () => {
    const url = await answering(302, {
      Location: "https://admin:pw@elsewhere.example/api/v1/Users",
    });
    const { client } = clientAt(url);

    const error = await failure(client.listUsers());

    expect(error.message).toContain(
      'with a redirect (HTTP 302) to "https://elsewhere.example/api/v1/Users"',
    );
    expect(error.message).not.toContain("pw");
  });

  it("is left out when quoting a next-page link to another origin", async () => {
    const url = await answering(
      200,
      {},
      {
        data: [],
        links: { next: "http://admin:pw@127.0.0.1:9/api/v1/Users?cursor=x" },
      },
    );
    const { client } = clientAt(url);

    const error = await failure(client.listUsers());

    expect(error.message).toContain(
      'next-page link for GET /api/v1/Users is "http://127.0.0.1:9/api/v1/Users?cursor=x"',
    );
    expect(error.message).not.toContain("pw");
  });
});
