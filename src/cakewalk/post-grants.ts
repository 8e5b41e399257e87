import { ActionError, errorMessage } from "../errors.js";
import type { Log } from "../log.js";
import type { AccessGrant, LiveAccess } from "../model.js";
import type { CakewalkClient } from "./client.js";
import { backoffDelay, WaitBudgetError } from "./waiting.js";

export interface PostedEntry {
  grant: AccessGrant;
  /** `not-posted`: the run stopped before this entry could be posted. */
  outcome: "posted" | "failed" | "not-posted";
  error?: { status?: number; title?: string; detail?: string };
}

export interface PostGrantsOptions {
  batchSize: number;
  /** Batches in flight at once. */
  concurrency?: number;
  log: Log;
  /** Backoff before posting again after an unknown outcome. */
  backoffBaseMs?: number;
  /** Posts of one entry while its outcome stays unknown. */
  maxTries?: number;
}

export interface PostGrantsResult {
  /** One per grant, in the order given. */
  entries: PostedEntry[];
  /** Set when a refused key or the run's wait budget stopped all posting. */
  stoppedBy?: ActionError;
}

/**
 * Posts grants in batches, a few at a time. A rejected batch is split until
 * the failing entries are isolated; after an unknown outcome the affected
 * apps are read again so that nothing Cakewalk already took is posted twice.
 */
export async function postGrants(
  client: CakewalkClient,
  grants: AccessGrant[],
  options: PostGrantsOptions,
): Promise<PostGrantsResult> {
  if (!(options.batchSize >= 1)) {
    throw new RangeError(`batchSize must be at least 1: ${options.batchSize}`);
  }
  return new PostingRun(client, grants, options).run();
}

type Index = number;

class PostingRun {
  private readonly outcomes = new Map<Index, PostedEntry>();
  private stoppedBy?: ActionError;
  private readonly maxTries: number;
  private readonly backoffBaseMs: number;

  constructor(
    private readonly client: CakewalkClient,
    private readonly grants: AccessGrant[],
    private readonly options: PostGrantsOptions,
  ) {
    this.maxTries = options.maxTries ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
  }

