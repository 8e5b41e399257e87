// A stand-in for Cakewalk's Open API on loopback, for tests and the demo.
// It keeps state, pages like the real API (100 rows, relative links under
// /api/v1/OpenApiBFF), checks keys, applies the POST rules, records every
// request, and fails on demand.
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { seedFromExample } from "./cakewalk-example.js";
import {
  CakewalkState,
  type StandInUser,
  type StandInWorkApp,
  type StoredAccess,
  type UserSeed,
  type WorkAppSeed,
} from "./cakewalk-state.js";

export { example } from "./cakewalk-example.js";
export type {
  StandInLevel,
  StandInUser,
  StandInWorkApp,
  StoredAccess,
  UserSeed,
  WorkAppSeed,
} from "./cakewalk-state.js";

export interface ApiKey {
  key: string;
  secret: string;
  access: "read-write" | "read-only";
}

export const readWriteKey: ApiKey = {
  key: "cw-key-read-write",
  secret: "cw-secret-read-write",
  access: "read-write",
};

export const readOnlyKey: ApiKey = {
  key: "cw-key-read-only",
  secret: "cw-secret-read-only",
  access: "read-only",
};

export interface CakewalkStandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accepted keys; by default `readWriteKey` and `readOnlyKey`. */
  keys?: ApiKey[];
  /** Rows per page; Cakewalk's cursor suggests 100. */
  pageSize?: number;
  /** `links` as absolute URLs instead of paths. */
  absoluteLinks?: boolean;
  users?: UserSeed[];
  workApps?: WorkAppSeed[];
}

/** A failure to serve instead of (or after) the normal answer. */
export interface Fault {
  /** Any method when absent. */
  method?: string;
  /** A substring of the path and query (ignoring case), or a pattern. */
  path?: string | RegExp;
  /** Answer with this status. */
  status?: number;
  /** Seconds, or an HTTP date. */
  retryAfter?: number | string;
  /** How many matching requests this fault takes; 1 by default. */
  times?: number;
  /** Let this many matching requests through before failing. */
  skip?: number;
  /** The body to answer with; a ProblemDetails by default. */
  body?: unknown;
  /** Wait this long before answering (or failing). */
  delayMs?: number;
  /** Close the connection without an answer. */
  reset?: boolean;
  /**
   * Apply the POST first, then answer `status` (or reset the connection
   * when there is none): Cakewalk took the batch, the caller cannot know.
   */
  afterApplying?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text; undefined if empty. */
  body: unknown;
  /** The status answered, or "reset". */
  answer?: number | "reset";
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** For POST: applies the accepted batch. */
  apply?: () => void;
}

const bffPrefix = "/api/v1/OpenApiBFF";

export class CakewalkStandIn {
  readonly state = new CakewalkState();
  readonly requests: RecordedRequest[] = [];
  private readonly faults: (Fault & { left: number; skipLeft: number })[] = [];
  private readonly keys: ApiKey[];
  private readonly pageSize: number;
  private readonly absoluteLinks: boolean;
  private readonly closing = new AbortController();
  private server?: Server;
  url = "";

  constructor(options: CakewalkStandInOptions = {}) {
    this.keys = options.keys ?? [readWriteKey, readOnlyKey];
    this.pageSize = options.pageSize ?? 100;
    this.absoluteLinks = options.absoluteLinks ?? false;
    for (const user of options.users ?? []) this.addUser(user);
    for (const app of options.workApps ?? []) this.addWorkApp(app);
  }

