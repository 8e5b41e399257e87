// The repository behind the stand-in GitHub: a real bare git repository
// (what clones fetch from) and the pull requests GitHub would keep beside
// it. Commits are written straight into the bare repository with git's
// plumbing; a work clone is made only to replay commits for rebase merges.
// Merges produce the commit shapes GitHub produces for each merge method.
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  commitClock,
  git,
  gitSucceeds,
  standInCommitter,
  type GitIdentity,
} from "./git.js";

/** Files to write in one commit: a path's text, or null to delete it. */
export type FileChanges = Record<string, string | null>;

export type MergeMethod = "merge" | "squash" | "rebase";

export interface Account {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export const ZERO_SHA = "0".repeat(40);

export interface PullRequestRecord {
  number: number;
  title: string;
  body: string;
  branch: string;
  author: Account;
  state: "open" | "closed";
  createdAt: string;
  updatedAt: string;
  mergedAt?: string;
  mergeMethod?: MergeMethod;
  /** The merge commit, the squash commit or the last rebased commit. */
  mergeCommitSha?: string;
  headSha: string;
  /** The default branch's tip when the pull request was last computed. */
  baseSha: string;
  /** The pull request's own commits, oldest first. */
  commits: string[];
  /** Copies of `commits` that a rebase merge put on the default branch. */
  rebasedCommits: string[];
  /** Absent when head and base do not merge cleanly. */
  testMergeSha?: string;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

export interface Comparison {
  status: "ahead" | "behind" | "identical" | "diverged";
  aheadBy: number;
  behindBy: number;
  baseSha: string;
  mergeBaseSha: string;
  /** Commits reachable from head and not from base, oldest first. */
  commits: CommitInfo[];
  files: { filename: string; status: string }[];
}

export interface RefUpdate {
  name: string;
  /** undefined: no check; ZERO_SHA: the ref must not exist. */
  beforeOid?: string;
  /** ZERO_SHA deletes the ref. */
  afterOid: string;
  force: boolean;
}

export interface RepositoryOptions {
  owner: string;
  defaultBranch: string;
  files: FileChanges;
}

export const defaultAuthor: Account = {
  login: "octocat",
  id: 583231,
  type: "User",
};

export class StandInRepository {
  readonly pulls = new Map<number, PullRequestRecord>();
  readonly remoteUrl: string;
  private nextNumber = 1;
  private readonly tick = commitClock();
  /** For push events: the value the default branch had before each push. */
  private readonly pushedOver = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private workReady?: Promise<string>;

  private constructor(
    readonly root: string,
    readonly bareDir: string,
    readonly workDir: string,
    readonly owner: string,
    readonly defaultBranch: string,
  ) {
    this.remoteUrl = pathToFileURL(bareDir).href;
  }

  static async create(options: RepositoryOptions): Promise<StandInRepository> {
    const root = await mkdtemp(join(tmpdir(), "github-stand-in-"));
    const bareDir = join(root, "origin.git");
    const workDir = join(root, "work");
    const repository = new StandInRepository(
      root,
      bareDir,
      workDir,
      options.owner,
      options.defaultBranch,
    );
    await repository.initialise(options.files);
    return repository;
  }

  /** Runs one change at a time, as GitHub serialises pushes to a repository. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------
  // Test controls

  /** Pushes one commit, or one per item, to the default branch; returns the tip. */
  async commitToDefault(
    files: FileChanges | FileChanges[],
    message: string,
  ): Promise<string> {
    return this.exclusive(async () => {
      const before = await this.tip();
      const sha = await this.authorCommits(before, files, {
        title: message,
        author: defaultAuthor,
      });
      await this.pushBranch(sha, this.defaultBranch, before);
      return sha;
    });
  }

  async openPullRequest(options: {
    title: string;
    branch: string;
    files: FileChanges | FileChanges[];
    author?: Account;
    body?: string;
  }): Promise<number> {
    return this.exclusive(async () => {
      const author = options.author ?? defaultAuthor;
      const base = await this.tip();
      const head = await this.authorCommits(base, options.files, {
        title: options.title,
        author,
      });
      await git(this.bareDir, [
        "update-ref",
        `refs/heads/${options.branch}`,
        head,
      ]);
      const now = timestamp();
      const record: PullRequestRecord = {
        number: this.nextNumber++,
        title: options.title,
        body: options.body ?? "",
        branch: options.branch,
        author,
        state: "open",
        createdAt: now,
        updatedAt: now,
        headSha: head,
        baseSha: base,
        commits: [],
        rebasedCommits: [],
      };
      this.pulls.set(record.number, record);
      await this.recompute(record);
      return record.number;
    });
  }

