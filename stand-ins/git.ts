// Running real git for the stand-ins: a thin wrapper over `execFile` with
// a fixed identity and a clock, so runs are repeatable and two commits made
// in the same second still get different ids.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitOptions {
  /** Left unset, git keeps the author it has (cherry-pick, amend). */
  author?: GitIdentity;
  /** Defaults to the author, else to the stand-in's own identity. */
  committer?: GitIdentity;
  /** Seconds since the epoch: the committer date, and the author date too
   *  when `author` is given. */
  date?: number;
  /** Text for the command's standard input. */
  input?: string;
  /** A scratch index, to build trees in a bare repository. */
  indexFile?: string;
}

export const standInCommitter: GitIdentity = {
  name: "GitHub",
  email: "noreply@github.com",
};

/** Runs git in `cwd` and returns its standard output without the last newline. */
export async function git(
  cwd: string,
  args: string[],
  options: GitOptions = {},
): Promise<string> {
  const child = execFileAsync("git", args, {
    cwd,
    env: gitEnv(options),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout } = await child;
    return stdout.replace(/\n$/, "");
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${stderr}`, {
      cause: error,
    });
  }
}

/** Like `git`, but answers false instead of throwing when git exits non-zero. */
export async function gitSucceeds(
  cwd: string,
  args: string[],
): Promise<boolean> {
  try {
    await execFileAsync("git", args, { cwd, env: gitEnv({}) });
    return true;
  } catch {
    return false;
  }
}

function gitEnv(options: GitOptions): NodeJS.ProcessEnv {
  const committer = options.committer ?? options.author ?? standInCommitter;
  const {
    GIT_DIR: _dir,
    GIT_WORK_TREE: _workTree,
    GIT_INDEX_FILE: _index,
    ...inherited
  } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    // A user's global or system config (signing, hooks, default branch)
    // must not change what the stand-in builds.
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
  if (options.indexFile) env.GIT_INDEX_FILE = options.indexFile;
  if (options.author) {
    env.GIT_AUTHOR_NAME = options.author.name;
    env.GIT_AUTHOR_EMAIL = options.author.email;
  }
  if (options.date !== undefined) {
    env.GIT_COMMITTER_DATE = `${options.date} +0000`;
    if (options.author) env.GIT_AUTHOR_DATE = `${options.date} +0000`;
  }
  return env;
}

/** A clock that moves one minute per tick, from a fixed start. */
export function commitClock(start = Date.UTC(2024, 0, 1) / 1000): () => number {
  let now = start;
  return () => (now += 60);
}