  async listen(port = 0): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : undefined);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    const address = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    this.closing.abort();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addUser(seed: UserSeed): StandInUser {
    return this.state.addUser(seed);
  }

  /**
   * Makes every batch that grants this user anything fail with a 400, as
   * Cakewalk might for a person it cannot provision.
   */
  refuseGrantsTo(userId: string, reason: string): void {
    this.state.refusedUsers.set(userId.toLowerCase(), reason);
  }

  addWorkApp(seed: WorkAppSeed): StandInWorkApp {
    return this.state.addWorkApp(seed);
  }

  setAccess(appId: string, userId: string, levelId: string | null): void {
    this.state.setAccess(appId, userId, levelId);
  }

  accessesOf(appId: string): StoredAccess[] {
    return this.state.accessesOf(appId);
  }

  /**
   * Adds the organisation the example access.yaml is written for (see
   * cakewalk-example.ts); with `accesses`, two accesses that exist already.
   */
  seedFromExample(options: { accesses?: boolean } = {}): void {
    seedFromExample(this, options);
  }

  /** Queues a fault; faults are taken in the order they were queued. */
  failNext(fault: Fault): void {
    this.faults.push({
      ...fault,
      left: fault.times ?? 1,
      skipLeft: fault.skip ?? 0,
    });
  }

  /** Recorded requests of one method whose path contains `path`. */
  requestsTo(method: string, path: string): RecordedRequest[] {
    const wanted = path.toLowerCase();
    return this.requests.filter(
      (request) =>
        request.method === method &&
        request.path.toLowerCase().includes(wanted),
    );
  }

  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const recorded = await record(request, url);
    this.requests.push(recorded);
    const fault = this.takeFault(recorded.method, url);
    if (fault?.delayMs) {
      const waited = await delay(fault.delayMs, true, {
        signal: this.closing.signal,
      }).catch(() => false);
      if (!waited) return;
    }
    const failsFirst = fault && !fault.afterApplying;
    if (failsFirst && (fault.reset || fault.status !== undefined)) {
      this.answerFault(fault, recorded, request, response);
      return;
    }
    const answer = this.route(request, url, recorded);
    if (fault?.afterApplying) {
      answer.apply?.();
      this.answerFault(fault, recorded, request, response);
      return;
    }
    if (answer.status < 300) answer.apply?.();
    recorded.answer = answer.status;
    respond(response, answer);
  }

  private takeFault(method: string, url: URL): Fault | undefined {
    const target = url.pathname + url.search;
    const index = this.faults.findIndex(
      (fault) =>
        (!fault.method || fault.method.toUpperCase() === method) &&
        matches(fault.path, target),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (fault.skipLeft > 0) {
      fault.skipLeft -= 1;
      return undefined;
    }
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private answerFault(
    fault: Fault,
    recorded: RecordedRequest,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    if (fault.reset || fault.status === undefined) {
      recorded.answer = "reset";
      request.socket.destroy();
      return;
    }
    recorded.answer = fault.status;
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) {
      headers["Retry-After"] = String(fault.retryAfter);
    }
    respond(response, {
      status: fault.status,
      headers,
      body:
        fault.body ??
        problem(
          fault.status,
          "Injected fault",
          "The stand-in was told to fail this request.",
        ),
    });
  }

  private route(
    request: IncomingMessage,
    url: URL,
    recorded: RecordedRequest,
  ): Answer {
    const refused = this.checkKey(request);
    if (refused) return refused;
    // Cakewalk's own examples mix /api/v1/users and /api/v1/Users, and its
    // next links use /api/v1/OpenApiBFF/...: route ignoring both.
    const path = url.pathname
      .replace(/\/+$/, "")
      .toLowerCase()
      .replace(/^\/api\/v1\/openapibff(?=\/|$)/, "/api/v1");
    const method = recorded.method;
    if (path === "/api/v1/workapps/accesses" && method === "POST") {
      return this.postAccesses(request, recorded.body);
    }
    if (method !== "GET") {
      return {
        status: 405,
        body: problem(
          405,
          "Method Not Allowed",
          `${method} ${url.pathname} is not supported.`,
        ),
      };
    }
    return (
      this.read(path, url) ?? notFound(`No such resource: ${url.pathname}.`)
    );
  }

  private read(path: string, url: URL): Answer | undefined {
    const cursor = url.searchParams.get("cursor");
    const state = this.state;
    if (path === "/api/v1/users") {
      const users = [...state.users.values()];
      return this.page(
        "/Users",
        users.map((user) => state.userSummary(user)),
        cursor,
      );
    }
    if (path === "/api/v1/workapps") {
      const apps = [...state.workApps.values()];
      return this.page(
        "/WorkApps",
        apps.map((app) => state.workAppView(app)),
        cursor,
      );
    }
    const [, kind, id, sub] =
      /^\/api\/v1\/(users|workapps)\/([^/]+)(?:\/([^/]+))?$/.exec(path) ?? [];
    if (!kind || !id) return undefined;
    if (kind === "users" && !sub) {
      const user = state.users.get(id);
      if (!user) return notFound(`No user with id ${id}.`);
      return this.record(`/Users/${user.id}`, state.userDetail(user));
    }
    const app = kind === "workapps" ? state.workApps.get(id) : undefined;
    if (!app) return notFound(`No work app with id ${id}.`);
    if (!sub) return this.record(`/WorkApps/${app.id}`, state.workAppView(app));
    if (sub === "permissionlevels") {
      const levels = app.levels.map((level) => state.levelView(level));
      return this.page(`/WorkApps/${app.id}/PermissionLevels`, levels, cursor);
    }
    if (sub === "accesses") {
      return this.page(
        `/WorkApps/${app.id}/Accesses`,
        state.accessRows(app.id),
        cursor,
      );
    }
    return undefined;
  }

  private checkKey(request: IncomingMessage): Answer | undefined {
    const key = request.headers["x-api-key"];
    const secret = request.headers["x-api-secret"];
    if (!key || !secret) {
      return {
        status: 401,
        body: problem(
          401,
          "Unauthorized",
          "The X-API-KEY and X-API-SECRET headers are required.",
        ),
      };
    }
    const known = this.keys.find((k) => k.key === key && k.secret === secret);
    if (!known) {
      return {
        status: 401,
        body: problem(
          401,
          "Unauthorized",
          "The API key or secret is not valid.",
        ),
      };
    }
    if (known.access === "read-only" && request.method !== "GET") {
      // The body Cakewalk documents for this case (API.md §2).
      return {
        status: 403,
        body: {
          title: "Forbidden operation",
          status: 403,
          detail:
            "This API key is read-only and cannot perform write operations.",
        },
      };
    }
    return undefined;
  }

  private postAccesses(request: IncomingMessage, body: unknown): Answer {
    const type = request.headers["content-type"] ?? "";
    if (!type.toLowerCase().startsWith("application/json")) {
      return {
        status: 415,
        body: problem(
          415,
          "Unsupported Media Type",
          `Send Content-Type: application/json, not "${type}".`,
        ),
      };
    }
    if (typeof body === "string" || body === undefined) {
      return {
        status: 400,
        body: validationProblem(["The request body is not valid JSON."]),
      };
    }
    const problems = this.state.problemsWith(body);
    if (problems.length > 0) {
      return { status: 400, body: validationProblem(problems) };
    }
    return {
      status: 200,
      apply: () =>
        this.state.apply(body as Parameters<CakewalkState["apply"]>[0]),
    };
  }

  /** A list page: `cursor` is an opaque base64 text, as Cakewalk's is. */
  private page(route: string, rows: unknown[], cursor: string | null): Answer {
    const number = cursor === null ? 0 : readCursor(cursor);
    if (number === undefined) {
      return {
        status: 400,
        body: problem(
          400,
          "Bad Request",
          `The cursor "${cursor}" is not valid.`,
        ),
      };
    }
    const start = number * this.pageSize;
    const more = start + this.pageSize < rows.length;
    return {
      status: 200,
      body: {
        data: rows.slice(start, start + this.pageSize),
        links: {
          self: this.link(route, cursor),
          next: more
            ? this.link(route, makeCursor(number + 1, this.pageSize))
            : null,
        },
      },
    };
  }

  private record(route: string, data: unknown): Answer {
    return {
      status: 200,
      body: { data, links: { self: this.link(route, null), next: null } },
    };
  }

  private link(route: string, cursor: string | null): string {
    const query =
      cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const path = `${bffPrefix}${route}${query}`;
    return this.absoluteLinks ? `${this.url}${path}` : path;
  }
}