  /** Adds commits to an open pull request; returns its new head. */
  async pushToPullRequest(
    number: number,
    files: FileChanges | FileChanges[],
  ): Promise<string> {
    return this.exclusive(async () => {
      const record = this.openPull(number);
      const head = await this.authorCommits(record.headSha, files, {
        title: record.title,
        author: record.author,
      });
      await git(this.bareDir, [
        "update-ref",
        `refs/heads/${record.branch}`,
        head,
        record.headSha,
      ]);
      record.headSha = head;
      record.baseSha = await this.tip();
      record.updatedAt = timestamp();
      await this.recompute(record);
      return head;
    });
  }

  /** Merges as GitHub's merge button does; returns `merge_commit_sha`. */
  async mergePullRequest(number: number, method: MergeMethod): Promise<string> {
    return this.exclusive(async () => {
      const record = this.openPull(number);
      const base = await this.tip();
      const landed =
        method === "rebase"
          ? await this.rebaseOnto(base, record)
          : [await this.mergeCommit(base, record, method)];
      const mergeCommitSha = landed[landed.length - 1]!;
      await this.pushBranch(mergeCommitSha, this.defaultBranch, base);
      Object.assign(record, {
        state: "closed",
        mergedAt: timestamp(),
        updatedAt: timestamp(),
        mergeMethod: method,
        mergeCommitSha,
        rebasedCommits: method === "rebase" ? landed : [],
      });
      return mergeCommitSha;
    });
  }

  /** Force-pushes the default branch with its tip amended; returns the new tip. */
  async rewriteHistory(): Promise<string> {
    return this.exclusive(async () => {
      const before = await this.tip();
      const tip = await this.commit(before);
      const tree = await git(this.bareDir, ["rev-parse", `${before}^{tree}`]);
      const sha = await this.commitTree(
        tree,
        tip?.parents ?? [],
        `${tip?.message ?? ""}\n\nRewritten.`,
        standInCommitter,
      );
      await this.pushBranch(sha, this.defaultBranch, before);
      return sha;
    });
  }

  async setRef(ref: string, sha: string): Promise<void> {
    await this.exclusive(() => this.writeRef(ref, sha));
  }

  /**
   * Points a ref at a commit, or deletes it with ZERO_SHA; with `expected`,
   * only if the ref holds that value (ZERO_SHA: only if it does not exist).
   * Not serialised: callers hold `exclusive`.
   */
  async writeRef(ref: string, sha: string, expected?: string): Promise<void> {
    const args =
      sha === ZERO_SHA ? ["update-ref", "-d", ref] : ["update-ref", ref, sha];
    await git(this.bareDir, expected ? [...args, expected] : args);
  }

  // -------------------------------------------------------------------------
  // Queries

  async tip(): Promise<string> {
    const sha = await this.readRef(`refs/heads/${this.defaultBranch}`);
    if (!sha) throw new Error(`the default branch has no commit`);
    return sha;
  }

  /** The commit a ref points at, or undefined. Matches the exact name only. */
  async readRef(ref: string): Promise<string | undefined> {
    const lines = await git(this.bareDir, [
      "for-each-ref",
      "--format=%(refname) %(objectname)",
      ref,
    ]);
    for (const line of lines.split("\n")) {
      const [name, sha] = line.split(" ");
      if (name === ref) return sha;
    }
    return undefined;
  }

  /** The commit a revision names (sha, branch, tag), or undefined. */
  async resolveCommit(revision: string): Promise<string | undefined> {
    if (revision.startsWith("-") || revision.length === 0) return undefined;
    try {
      return await git(this.bareDir, [
        "rev-parse",
        "--verify",
        "--quiet",
        `${revision}^{commit}`,
      ]);
    } catch {
      return undefined;
    }
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return gitSucceeds(this.bareDir, [
      "merge-base",
      "--is-ancestor",
      ancestor,
      descendant,
    ]);
  }

