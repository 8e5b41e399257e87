// The stand-in GitHub's HTTP side: REST routes and GraphQL over node:http on
// 127.0.0.1, with GitHub's token identities and error answers, a record of
// every request, and injected faults for retry tests.
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { answerGraphql } from "./github-graphql.js";
import {
  ZERO_SHA,
  timestamp,
  type Account,
  type StandInRepository,
} from "./github-repo.js";
import {
  accountJson,
  commentJson,
  comparisonJson,
  pullJson,
  refJson,
  repositoryJson,
  repositoryNodeId,
  type CommentRecord,
  type ShapeContext,
} from "./github-shapes.js";

/** Who a token is, as GitHub's REST and GraphQL APIs each show it. */
export interface TokenIdentity {
  kind: "workflow" | "app" | "personal";
  /** The REST account: bots carry the "[bot]" suffix and type "Bot". */
  account: Account;
  /** GraphQL `viewer.login`: bots without the suffix. */
  graphqlLogin: string;
  /** GraphQL `viewer.databaseId`. */
  graphqlDatabaseId: number | null;
  /** False for a fork's read-only token: every write is refused. */
  canWrite: boolean;
}

export interface RecordedRequest {
  method: string;
  /** The path without the query string, percent-decoded. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  token?: string;
}

export interface Fault {
  /** Any method when left out. */
  method?: string;
  /** The exact path (no query string), or a pattern for it. */
  path: string | RegExp;
  status: number;
  /** How many matching requests fail; 1 when left out. */
  times?: number;
  /** Defaults to GitHub's error body for the status. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ServerOptions {
  repository: StandInRepository;
  owner: string;
  repo: string;
  repoId: number;
  serverUrl: string;
  tokens: Record<string, TokenIdentity>;
  refuseCustomRefNamespaces: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  identity: TokenIdentity;
  params: string[];
}

type Handler = (request: Request) => Promise<Reply> | Reply;

/** GitHub's limit on an issue or comment body, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;

const docs = "https://docs.github.com/rest";

export class StandInServer {
  readonly requests: RecordedRequest[] = [];
  readonly comments: CommentRecord[] = [];
  private readonly faults: (Fault & { left: number })[] = [];
  private nextCommentId = 1_000_001;
  private readonly routes: [string, RegExp, Handler][];
  private server?: Server;
  context!: ShapeContext;

  constructor(private readonly options: ServerOptions) {
    const repo = "/repos/([^/]+)/([^/]+)";
    this.routes = [
      ["GET", /^\/user$/, (r) => this.user(r)],
      ["POST", /^\/graphql$/, (r) => this.graphql(r)],
      ["GET", new RegExp(`^${repo}$`), () => this.repository()],
      ["GET", new RegExp(`^${repo}/git/ref/(.+)$`), (r) => this.getRef(r)],
      ["POST", new RegExp(`^${repo}/git/refs$`), (r) => this.createRef(r)],
      [
        "PATCH",
        new RegExp(`^${repo}/git/refs/(.+)$`),
        (r) => this.updateRef(r),
      ],
      ["GET", new RegExp(`^${repo}/compare/(.+)$`), (r) => this.compare(r)],
      [
        "GET",
        new RegExp(`^${repo}/commits/([^/]+)/pulls$`),
        (r) => this.pullsForCommit(r),
      ],
      ["GET", new RegExp(`^${repo}/pulls/(\\d+)$`), (r) => this.pull(r)],
      [
        "GET",
        new RegExp(`^${repo}/issues/(\\d+)/comments$`),
        (r) => this.listComments(r),
      ],
      [
        "POST",
        new RegExp(`^${repo}/issues/(\\d+)/comments$`),
        (r) => this.createComment(r),
      ],
      [
        "GET",
        new RegExp(`^${repo}/issues/comments/(\\d+)$`),
        (r) => this.getComment(r),
      ],
      [
        "PATCH",
        new RegExp(`^${repo}/issues/comments/(\\d+)$`),
        (r) => this.updateComment(r),
      ],
    ];
  }

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        send(response, { status: 500, body: { message: String(error) } });
      });
    });
    this.server = server;
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    const { port } = server.address() as AddressInfo;
    const apiUrl = `http://127.0.0.1:${port}`;
    this.context = {
      owner: this.options.owner,
      repo: this.options.repo,
      repoId: this.options.repoId,
      defaultBranch: this.options.repository.defaultBranch,
      apiUrl,
      serverUrl: this.options.serverUrl,
    };
    return apiUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  failNext(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  addComment(issue: number, body: string, user: Account): CommentRecord {
    const now = timestamp();
    const comment: CommentRecord = {
      id: this.nextCommentId++,
      issue,
      body,
      user,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(comment);
    return comment;
  }

  // -------------------------------------------------------------------------
  // Dispatch

  private async handle(
    incoming: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(incoming.url ?? "/", "http://stand-in");
    const method = incoming.method ?? "GET";
    const path = this.canonicalPath(url.pathname);
    const body = await readBody(incoming);
    const token = bearer(incoming.headers.authorization);
    // Octokit sends a ref's slashes as %2F; records and faults use the
    // decoded path so tests can name it as written.
    const readable = safeDecode(path);
    this.requests.push({
      method,
      path: readable,
      query: Object.fromEntries(url.searchParams),
      body,
      token,
    });
    const fault = this.takeFault(method, readable);
    if (fault) return send(response, fault);
    const identity = token ? this.options.tokens[token] : undefined;
    if (!identity) {
      return send(response, error(401, "Bad credentials"));
    }
    send(
      response,
      await this.route(method, path, url.searchParams, body, identity),
    );
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    identity: TokenIdentity,
  ): Promise<Reply> {
    for (const [routeMethod, pattern, handler] of this.routes) {
      const match = pattern.exec(path);
      if (!match || routeMethod !== method) continue;
      const params = match
        .slice(1)
        .map((part) => decodeURIComponent(part ?? ""));
      if (path.startsWith("/repos/") && !this.isOurRepository(params)) {
        return error(404, "Not Found");
      }
      const isWrite = method !== "GET" && path !== "/graphql";
      if (isWrite && !identity.canWrite) {
        return error(403, "Resource not accessible by integration");
      }
      return handler({
        method,
        path,
        query,
        body,
        identity,
        params: params.slice(2),
      });
    }
    return error(404, "Not Found");
  }

  /** `/repositories/{id}/…` (used in Link headers) names the same routes. */
  private canonicalPath(path: string): string {
    const prefix = `/repositories/${this.options.repoId}/`;
    if (!path.startsWith(prefix)) return path;
    return `/repos/${this.options.owner}/${this.options.repo}/${path.slice(prefix.length)}`;
  }

