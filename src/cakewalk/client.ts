import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { ActionError } from "../errors.js";
import type { Log } from "../log.js";
import type {
  AccessGrant,
  CakewalkUser,
  LiveAccess,
  PermissionLevel,
  WorkApp,
} from "../model.js";
import { RequestPacer } from "./pacer.js";
import {
  accessRowSchema,
  pageSchema,
  permissionLevelSchema,
  recordSchema,
  userSchema,
  workAppSchema,
} from "./responses.js";
import {
  describeExchange,
  type Exchange,
  problemDetailsOf,
  quoteProblem,
  send,
  withoutUserinfo,
} from "./transport.js";
import {
  backoffDelay,
  formatDuration,
  parseRetryAfter,
  WaitBudget,
} from "./waiting.js";

export interface CakewalkClientOptions {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  log: Log;
  /** Tries per request, the first included. */
  maxTries?: number;
  /** Waiting allowed per run, over all requests of this client. */
  maxTotalWaitMs?: number;
  /** The longest one Retry-After wait may take. */
  maxRetryAfterMs?: number;
  /** First backoff ceiling; it doubles with each try. */
  backoffBaseMs?: number;
  requestTimeoutMs?: number;
  /** Kept under Cakewalk's published 1,000 requests a minute. */
  requestsPerMinute?: number;
}

export type PostOutcome =
  | { kind: "accepted"; status: number }
  | { kind: "rejected"; status: number; title?: string; detail?: string }
  /** 5xx, timeout, reset: Cakewalk may or may not have taken the batch. */
  | { kind: "unknown"; reason: string };

const defaults = {
  maxTries: 5,
  maxTotalWaitMs: 10 * 60_000,
  maxRetryAfterMs: 60_000,
  backoffBaseMs: 1000,
  requestTimeoutMs: 30_000,
  requestsPerMinute: 900,
};

type Answer = Extract<Exchange, { kind: "answer" }>;

/**
 * Cakewalk's Open API as the action uses it: lists read in full once per
 * run, and the bulk POST of accesses. Credentials are only ever sent to the
 * origin of `apiUrl`.
 */