  /** GitHub's `base...head` comparison; undefined when either is unknown. */
  async compare(base: string, head: string): Promise<Comparison | undefined> {
    const baseSha = await this.resolveCommit(base);
    const headSha = await this.resolveCommit(head);
    if (!baseSha || !headSha) return undefined;
    let mergeBaseSha: string;
    try {
      mergeBaseSha = await git(this.bareDir, ["merge-base", baseSha, headSha]);
    } catch {
      return undefined; // no common ancestor
    }
    const aheadBy = await this.count(`${mergeBaseSha}..${headSha}`);
    const behindBy = await this.count(`${mergeBaseSha}..${baseSha}`);
    return {
      status: comparisonStatus(aheadBy, behindBy),
      aheadBy,
      behindBy,
      baseSha,
      mergeBaseSha,
      commits: await this.log(`${baseSha}..${headSha}`),
      files: await this.changedFiles(mergeBaseSha, headSha),
    };
  }

  async commit(sha: string): Promise<CommitInfo | undefined> {
    const resolved = await this.resolveCommit(sha);
    if (!resolved) return undefined;
    const [info] = await this.log(resolved, ["-1"]);
    return info;
  }

  /**
   * Pull requests associated with a commit, as GitHub finds them: by merge
   * commit, by their own commits, or by the rebased copies of those. On the
   * default branch only merged ones count.
   */
  async pullsForCommit(sha: string): Promise<PullRequestRecord[] | undefined> {
    const resolved = await this.resolveCommit(sha);
    if (!resolved) return undefined;
    const onDefault = await this.isAncestor(resolved, await this.tip());
    return [...this.pulls.values()].filter(
      (pull) =>
        (pull.mergedAt !== undefined || !onDefault) &&
        (pull.mergeCommitSha === resolved ||
          pull.commits.includes(resolved) ||
          pull.rebasedCommits.includes(resolved)),
    );
  }

  /** The value the default branch had before the push that made `sha` its tip. */
  pushedOverBy(sha: string): string | undefined {
    return this.pushedOver.get(sha);
  }

