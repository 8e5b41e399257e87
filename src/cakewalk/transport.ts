import { formatDuration } from "./waiting.js";

/** What one HTTP exchange with Cakewalk gave: an answer or no answer. */
export type Exchange =
  | {
      kind: "answer";
      status: number;
      retryAfter: string | null;
      location: string | null;
      /** The parsed JSON body; undefined when empty or not JSON. */
      body: unknown;
    }
  | { kind: "no-answer"; reason: string };

export interface SendOptions {
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/**
 * One request, no retries. Network failures and timeouts come back as
 * `no-answer` rather than thrown, so callers decide what they mean.
 */
export async function send(options: SendOptions): Promise<Exchange> {
  try {
    const response = await fetch(options.url, {
      method: options.method,
      headers: options.headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
      // Redirects are not followed: fetch would carry the X-API-* headers to
      // wherever the redirect points.
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return {
      kind: "answer",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      location: response.headers.get("location"),
      body: parseJson(text),
    };
  } catch (error) {
    return { kind: "no-answer", reason: describeFailure(error, options) };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Plain words for the network error codes a wrong api-url or outage gives. */
const failureWords: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection closed",
  // Node's fetch (undici) says this when the server closes the socket.
  UND_ERR_SOCKET: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
};

/**
 * Why there was no answer, in words that fit "No answer from Cakewalk (…)".
 * Never quotes a user:password part, which fetch's own messages may hold.
 */
function describeFailure(error: unknown, options: SendOptions): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `timed out after ${formatDuration(options.timeoutMs)}`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && "code" in cause && cause.code) {
    const code = String(cause.code);
    return `${failureWords[code] ?? "connection failed"}: ${code}`;
  }
  // Assumed from Node's fetch (undici): it refuses ports the Fetch standard
  // blocks (1, 25, 6000, ...) with the cause "bad port" and no code.
  if (cause instanceof Error && cause.message === "bad port") {
    return `connection failed: fetch does not connect to port ${options.url.port}`;
  }
  // fetch's own message is a bare "fetch failed"; the cause says more.
  const message =
    cause instanceof Error
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  return `connection failed: ${withoutUserinfo(message)}`;
}

/**
 * The text with the user:password part of any URL in it left out, so that
 * no log line or error message echoes a password.
 */
export function withoutUserinfo(text: string): string {
  return text.replace(/\/\/[^\s/?#@"'<>]*@/g, "//");
}

/** Cakewalk's ProblemDetails, as far as an error body carries one. */
export interface ProblemDetails {
  title?: string;
  detail?: string;
}

export function problemDetailsOf(body: unknown): ProblemDetails {
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const problem: ProblemDetails = {};
  if (typeof record.title === "string") problem.title = record.title;
  if (typeof record.detail === "string") problem.detail = record.detail;
  return problem;
}

/** `"Title": detail`, or an empty string when Cakewalk said nothing. */
export function quoteProblem(problem: ProblemDetails): string {
  const parts: string[] = [];
  if (problem.title) parts.push(`"${problem.title}"`);
  if (problem.detail) parts.push(problem.detail);
  return withoutUserinfo(parts.join(": "));
}

/** "429", "503", or the reason there was no answer. */
export function describeExchange(exchange: Exchange): string {
  return exchange.kind === "answer"
    ? `HTTP ${exchange.status}`
    : exchange.reason;
}