export class CakewalkClient {
  readonly settings: typeof defaults;
  private readonly base: string;
  private readonly origin: string;
  private readonly headers: Record<string, string>;
  private readonly log: Log;
  private readonly pacer: RequestPacer;
  private readonly budget: WaitBudget;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(options: CakewalkClientOptions) {
    const { apiUrl, apiKey, apiSecret, log, ...knobs } = options;
    this.settings = { ...defaults, ...definedOnly(knobs) };
    const url = withoutCredentials(new URL(apiUrl));
    this.base = url.href.replace(/\/+$/, "");
    this.origin = url.origin;
    this.headers = {
      "X-API-KEY": apiKey,
      "X-API-SECRET": apiSecret,
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    this.log = log;
    this.pacer = new RequestPacer(this.settings.requestsPerMinute);
    this.budget = new WaitBudget(this.settings.maxTotalWaitMs);
  }

  listUsers(): Promise<CakewalkUser[]> {
    return this.remember("users", () =>
      this.readAll("/api/v1/Users", userSchema, "users"),
    );
  }

  listWorkApps(): Promise<WorkApp[]> {
    return this.remember("work-apps", () =>
      this.readAll("/api/v1/WorkApps", workAppSchema, "work apps"),
    );
  }

  /** The work app with this id; undefined only when Cakewalk says 404. */
  async getWorkApp(id: string): Promise<WorkApp | undefined> {
    const path = `/api/v1/WorkApps/${encodeURIComponent(id)}`;
    const answer = await this.read(this.urlFor(path), { allowNotFound: true });
    if (answer.status === 404) return undefined;
    const record = this.check(recordSchema, answer.body, `GET ${path}`);
    return this.check(workAppSchema, record.data, `GET ${path}`);
  }

  listPermissionLevels(workAppId: string): Promise<PermissionLevel[]> {
    const path = `/api/v1/WorkApps/${encodeURIComponent(workAppId)}/PermissionLevels`;
    return this.remember(`levels:${workAppId.toLowerCase()}`, () =>
      this.readAll(path, permissionLevelSchema, "permission levels"),
    );
  }

  /**
   * The accesses Cakewalk holds for a work app. Cached per run; `fresh`
   * reads them again (after a post whose outcome is unknown).
   */
  listAccesses(
    workAppId: string,
    options: { fresh?: boolean } = {},
  ): Promise<LiveAccess[]> {
    const key = `accesses:${workAppId.toLowerCase()}`;
    if (options.fresh) this.cache.delete(key);
    const path = `/api/v1/WorkApps/${encodeURIComponent(workAppId)}/Accesses`;
    return this.remember(key, async () => {
      const rows = await this.readAll(path, accessRowSchema, "accesses");
      return rows.map((row) => ({
        workAppId,
        user: row.user,
        permissionLevel: row.permissionLevel ?? null,
      }));
    });
  }

  /**
   * Posts one batch. A 429 is waited out and retried, since Cakewalk did
   * not process the batch; a 5xx or no answer is not retried here, because
   * Cakewalk may have taken it (the caller re-reads first).
   */
  async postAccesses(items: AccessGrant[]): Promise<PostOutcome> {
    const path = "/api/v1/WorkApps/Accesses";
    const request = `POST ${path}`;
    const body = { data: items.map(requestItem) };
    for (let attempt = 1; ; attempt++) {
      const exchange = await this.exchange("POST", this.urlFor(path), body);
      if (exchange.kind === "no-answer") {
        return { kind: "unknown", reason: exchange.reason };
      }
      const { status } = exchange;
      if (status >= 200 && status < 300) return { kind: "accepted", status };
      this.refuseKey(exchange, request);
      if (status >= 500) {
        const said = quoteProblem(problemDetailsOf(exchange.body));
        return {
          kind: "unknown",
          reason: `HTTP ${status}${said ? ` (${said})` : ""}`,
        };
      }
      if (status >= 300 && status < 400)
        throw this.redirected(exchange, request);
      if (status !== 429) {
        return { kind: "rejected", status, ...problemDetailsOf(exchange.body) };
      }
      if (attempt >= this.settings.maxTries) {
        throw new ActionError(
          "api-error",
          `Cakewalk answered 429 Too Many Requests to ${request} ` +
            `${attempt} times in a row; the batch was not taken. ` +
            `Re-run the workflow later.`,
        );
      }
      await this.waitToRetry(exchange, attempt, request);
    }
  }

  /**
   * Waits `ms` as part of the run's waiting budget, for callers that retry
   * on their own (posting again after an unknown outcome).
   */
  async pause(ms: number, why: string): Promise<void> {
    this.budget.take(ms, why);
    this.log.info(`${why}: waiting ${formatDuration(ms)}.`);
    await sleep(ms);
  }

  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const known = this.cache.get(key);
    if (known) return known as Promise<T>;
    const loading = load();
    this.cache.set(key, loading);
    // A failed read is not remembered: the next call tries again.
    loading.catch(() => {
      if (this.cache.get(key) === loading) this.cache.delete(key);
    });
    return loading;
  }

  private urlFor(path: string): URL {
    return new URL(this.base + path);
  }

  private async exchange(
    method: "GET" | "POST",
    url: URL,
    body?: unknown,
  ): Promise<Exchange> {
    await this.pacer.take();
    return send({
      method,
      url,
      headers: this.headers,
      body,
      timeoutMs: this.settings.requestTimeoutMs,
    });
  }