  /**
   * Applies all updates or none, with GitHub's `updateRefs` rules. Returns
   * why it refused, or undefined when every ref was updated.
   */
  async updateRefs(updates: RefUpdate[]): Promise<string | undefined> {
    const lines: string[] = [];
    for (const update of updates) {
      const current = await this.readRef(update.name);
      const refusal = await this.checkRefUpdate(update, current);
      if (refusal) return refusal;
      lines.push(
        update.afterOid === ZERO_SHA
          ? `delete ${update.name} ${current ?? ZERO_SHA}`
          : `update ${update.name} ${update.afterOid} ${current ?? ZERO_SHA}`,
      );
    }
    await git(this.bareDir, ["update-ref", "--stdin"], {
      input: `${lines.join("\n")}\n`,
    });
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Internals

  private async initialise(files: FileChanges): Promise<void> {
    const branch = this.defaultBranch;
    await mkdir(this.bareDir);
    await git(this.bareDir, [
      "init",
      "-q",
      "--bare",
      `--initial-branch=${branch}`,
    ]);
    // Written straight into the config file: one git process less each.
    await appendFile(
      join(this.bareDir, "config"),
      [
        "[uploadpack]",
        // As on GitHub, a shallow clone may fetch any commit by its sha.
        "\tallowAnySHA1InWant = true",
        "\tallowReachableSHA1InWant = true",
        "[gc]",
        // Commits are written before a ref names them: never prune.
        "\tauto = 0",
        "[user]",
        `\tname = ${standInCommitter.name}`,
        `\temail = ${standInCommitter.email}`,
        "",
      ].join("\n"),
    );
    const sha = await this.authorCommit(undefined, files, "Initial commit");
    await git(this.bareDir, ["update-ref", `refs/heads/${branch}`, sha]);
  }

  private openPull(number: number): PullRequestRecord {
    const record = this.pulls.get(number);
    if (!record) throw new Error(`no pull request #${number}`);
    if (record.state !== "open") {
      throw new Error(`pull request #${number} is not open`);
    }
    return record;
  }

  /** Recomputes the commit list, `refs/pull/N/head` and `refs/pull/N/merge`. */
  private async recompute(record: PullRequestRecord): Promise<void> {
    const range = `${record.baseSha}..${record.headSha}`;
    record.commits = (await this.log(range)).map((commit) => commit.sha);
    const prefix = `refs/pull/${record.number}`;
    await git(this.bareDir, ["update-ref", `${prefix}/head`, record.headSha]);
    const tree = await this.mergeTree(record.baseSha, record.headSha);
    if (!tree) {
      record.testMergeSha = undefined;
      await git(this.bareDir, ["update-ref", "-d", `${prefix}/merge`]);
      return;
    }
    record.testMergeSha = await this.commitTree(
      tree,
      [record.baseSha, record.headSha],
      `Merge ${record.headSha} into ${record.baseSha}`,
      standInCommitter,
    );
    await git(this.bareDir, [
      "update-ref",
      `${prefix}/merge`,
      record.testMergeSha,
    ]);
  }

  private async mergeCommit(
    base: string,
    record: PullRequestRecord,
    method: "merge" | "squash",
  ): Promise<string> {
    const tree = await this.mergeTree(base, record.headSha);
    if (!tree) throw new Error(`pull request #${record.number} has conflicts`);
    if (method === "merge") {
      const message = `Merge pull request #${record.number} from ${this.owner}/${record.branch}\n\n${record.title}`;
      return this.commitTree(
        tree,
        [base, record.headSha],
        message,
        identity(record.author),
      );
    }
    const subjects = await Promise.all(
      record.commits.map(
        async (sha) => `* ${(await this.commit(sha))?.message ?? ""}`,
      ),
    );
    const message = `${record.title} (#${record.number})\n\n${subjects.join("\n")}`;
    return this.commitTree(tree, [base], message, identity(record.author));
  }

  /** Replays the pull request's commits onto `base`, as a rebase merge does. */
  private async rebaseOnto(
    base: string,
    record: PullRequestRecord,
  ): Promise<string[]> {
    const work = await this.workClone();
    await git(work, ["fetch", "-q", "origin", base, ...record.commits]);
    await git(work, ["checkout", "-q", "--force", "--detach", base]);
    const copies: string[] = [];
    for (const sha of record.commits) {
      // GitHub always writes new commits (committer and date change), even
      // when the branch could be fast-forwarded.
      await git(
        work,
        ["cherry-pick", "--allow-empty", "--keep-redundant-commits", sha],
        { committer: standInCommitter, date: this.tick() },
      );
      copies.push(await git(work, ["rev-parse", "HEAD"]));
    }
    // The bare repository must hold the copies before its refs can name
    // them: push under a scratch ref, then drop the ref (objects stay).
    const scratch = "refs/stand-in/rebased";
    await git(work, ["push", "-q", "--force", "origin", `HEAD:${scratch}`]);
    await git(this.bareDir, ["update-ref", "-d", scratch]);
    return copies;
  }

  /** A clone to cherry-pick in, made on first use (only rebases need it). */
  private workClone(): Promise<string> {
    this.workReady ??= git(this.root, [
      "clone",
      "-q",
      "--no-checkout",
      this.remoteUrl,
      this.workDir,
    ]).then(() => this.workDir);
    return this.workReady;
  }

  /** The merged tree of two commits, or undefined on a conflict. */
  private async mergeTree(
    ours: string,
    theirs: string,
  ): Promise<string | undefined> {
    try {
      const output = await git(this.bareDir, [
        "merge-tree",
        "--write-tree",
        ours,
        theirs,
      ]);
      return output.split("\n")[0];
    } catch {
      return undefined;
    }
  }

  private commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: GitIdentity,
  ): Promise<string> {
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    return git(this.bareDir, [...args, "-m", message], {
      author,
      committer: standInCommitter,
      date: this.tick(),
    });
  }

  private async authorCommits(
    start: string,
    files: FileChanges | FileChanges[],
    options: { title: string; author: Account },
  ): Promise<string> {
    const commits = Array.isArray(files) ? files : [files];
    let head = start;
    for (const [index, changes] of commits.entries()) {
      const message =
        index === 0 ? options.title : `${options.title} (part ${index + 1})`;
      head = await this.authorCommit(head, changes, message, options.author);
    }
    return head;
  }