  private isOurRepository(params: string[]): boolean {
    const same = (a: string | undefined, b: string) =>
      a?.toLowerCase() === b.toLowerCase();
    return (
      same(params[0], this.options.owner) && same(params[1], this.options.repo)
    );
  }

  private takeFault(method: string, path: string): Reply | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.left > 0 &&
        (candidate.method === undefined || candidate.method === method) &&
        (typeof candidate.path === "string"
          ? candidate.path === path
          : candidate.path.test(path)),
    );
    if (!fault) return undefined;
    fault.left -= 1;
    const reply = error(fault.status, statusText(fault.status));
    return {
      status: fault.status,
      body: fault.body ?? reply.body,
      headers: fault.headers,
    };
  }

  // -------------------------------------------------------------------------
  // Identity and repository

  private user({ identity }: Request): Reply {
    if (identity.kind !== "personal") {
      return error(403, "Resource not accessible by integration");
    }
    return { status: 200, body: accountJson(identity.account, this.context) };
  }

  private repository(): Reply {
    return { status: 200, body: repositoryJson(this.context) };
  }

  private graphql({ body, identity }: Request): Promise<Reply> {
    return answerGraphql(body, {
      identity,
      repository: this.options.repository,
      owner: this.options.owner,
      repo: this.options.repo,
      repositoryId: repositoryNodeId(this.context),
      refuseRef: (ref) => this.refusesRef(ref),
    }).then((answer) => ({ status: 200, body: answer }));
  }

  // -------------------------------------------------------------------------
  // Refs

  private refusesRef(ref: string): boolean {
    return (
      this.options.refuseCustomRefNamespaces &&
      !ref.startsWith("refs/heads/") &&
      !ref.startsWith("refs/tags/")
    );
  }

  private async getRef({ params }: Request): Promise<Reply> {
    const ref = `refs/${params[0] ?? ""}`;
    const sha = await this.options.repository.readRef(ref);
    if (!sha) return error(404, "Not Found");
    return { status: 200, body: refJson(ref, sha, this.context) };
  }

  private createRef({ body }: Request): Promise<Reply> {
    const { ref, sha } = (body ?? {}) as { ref?: unknown; sha?: unknown };
    if (typeof ref !== "string" || typeof sha !== "string") {
      return Promise.resolve(
        error(422, 'Invalid request.\n\n"ref" and "sha" are required.'),
      );
    }
    // GitHub wants a fully qualified name with at least two slashes.
    if (!/^refs\/[^/]+\/.+/.test(ref) || this.refusesRef(ref)) {
      return Promise.resolve(error(422, "Reference name is invalid"));
    }
    const repository = this.options.repository;
    return repository.exclusive(async () => {
      if (
        !(await repository.resolveCommit(sha)) ||
        !/^[0-9a-f]{40}$/.test(sha)
      ) {
        return error(422, "Object does not exist");
      }
      if (await repository.readRef(ref)) {
        return error(422, "Reference already exists");
      }
      await repository.writeRef(ref, sha, ZERO_SHA);
      return { status: 201, body: refJson(ref, sha, this.context) };
    });
  }

  private updateRef({ params, body }: Request): Promise<Reply> {
    const ref = `refs/${params[0] ?? ""}`;
    const { sha, force } = (body ?? {}) as { sha?: unknown; force?: unknown };
    if (typeof sha !== "string") {
      return Promise.resolve(
        error(422, 'Invalid request.\n\n"sha" wasn\'t supplied.'),
      );
    }
    const repository = this.options.repository;
    return repository.exclusive(async () => {
      const current = await repository.readRef(ref);
      if (!current) return error(422, "Reference does not exist");
      if (!(await repository.resolveCommit(sha))) {
        return error(422, "Object does not exist");
      }
      if (force !== true && !(await repository.isAncestor(current, sha))) {
        return error(422, "Update is not a fast forward");
      }
      await repository.writeRef(ref, sha, current);
      return { status: 200, body: refJson(ref, sha, this.context) };
    });
  }

  // -------------------------------------------------------------------------
  // Commits and pull requests

  private async compare({ params, query }: Request): Promise<Reply> {
    const [base, head] = (params[0] ?? "").split("...");
    if (base === undefined || head === undefined)
      return error(404, "Not Found");
    const comparison = await this.options.repository.compare(base, head);
    if (!comparison) return error(404, "Not Found");
    // Without paging parameters GitHub lists at most 250 commits.
    const paged = query.has("page") || query.has("per_page");
    const perPage = paged ? pageSize(query, 250) : 250;
    const page = paged ? pageNumber(query) : 1;
    const commits = comparison.commits.slice(
      (page - 1) * perPage,
      page * perPage,
    );
    const headers = paged
      ? linkHeader(
          this.context.apiUrl + this.repoPath(`compare/${base}...${head}`),
          {
            page,
            perPage,
            total: comparison.commits.length,
          },
        )
      : {};
    return {
      status: 200,
      body: comparisonJson(comparison, commits, this.context),
      headers,
    };
  }

  private async pullsForCommit({ params }: Request): Promise<Reply> {
    const pulls = await this.options.repository.pullsForCommit(params[0] ?? "");
    if (!pulls) {
      return error(422, `No commit found for SHA: ${params[0] ?? ""}`);
    }
    return {
      status: 200,
      body: pulls.map((pull) => pullJson(pull, this.context, false)),
    };
  }

  private pull({ params }: Request): Reply {
    const pull = this.options.repository.pulls.get(Number(params[0]));
    if (!pull) return error(404, "Not Found");
    return { status: 200, body: pullJson(pull, this.context, true) };
  }

  // -------------------------------------------------------------------------
  // Issue comments

  private listComments({ params, query }: Request): Reply {
    const issue = Number(params[0]);
    if (!this.options.repository.pulls.has(issue))
      return error(404, "Not Found");
    const all = this.comments.filter((comment) => comment.issue === issue);
    const perPage = pageSize(query, 30);
    const page = pageNumber(query);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const url = `${this.context.apiUrl}/repositories/${this.options.repoId}/issues/${issue}/comments`;
    return {
      status: 200,
      body: slice.map((comment) => commentJson(comment, this.context)),
      headers: linkHeader(url, { page, perPage, total: all.length }),
    };
  }

  private createComment({ params, body, identity }: Request): Reply {
    const issue = Number(params[0]);
    if (!this.options.repository.pulls.has(issue))
      return error(404, "Not Found");
    const invalid = invalidCommentBody(body);
    if (invalid) return invalid;
    const text = (body as { body: string }).body;
    const comment = this.addComment(issue, text, identity.account);
    return { status: 201, body: commentJson(comment, this.context) };
  }

  private getComment({ params }: Request): Reply {
    const comment = this.comments.find((c) => c.id === Number(params[0]));
    if (!comment) return error(404, "Not Found");
    return { status: 200, body: commentJson(comment, this.context) };
  }

  private updateComment({ params, body }: Request): Reply {
    const comment = this.comments.find((c) => c.id === Number(params[0]));
    if (!comment) return error(404, "Not Found");
    const invalid = invalidCommentBody(body);
    if (invalid) return invalid;
    comment.body = (body as { body: string }).body;
    comment.updatedAt = timestamp();
    return { status: 200, body: commentJson(comment, this.context) };
  }

  private repoPath(rest: string): string {
    return `/repos/${this.options.owner}/${this.options.repo}/${rest}`;
  }
}

