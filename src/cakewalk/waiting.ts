import { ActionError } from "../errors.js";

/**
 * The run ran out of time to wait for Cakewalk. It stops all posting, unlike
 * other `api-error`s, which only fail the batch they happened in.
 */
export class WaitBudgetError extends ActionError {
  constructor(message: string) {
    super("api-error", message);
    this.name = "WaitBudgetError";
  }
}

/**
 * The time a whole run may spend waiting for Cakewalk to recover (429s,
 * backoff after failures). Shared by every request of one client.
 */
export class WaitBudget {
  private spentMs = 0;

  constructor(readonly limitMs: number) {}

  /**
   * Counts `ms` against the budget, or throws when that would take the run
   * past it. The caller then waits; it is split so the wait can be logged
   * only when it really happens.
   */
  take(ms: number, what: string): void {
    if (this.spentMs + ms > this.limitMs) {
      throw new WaitBudgetError(
        `Gave up on Cakewalk: ${what} would take the time spent waiting ` +
          `for it this run past ${formatDuration(this.limitMs)} ` +
          `(${formatDuration(this.spentMs)} so far). Cakewalk is throttling ` +
          `or failing; re-run the workflow later.`,
      );
    }
    this.spentMs += ms;
  }
}

/**
 * How long a `Retry-After` header asks to wait, in ms: either delay-seconds
 * or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  now = Date.now(),
): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const maxBackoffMs = 30_000;

/**
 * Exponential backoff with full jitter: a random wait up to base * 2^n, so
 * that concurrent retries spread out. At least 1 ms, so every retry counts
 * against the run's waiting budget.
 */
export function backoffDelay(attempt: number, baseMs: number): number {
  const ceiling = Math.min(baseMs * 2 ** (attempt - 1), maxBackoffMs);
  return Math.max(1, Math.round(Math.random() * ceiling));
}

/** "250 ms", "3 s", "1.5 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 100) / 10;
  if (seconds < 60) return `${seconds} s`;
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