  async run(): Promise<PostGrantsResult> {
    const batches = chunk(
      this.grants.map((_, index) => index),
      this.options.batchSize,
    );
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const number = next++;
        await this.postBatch(batches[number]!, number + 1, batches.length);
      }
    };
    const workers = Math.min(this.options.concurrency ?? 3, batches.length);
    await Promise.all(Array.from({ length: workers }, worker));

    const entries = this.grants.map(
      (grant, index): PostedEntry =>
        this.outcomes.get(index) ?? { grant, outcome: "not-posted" },
    );
    return this.stoppedBy
      ? { entries, stoppedBy: this.stoppedBy }
      : { entries };
  }

  private async postBatch(
    batch: Index[],
    number: number,
    total: number,
  ): Promise<void> {
    if (this.stoppedBy) return;
    await this.post(batch, 1);
    const count = (outcome: PostedEntry["outcome"] | undefined): number =>
      batch.filter((index) => this.outcomes.get(index)?.outcome === outcome)
        .length;
    const counts = [
      [count("posted"), "posted"],
      [count("failed"), "failed"],
      [count(undefined), "not posted"],
    ] as const;
    const said = counts
      .filter(([n]) => n > 0)
      .map(([n, what], at) => `${at === 0 ? accesses(n) : n} ${what}`)
      .join(", ");
    // Entries are left unmarked only when the run stopped during the batch.
    const stopped = count(undefined) > 0 ? `${this.stopReason()}; ` : "";
    this.options.log.info(`Batch ${number} of ${total}: ${stopped}${said}.`);
  }

  private stopReason(): string {
    return this.stoppedBy instanceof WaitBudgetError
      ? "the run ran out of time to wait for Cakewalk"
      : "Cakewalk refused the key";
  }

  /** `round` counts the posts of these entries while the outcome is unknown. */
  private async post(batch: Index[], round: number): Promise<void> {
    if (this.stoppedBy || batch.length === 0) return;
    const items = batch.map((index) => this.grants[index]!);
    let outcome;
    try {
      outcome = await this.client.postAccesses(items);
    } catch (error) {
      this.fail(batch, error);
      return;
    }
    if (outcome.kind === "accepted") {
      this.mark(batch, "posted");
    } else if (outcome.kind === "rejected" && batch.length === 1) {
      const { status, title, detail } = outcome;
      this.mark(batch, "failed", { status, title, detail });
    } else if (outcome.kind === "rejected") {
      // Cakewalk rejects a whole batch for one bad entry (our assumption,
      // API.md §8): halve it until the bad entries stand alone.
      const middle = Math.ceil(batch.length / 2);
      await this.post(batch.slice(0, middle), round);
      await this.post(batch.slice(middle), round);
    } else {
      await this.settleUnknown(batch, round, outcome.reason);
    }
  }

  /**
   * Cakewalk may or may not have taken the batch: read the apps again, keep
   * what is in place, and post only the rest again.
   */
  private async settleUnknown(
    batch: Index[],
    round: number,
    reason: string,
  ): Promise<void> {
    let live: Map<string, LiveAccess[]>;
    try {
      live = await this.readBack(batch);
    } catch (error) {
      this.fail(
        batch,
        error,
        `The outcome of the post was unknown (${reason}) and reading the accesses back failed`,
      );
      return;
    }
    const rest = batch.filter((index) => !isInPlace(this.grants[index]!, live));
    this.mark(
      batch.filter((index) => !rest.includes(index)),
      "posted",
    );
    this.options.log.info(
      `The outcome of a post of ${accesses(batch.length)} is unknown ` +
        `(${reason}); reading back shows ${batch.length - rest.length} in ` +
        `place, ${rest.length} to post again.`,
    );
    if (rest.length === 0) return;
    if (round >= this.maxTries) {
      this.mark(rest, "failed", {
        detail:
          `The outcome stayed unknown after ${round} posts (last: ` +
          `${reason}), and Cakewalk does not show this access. ` +
          `Re-run the workflow: it posts only what is still missing.`,
      });
      return;
    }
    try {
      await this.client.pause(
        backoffDelay(round, this.backoffBaseMs),
        `Posting ${accesses(rest.length)} again (last post: ${reason})`,
      );
    } catch (error) {
      this.fail(rest, error);
      return;
    }
    await this.post(rest, round + 1);
  }

  private async readBack(batch: Index[]): Promise<Map<string, LiveAccess[]>> {
    const apps = new Map<string, string>();
    for (const index of batch) {
      const { workAppId } = this.grants[index]!;
      apps.set(workAppId.toLowerCase(), workAppId);
    }
    const live = new Map<string, LiveAccess[]>();
    await Promise.all(
      [...apps].map(async ([key, workAppId]) => {
        live.set(
          key,
          await this.client.listAccesses(workAppId, { fresh: true }),
        );
      }),
    );
    return live;
  }

  /**
   * A refused key or an exhausted wait budget stops all posting; any other
   * failure the action understands fails only these entries.
   */
  private fail(batch: Index[], error: unknown, context?: string): void {
    const stops =
      error instanceof WaitBudgetError ||
      (error instanceof ActionError && error.reason === "unauthorized");
    if (stops) {
      if (!this.stoppedBy) {
        this.options.log.info(`Stopped posting: ${error.message}`);
        this.stoppedBy = error;
      }
      return;
    }
    if (!(error instanceof ActionError)) throw error;
    const detail = context
      ? `${context}: ${errorMessage(error)}`
      : errorMessage(error);
    this.mark(batch, "failed", { detail });
  }

  private mark(
    batch: Index[],
    outcome: PostedEntry["outcome"],
    error?: PostedEntry["error"],
  ): void {
    for (const index of batch) {
      const entry: PostedEntry = { grant: this.grants[index]!, outcome };
      if (error) entry.error = withoutUndefined(error);
      this.outcomes.set(index, entry);
    }
  }
}

function isInPlace(
  grant: AccessGrant,
  live: Map<string, LiveAccess[]>,
): boolean {
  const accesses = live.get(grant.workAppId.toLowerCase()) ?? [];
  const wanted = grant.permissionLevelId?.toLowerCase() ?? null;
  return accesses.some(
    (access) =>
      access.user.id.toLowerCase() === grant.userId.toLowerCase() &&
      (access.permissionLevel?.id.toLowerCase() ?? null) === wanted,
  );
}

/** "1 access", "2 accesses". */
function accesses(count: number): string {
  return `${count} ${count === 1 ? "access" : "accesses"}`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