  /** Follows `links.next` page by page; see SPEC §5 for the rules. */
  private async readAll<T>(
    path: string,
    item: z.ZodType<T>,
    what: string,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = this.urlFor(path);
    for (let page = 1; url; page++) {
      seen.add(url.href);
      const request = `GET ${url.pathname}`;
      const answer = await this.read(url);
      const body = this.check(pageSchema, answer.body, request);
      for (const row of body.data) items.push(this.check(item, row, request));
      this.log.debug(
        `Read page ${page} of ${what} from ${request}: ${body.data.length} rows.`,
      );
      url = this.nextPage(body.links?.next, seen, path);
    }
    return items;
  }

  private nextPage(
    link: string | null | undefined,
    seen: Set<string>,
    path: string,
  ): URL | undefined {
    if (link === undefined || link === null || link === "") return undefined;
    const url = URL.canParse(link, this.base) ? new URL(link, this.base) : null;
    const quoted = withoutUserinfo(link);
    if (url === null || url.origin !== this.origin) {
      throw new ActionError(
        "api-error",
        `Cakewalk's next-page link for GET ${path} is "${quoted}", which is ` +
          `not on the api-url origin ${this.origin}. It was not followed: ` +
          `credentials never leave the api-url origin. Check that api-url ` +
          `is Cakewalk's API address.`,
      );
    }
    if (seen.has(url.href)) {
      throw new ActionError(
        "api-error",
        `Cakewalk's paging of GET ${path} came back to "${quoted}" after ` +
          `${seen.size} pages: the links form a loop, so the list cannot ` +
          `be read in full. Re-run the workflow; if it persists, report it ` +
          `to Cakewalk.`,
      );
    }
    return withoutCredentials(url);
  }

  /**
   * One GET with retries: 429 waits for Retry-After; 5xx and no answer back
   * off. 401/403 and other 4xx throw at once. It never turns a failure into
   * "not found": only a real 404, when allowed, comes back as one.
   */
  private async read(
    url: URL,
    options: { allowNotFound?: boolean } = {},
  ): Promise<Answer> {
    const request = `GET ${url.pathname}`;
    for (let attempt = 1; ; attempt++) {
      const exchange = await this.exchange("GET", url);
      if (exchange.kind === "answer") {
        const { status } = exchange;
        if (status >= 200 && status < 300) return exchange;
        if (status === 404 && options.allowNotFound) return exchange;
        this.refuseKey(exchange, request);
        if (status >= 300 && status < 400) {
          throw this.redirected(exchange, request);
        }
        if (status >= 400 && status < 500 && status !== 429) {
          throw this.readRefused(exchange, request);
        }
      }
      if (attempt >= this.settings.maxTries) {
        throw this.gaveUp(exchange, attempt, request);
      }
      await this.waitToRetry(exchange, attempt, request);
    }
  }

  private gaveUp(
    exchange: Exchange,
    attempt: number,
    request: string,
  ): ActionError {
    const last = `after ${attempt} tries (last: ${describeExchange(exchange)})`;
    if (exchange.kind === "answer") {
      return new ActionError(
        "api-error",
        `Cakewalk did not answer ${request} ${last}. Cakewalk may be down ` +
          `or overloaded; re-run the workflow later.`,
      );
    }
    // No answer at all is as likely a wrong address as an outage.
    return new ActionError(
      "api-error",
      `Could not reach Cakewalk at ${this.origin} for ${request} ${last}. ` +
        `Check the api-url input ("${this.origin}"); if it is right, ` +
        `Cakewalk may be down or overloaded: re-run the workflow later.`,
    );
  }

  private async waitToRetry(
    exchange: Exchange,
    attempt: number,
    request: string,
  ): Promise<void> {
    const { ms, why } = this.retryWait(exchange, attempt, request);
    this.budget.take(ms, `waiting ${formatDuration(ms)} more for ${request}`);
    this.log.info(`${why} (try ${attempt + 1} of ${this.settings.maxTries}).`);
    await sleep(ms);
  }

