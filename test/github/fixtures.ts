// What the GitHub tests share: a client of the action pointed at a stand-in,
// with waits scaled down (1 ms per second) and a log that keeps its lines.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createGitHub, type GitHub } from "../../src/github/client.js";
import { recordingLog } from "../../src/log.js";
import type { GitHubStandIn } from "../../stand-ins/github.js";

const execFileAsync = promisify(execFile);

export function clientFor(
  github: GitHubStandIn,
  token: string,
  options: { throttle?: boolean } = {},
): { client: GitHub; log: ReturnType<typeof recordingLog> } {
  const log = recordingLog();
  const client = createGitHub({
    token,
    apiUrl: github.apiUrl,
    graphqlUrl: github.graphqlUrl,
    owner: github.owner,
    repo: github.repo,
    log,
    timing: { msPerSecond: 1, throttle: options.throttle ?? false },
  });
  return { client, log };
}

/** Calls the stand-in's API directly, as any HTTP client would. */
export async function call(
  github: GitHubStandIn,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `token ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${github.apiUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
    headers: response.headers,
  };
}

/** git in a test's own folder; throws with git's message when it fails. */
export async function gitIn(dir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, {
    cwd: dir,
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" },
  });
  return stdout.trim();
}