  /** Writes a commit straight into the bare repository: `files` over `parent`. */
  private async authorCommit(
    parent: string | undefined,
    files: FileChanges,
    message: string,
    author: Account = defaultAuthor,
  ): Promise<string> {
    const parents = parent ? [parent] : [];
    if (parent && Object.keys(files).length === 0) {
      const tree = `${parent}^{tree}`; // an empty change: the parent's tree
      return this.commitTree(tree, parents, message, identity(author));
    }
    const inIndex = { indexFile: join(this.root, "scratch-index") };
    await rm(inIndex.indexFile, { force: true });
    await git(
      this.bareDir,
      parent ? ["read-tree", parent] : ["read-tree", "--empty"],
      inIndex,
    );
    const entries: string[] = [];
    for (const [path, text] of Object.entries(files)) {
      if (text === null) {
        entries.push(`0 ${ZERO_SHA}\t${path}`); // mode 0 removes the path
        continue;
      }
      const blob = await git(this.bareDir, ["hash-object", "-w", "--stdin"], {
        input: text,
      });
      entries.push(`100644 ${blob}\t${path}`);
    }
    if (entries.length > 0) {
      await git(this.bareDir, ["update-index", "--index-info"], {
        ...inIndex,
        input: `${entries.join("\n")}\n`,
      });
    }
    const tree = await git(this.bareDir, ["write-tree"], inIndex);
    return this.commitTree(tree, parents, message, identity(author));
  }

  private async pushBranch(
    sha: string,
    branch: string,
    before: string,
  ): Promise<void> {
    await git(this.bareDir, [
      "update-ref",
      `refs/heads/${branch}`,
      sha,
      before,
    ]);
    if (branch === this.defaultBranch) this.pushedOver.set(sha, before);
  }

  private async checkRefUpdate(
    update: RefUpdate,
    current: string | undefined,
  ): Promise<string | undefined> {
    const expected = update.beforeOid;
    if (expected !== undefined && expected !== (current ?? ZERO_SHA)) {
      return `${update.name} is at ${current ?? "nothing"}, not ${expected}`;
    }
    if (update.afterOid === ZERO_SHA) return undefined;
    if (!(await this.resolveCommit(update.afterOid))) {
      return `${update.afterOid} is not a commit`;
    }
    if (
      current &&
      !update.force &&
      !(await this.isAncestor(current, update.afterOid))
    ) {
      return `${update.name}: not a fast-forward`;
    }
    return undefined;
  }

  private async count(range: string): Promise<number> {
    return Number(await git(this.bareDir, ["rev-list", "--count", range]));
  }

  private async log(
    revisions: string,
    extra: string[] = [],
  ): Promise<CommitInfo[]> {
    const format =
      "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e";
    const output = await git(this.bareDir, [
      "log",
      "--reverse",
      "--topo-order",
      `--format=${format}`,
      ...extra,
      revisions,
    ]);
    return output
      .split("\x1e")
      .map((record) => record.replace(/^\n/, ""))
      .filter((record) => record.length > 0)
      .map(parseLogRecord);
  }

  private async changedFiles(
    from: string,
    to: string,
  ): Promise<{ filename: string; status: string }[]> {
    const output = await git(this.bareDir, [
      "diff",
      "--name-status",
      "--no-renames",
      from,
      to,
    ]);
    const statuses: Record<string, string> = {
      A: "added",
      D: "removed",
      M: "modified",
    };
    return output
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => {
        const [code = "", filename = ""] = line.split("\t");
        return { filename, status: statuses[code] ?? "changed" };
      });
  }
}

function parseLogRecord(record: string): CommitInfo {
  const [
    sha = "",
    parents = "",
    an = "",
    ae = "",
    ad = "",
    cn = "",
    ce = "",
    cd = "",
    message = "",
  ] = record.split("\x00");
  return {
    sha,
    parents: parents.split(" ").filter((parent) => parent.length > 0),
    message: message.replace(/\n+$/, ""),
    author: { name: an, email: ae, date: utc(ad) },
    committer: { name: cn, email: ce, date: utc(cd) },
  };
}

function comparisonStatus(ahead: number, behind: number): Comparison["status"] {
  if (ahead === 0 && behind === 0) return "identical";
  if (behind === 0) return "ahead";
  if (ahead === 0) return "behind";
  return "diverged";
}

function identity(account: Account): GitIdentity {
  return {
    name: account.login,
    email: `${account.id}+${account.login}@users.noreply.github.com`,
  };
}

/** GitHub's timestamp form: ISO 8601 in UTC without milliseconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function utc(iso: string): string {
  return timestamp(new Date(iso));
}