// ---------------------------------------------------------------------------

function invalidCommentBody(body: unknown): Reply | undefined {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== "string") {
    return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
  }
  // Assumed: GitHub counts characters (code points), not UTF-16 units.
  if ([...text].length > MAX_COMMENT_LENGTH) {
    return {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [
          {
            resource: "IssueComment",
            code: "custom",
            field: "body",
            message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
          },
        ],
        documentation_url: docs,
        status: "422",
      },
    };
  }
  return undefined;
}

function pageSize(query: URLSearchParams, fallback: number): number {
  const asked = Number(query.get("per_page") ?? fallback);
  if (!Number.isInteger(asked) || asked < 1) return fallback;
  return Math.min(asked, 100);
}

function pageNumber(query: URLSearchParams): number {
  const asked = Number(query.get("page") ?? 1);
  return Number.isInteger(asked) && asked >= 1 ? asked : 1;
}

/** GitHub's `Link` header: next and last, then first and prev after page 1. */
function linkHeader(
  url: string,
  { page, perPage, total }: { page: number; perPage: number; total: number },
): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / perPage));
  const at = (n: number) => `<${url}?per_page=${perPage}&page=${n}>`;
  const links: string[] = [];
  if (page < last)
    links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1)
    links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
  return links.length > 0 ? { link: links.join(", ") } : {};
}

function error(status: number, message: string): Reply {
  return {
    status,
    body: { message, documentation_url: docs, status: String(status) },
  };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Server Error",
    503: "Service Unavailable",
  };
  return texts[status] ?? `Error ${status}`;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    "x-github-request-id": `STAND-IN:${Date.now().toString(16)}`,
    ...reply.headers,
  };
  if (reply.body === undefined) {
    response.writeHead(reply.status, headers).end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  response.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}
