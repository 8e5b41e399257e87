import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { minimatch } from "minimatch";
import { ActionError, errorMessage } from "./errors.js";
import type { Log } from "./log.js";

const run = promisify(execFile);

/** Larger manifests are refused before they are read (SPEC: 10 MiB). */
export const maxManifestBytes = 10 * 1024 * 1024;

/** One manifest file in a commit's tree. */
export interface ListedFile {
  path: string;
  /** The blob id: equal ids mean equal content. */
  blob: string;
  size: number;
}

/** One manifest file as stored at a commit. */
export interface StoredFile {
  path: string;
  /** The blob id: equal ids mean equal content. */
  blob: string;
  content: Buffer;
}

/**
 * Reads files from the workspace's git repository at exact commits, never
 * from the working tree (an earlier step may have changed it). The default
 * shallow `actions/checkout` has one commit; any other commit is fetched
 * from `origin` on demand, one commit deep.
 */
export class GitReader {
  private readonly fetched = new Set<string>();
  /** Fetches one at a time: concurrent fetches fight over shallow.lock. */
  private fetching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {}

  private async git(args: string[]): Promise<string> {
    const { stdout } = await run("git", args, {
      cwd: this.dir,
      encoding: "utf8",
      maxBuffer: maxManifestBytes * 4,
    });
    return stdout;
  }

  private async gitBytes(args: string[]): Promise<Buffer> {
    const { stdout } = await run("git", args, {
      cwd: this.dir,
      encoding: "buffer",
      maxBuffer: maxManifestBytes * 2,
    });
    return stdout;
  }

  /** Checks that the workspace is a git repository with an `origin`. */
  async check(): Promise<void> {
    try {
      await this.git(["rev-parse", "--git-dir"]);
    } catch {
      throw new ActionError(
        "invalid-manifest",
        `The workspace "${this.dir}" is not a git repository: add ` +
          "`- uses: actions/checkout@v4` before this action.",
      );
    }
  }

  /** Makes sure a commit is present, fetching it when the clone lacks it. */
  async ensureCommit(sha: string): Promise<void> {
    if (this.fetched.has(sha) || (await this.hasCommit(sha))) {
      this.fetched.add(sha);
      return;
    }
    try {
      await this.fetch(sha);
    } catch {
      throw new ActionError(
        "base-not-found",
        `Commit ${sha} is not in the checkout and could not be fetched ` +
          "from origin: it may not exist (a mistyped SHA, or history " +
          "rewritten), or the checkout has no credentials to fetch with " +
          "(keep actions/checkout's default persist-credentials). The " +
          "log's debug lines have git's own words.",
      );
    }
    if (!(await this.hasCommit(sha))) {
      throw new ActionError(
        "base-not-found",
        `Commit ${sha} could not be fetched from origin.`,
      );
    }
    this.fetched.add(sha);
  }

  /** `git fetch` of one commit or ref, one commit deep, queued. */
  private fetch(what: string): Promise<void> {
    const next = this.fetching.then(async () => {
      if (/^[0-9a-f]{40}$/.test(what) && (await this.hasCommit(what))) return;
      this.log.info(`Fetching ${what} from origin`);
      try {
        await this.git([
          "fetch",
          "--no-tags",
          "--depth=1",
          "--end-of-options",
          "origin",
          what,
        ]);
      } catch (error) {
        this.log.debug(`git fetch ${what}: ${errorMessage(error).trim()}`);
        throw error;
      }
    });
    this.fetching = next.catch(() => undefined);
    return next;
  }

  private async hasCommit(sha: string): Promise<boolean> {
    try {
      await this.git(["cat-file", "-e", `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Turns a SHA or a ref name (branch, tag, full ref) into a commit SHA,
   * fetching it from origin.
   */
  async resolveCommit(refOrSha: string): Promise<string> {
    if (/^[0-9a-f]{40}$/i.test(refOrSha)) {
      await this.ensureCommit(refOrSha.toLowerCase());
      return refOrSha.toLowerCase();
    }
    try {
      // FETCH_HEAD is read inside the queue, before another fetch moves it.
      let sha = "";
      await this.fetch(refOrSha).then(async () => {
        sha = (await this.git(["rev-parse", "FETCH_HEAD^{commit}"])).trim();
      });
      return sha;
    } catch {
      const short = /^[0-9a-f]{7,39}$/i.test(refOrSha)
        ? " If it is a shortened commit SHA, give all 40 characters."
        : "";
      throw new ActionError(
        "base-not-found",
        `Input "base" is "${refOrSha}", which origin has neither as a ` +
          `branch, a tag nor a ref.${short}`,
      );
    }
  }

  /** The parents of a commit (present in the commit even when shallow). */
  async parents(sha: string): Promise<string[]> {
    await this.ensureCommit(sha);
    const text = await this.git(["cat-file", "-p", sha]);
    return [...text.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!);
  }

  /**
   * The files at a commit that the `manifest` input names (a path, or a
   * glob matched against every path in the commit's tree), without their
   * contents: enough to tell whether two commits' manifests differ.
   */
  async listManifest(sha: string, pattern: string): Promise<ListedFile[]> {
    await this.ensureCommit(sha);
    const listing = await this.git(["ls-tree", "-r", "-z", "--long", sha]);
    const wanted = pattern.replace(/^\.\//, "");
    return listing
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split("\t") as [string, string];
        const [, type, blob, size] = meta.split(/\s+/) as string[];
        return { path, type, blob: blob!, size: Number(size) };
      })
      .filter((e) => e.type === "blob")
      .filter((e) => e.path === wanted || minimatch(e.path, wanted))
      .map(({ path, blob, size }) => ({ path, blob, size }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The manifest files at a commit, with their contents. */
  async manifestFiles(sha: string, pattern: string): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    for (const entry of await this.listManifest(sha, pattern)) {
      if (entry.size > maxManifestBytes) {
        throw new ActionError(
          "invalid-manifest",
          `${entry.path} is ${entry.size} bytes at ${sha.slice(0, 12)}: ` +
            "manifests over 10 MiB are refused. Split it into several " +
            "files and name them with a glob in the `manifest` input.",
        );
      }
      const content = await this.gitBytes(["cat-file", "blob", entry.blob]);
      files.push({ path: entry.path, blob: entry.blob, content });
    }
    return files;
  }
}