  /** How long to wait before the next try, and the log line saying why. */
  private retryWait(
    exchange: Exchange,
    attempt: number,
    request: string,
  ): { ms: number; why: string } {
    const backoff = backoffDelay(attempt, this.settings.backoffBaseMs);
    const throttled = exchange.kind === "answer" && exchange.status === 429;
    if (!throttled) {
      const said =
        exchange.kind === "answer"
          ? `Cakewalk answered HTTP ${exchange.status} to ${request}`
          : `No answer from Cakewalk (${exchange.reason}) for ${request}`;
      return {
        ms: backoff,
        why: `${said}; trying again in ${formatDuration(backoff)}`,
      };
    }
    const said = `Cakewalk answered 429 to ${request}`;
    const asked = parseRetryAfter(exchange.retryAfter);
    if (asked === undefined) {
      return {
        ms: backoff,
        why: `${said} without a usable Retry-After; waiting ${formatDuration(backoff)}`,
      };
    }
    const cap = this.settings.maxRetryAfterMs;
    if (asked <= cap) {
      return {
        ms: asked,
        why: `${said}; waiting ${formatDuration(asked)} as Retry-After asks`,
      };
    }
    return {
      ms: cap,
      why:
        `${said}; waiting ${formatDuration(cap)}, the most one wait may ` +
        `take, though Retry-After asks ${formatDuration(asked)}`,
    };
  }

  /** 401 and 403 stop the run: no later request would fare better. */
  private refuseKey(answer: Answer, request: string): void {
    const said = quoteProblem(problemDetailsOf(answer.body));
    const quoted = said ? ` (${said})` : "";
    if (answer.status === 401) {
      throw new ActionError(
        "unauthorized",
        `Cakewalk refused the API key: check api-key and api-secret. ` +
          `It answered 401 Unauthorized to ${request}${quoted}.`,
      );
    }
    if (answer.status === 403 && request.startsWith("POST")) {
      throw new ActionError(
        "unauthorized",
        `Cakewalk answered 403 Forbidden to ${request}${quoted}: the key is ` +
          `read-only: apply needs a read-and-write key. Create one in ` +
          `Cakewalk's developer settings and pass it as api-key and api-secret.`,
      );
    }
    if (answer.status === 403) {
      throw new ActionError(
        "unauthorized",
        `Cakewalk answered 403 Forbidden to ${request}${quoted}: the API key ` +
          `may not read this. Check the key in Cakewalk's developer settings.`,
      );
    }
  }

  private readRefused(answer: Answer, request: string): ActionError {
    const said = quoteProblem(problemDetailsOf(answer.body));
    return new ActionError(
      "api-error",
      `Cakewalk answered HTTP ${answer.status} to ${request}` +
        `${said ? `: ${said}` : " without details"}. ` +
        `Check api-url, and report it if it persists.`,
    );
  }

  private redirected(answer: Answer, request: string): ActionError {
    return new ActionError(
      "api-error",
      `Cakewalk answered ${request} with a redirect (HTTP ${answer.status}) ` +
        `to "${withoutUserinfo(answer.location ?? "")}". It was not ` +
        `followed: credentials never leave the api-url origin ` +
        `${this.origin}. Check that api-url is Cakewalk's API address.`,
    );
  }

  private check<T>(schema: z.ZodType<T>, value: unknown, request: string): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ActionError(
      "api-error",
      `Cakewalk's answer to ${request} is not shaped as its API documents` +
        `${where}: ${issue?.message ?? "unreadable"}. Report it to Cakewalk ` +
        `or to this action's maintainers.`,
    );
  }
}

/** The documented item: `permissionLevelId` only when there is one. */
function requestItem(grant: AccessGrant): Record<string, string> {
  const item: Record<string, string> = {
    workAppId: grant.workAppId,
    userId: grant.userId,
  };
  if (grant.permissionLevelId !== null) {
    item.permissionLevelId = grant.permissionLevelId;
  }
  return item;
}

/**
 * The URL without a user:password part. Such a part is never sent (the key
 * travels in headers) and never quoted in a message.
 */
function withoutCredentials(url: URL): URL {
  const copy = new URL(url);
  copy.username = "";
  copy.password = "";
  return copy;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
