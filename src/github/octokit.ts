// The Octokit the action talks to GitHub with: retries on server errors and
// the pacing GitHub asks of integrations (secondary rate limits).
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Log } from "../log.js";

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubTiming {
  /**
   * Milliseconds per second of wait that GitHub asks for (`retry-after`) or
   * that the retry plugin computes (1, 4, 9 s). 1000 except in tests.
   */
  msPerSecond: number;
  /**
   * Pace requests as GitHub asks: at most one write a second, one comment
   * every three seconds, waiting out secondary rate limits. The pacing is
   * shared by every Octokit in the process, so tests turn it off.
   */
  throttle: boolean;
}

export const productionTiming: GitHubTiming = {
  msPerSecond: 1000,
  throttle: true,
};

/** Retries after a rate limit, as long as each wait is at most a minute. */
const maxRateLimitRetries = 3;
const maxRateLimitWaitSeconds = 60;

export function createOctokit(options: {
  token: string;
  apiUrl: string;
  log: Log;
  timing: GitHubTiming;
}): Octokit {
  const { log, timing } = options;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const what = `${request.method} ${request.url}`;
      if (
        retryCount < maxRateLimitRetries &&
        retryAfter <= maxRateLimitWaitSeconds
      ) {
        log.info(`GitHub ${kind} hit (${what}): retrying in ${retryAfter} s`);
        return true;
      }
      log.warning(
        `GitHub ${kind} hit (${what}) and it resets in ${retryAfter} s: ` +
          "giving up on this request. Re-run the job later, or use a token " +
          "with its own rate limit (a GitHub App token).",
      );
      return false;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.warning(message),
        error: (message: string) => log.warning(message),
      },
      retry: { retryAfterBaseValue: timing.msPerSecond },
      throttle: timing.throttle
        ? {
            retryAfterBaseValue: timing.msPerSecond,
            onRateLimit: onLimit("rate limit"),
            onSecondaryRateLimit: onLimit("secondary rate limit"),
          }
        : { enabled: false },
    },
    retry,
    throttling,
  );
}