/** Starts a stand-in Cakewalk on 127.0.0.1. Close it with `close()`. */
export async function startCakewalk(
  options: CakewalkStandInOptions = {},
): Promise<CakewalkStandIn> {
  const standIn = new CakewalkStandIn(options);
  await standIn.listen(options.port ?? 0);
  return standIn;
}

// The same text as Cakewalk's sample cursor: "pageNumber=1&pageSize=100".
function makeCursor(pageNumber: number, pageSize: number): string {
  return Buffer.from(`pageNumber=${pageNumber}&pageSize=${pageSize}`).toString(
    "base64",
  );
}

function readCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  const match = /^pageNumber=(\d+)&pageSize=\d+$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function matches(
  pattern: string | RegExp | undefined,
  target: string,
): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === "string") {
    return target.toLowerCase().includes(pattern.toLowerCase());
  }
  return pattern.test(target);
}

async function record(
  request: IncomingMessage,
  url: URL,
): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown = text === "" ? undefined : text;
  try {
    if (text !== "") body = JSON.parse(text) as unknown;
  } catch {
    // Kept as text: the POST rules answer 400 for it.
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    method: request.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
  };
}

function respond(response: ServerResponse, answer: Answer): void {
  const isProblem = answer.status >= 400;
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  headers["Content-Type"] = isProblem
    ? "application/problem+json; charset=utf-8"
    : "application/json; charset=utf-8";
  response.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
}

function problem(status: number, title: string, detail: string): object {
  return { type: `https://httpstatuses.io/${status}`, title, status, detail };
}

function notFound(detail: string): Answer {
  return { status: 404, body: problem(404, "Not Found", detail) };
}

function validationProblem(problems: string[]): object {
  return {
    type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    title: "One or more validation errors occurred.",
    status: 400,
    detail: problems.join(" "),
  };
}
