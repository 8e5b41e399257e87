import { setTimeout as sleep } from "node:timers/promises";

/**
 * Keeps request starts under a limit per sliding window (Cakewalk publishes
 * 1,000 requests a minute). Small runs are not slowed down at all; a long
 * run waits only once it has used up the window.
 */
export class RequestPacer {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {
    if (!(limit >= 1)) {
      throw new RangeError(`The request limit must be at least 1: ${limit}`);
    }
  }

  /** Resolves when one more request may start, and counts it. */
  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) {
        this.starts.shift();
      }
      // Checking and counting happen without an await in between, so
      // concurrent callers cannot both take the last slot.
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0]! + this.windowMs - now + 1);
    }
  }
}
