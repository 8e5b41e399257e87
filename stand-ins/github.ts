// A stand-in for GitHub, for end-to-end tests and `npm run demo`: a real
// bare git repository that clones fetch from, and an HTTP API on 127.0.0.1
// that serves the REST and GraphQL calls the action makes, with GitHub's
// shapes, identities and refusals.
//
//   const github = await startGitHub({ files: { "access.yaml": "..." } });
//   const pr = await github.openPullRequest({ title, branch, files });
//   await github.checkoutLikeActions(dir, { sha: github.testMergeSha(pr), ref: `refs/pull/${pr}/merge` });
//   ... run the action with GITHUB_API_URL=github.apiUrl ...
//   await github.close();
import { mkdir } from "node:fs/promises";
import { git } from "./git.js";
import {
  StandInRepository,
  ZERO_SHA,
  defaultAuthor,
  type Account,
  type FileChanges,
  type MergeMethod,
  type PullRequestRecord,
} from "./github-repo.js";
import {
  StandInServer,
  type Fault,
  type RecordedRequest,
  type TokenIdentity,
} from "./github-server.js";
import {
  pullRequestEventJson,
  pushEventJson,
  workflowDispatchEventJson,
} from "./github-shapes.js";
import type { CommentRecord } from "./github-shapes.js";

export { ZERO_SHA, defaultAuthor };
export type {
  Account,
  CommentRecord,
  Fault,
  FileChanges,
  MergeMethod,
  PullRequestRecord,
  RecordedRequest,
  TokenIdentity,
};

/** The token a workflow gets as GITHUB_TOKEN. */
export const WORKFLOW_TOKEN = "ghs_standInWorkflowToken";
/** A GitHub App installation token. */
export const APP_TOKEN = "ghs_standInAppInstallationToken";
/** A personal access token of a repository admin. */
export const PERSONAL_TOKEN = "ghp_standInPersonalToken";
/** GITHUB_TOKEN on a pull request from a fork: reads only. */
export const FORK_TOKEN = "ghs_standInForkReadOnlyToken";

const actionsBot: Account = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

export const defaultTokens: Readonly<Record<string, TokenIdentity>> = {
  [WORKFLOW_TOKEN]: {
    kind: "workflow",
    account: actionsBot,
    graphqlLogin: "github-actions",
    graphqlDatabaseId: 41898282,
    canWrite: true,
  },
  [APP_TOKEN]: {
    kind: "app",
    account: { login: "my-app[bot]", id: 149_000_001, type: "Bot" },
    graphqlLogin: "my-app",
    graphqlDatabaseId: 149_000_001,
    canWrite: true,
  },
  [PERSONAL_TOKEN]: {
    kind: "personal",
    account: { login: "octo-admin", id: 7_654_321, type: "User" },
    graphqlLogin: "octo-admin",
    graphqlDatabaseId: 7_654_321,
    canWrite: true,
  },
  [FORK_TOKEN]: {
    kind: "workflow",
    account: actionsBot,
    graphqlLogin: "github-actions",
    graphqlDatabaseId: 41898282,
    canWrite: false,
  },
};

export interface GitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The first commit of the default branch. */
  files?: FileChanges;
  /** Tokens and who they are; `defaultTokens` when left out. */
  tokens?: Record<string, TokenIdentity>;
  /** Refuse refs outside refs/heads/ and refs/tags/, as some hosts do. */
  refuseCustomRefNamespaces?: boolean;
  /** For html_url fields; https://github.com when left out. */
  serverUrl?: string;
}

export interface GitHubStandIn {
  readonly owner: string;
  readonly repo: string;
  /** `owner/repo`, as GITHUB_REPOSITORY. */
  readonly repository: string;
  readonly defaultBranch: string;
  /** As GITHUB_API_URL. */
  readonly apiUrl: string;
  /** As GITHUB_GRAPHQL_URL. */
  readonly graphqlUrl: string;
  /** As GITHUB_SERVER_URL. */
  readonly serverUrl: string;
  readonly bareDir: string;
  /** A file:// URL to clone or fetch from. */
  readonly remoteUrl: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];

  /** One commit, or one per item; returns the new tip. */
  commitToDefault(
    files: FileChanges | FileChanges[],
    message: string,
  ): Promise<string>;
  openPullRequest(options: {
    title: string;
    branch: string;
    /** One commit, or one commit per item. */
    files: FileChanges | FileChanges[];
    author?: Account;
    body?: string;
  }): Promise<number>;
  pushToPullRequest(
    number: number,
    files: FileChanges | FileChanges[],
  ): Promise<string>;
  mergePullRequest(number: number, method: MergeMethod): Promise<string>;
  rewriteHistory(): Promise<string>;
  setRef(ref: string, sha: string): Promise<void>;
  readRef(ref: string): Promise<string | undefined>;
  /** The default branch's tip. */
  tip(): Promise<string>;
  pullRequest(number: number): PullRequestRecord;
  testMergeSha(number: number): string;
  headSha(number: number): string;
  baseSha(number: number): string;

  /** Adds a comment as `author` without going through the API. */
  addComment(options: { issue: number; body: string; author: Account }): number;
  comments(issue: number): CommentRecord[];
  failNext(fault: Fault): void;

  pullRequestEvent(number: number, action?: string): Record<string, unknown>;
  pushEvent(
    sha: string,
    ref?: string,
    before?: string,
  ): Promise<Record<string, unknown>>;
  workflowDispatchEvent(
    ref: string,
    inputs?: Record<string, string>,
  ): Record<string, unknown>;
  /** A workspace as actions/checkout@v4 leaves it: one commit, no history. */
  checkoutLikeActions(
    dir: string,
    options: { sha: string; ref?: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startGitHub(
  options: GitHubOptions = {},
): Promise<GitHubStandIn> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "access";
  const repository = await StandInRepository.create({
    owner,
    defaultBranch: options.defaultBranch ?? "main",
    files: options.files ?? {},
  });
  const server = new StandInServer({
    repository,
    owner,
    repo,
    repoId: 700_001,
    serverUrl: options.serverUrl ?? "https://github.com",
    tokens: options.tokens ?? defaultTokens,
    refuseCustomRefNamespaces: options.refuseCustomRefNamespaces ?? false,
  });
  let apiUrl: string;
  try {
    apiUrl = await server.listen();
  } catch (error) {
    await repository.close();
    throw error;
  }
  return standIn({ owner, repo, repository, server, apiUrl });
}

function standIn(parts: {
  owner: string;
  repo: string;
  repository: StandInRepository;
  server: StandInServer;
  apiUrl: string;
}): GitHubStandIn {
  const { repository, server } = parts;
  const pull = (number: number): PullRequestRecord => {
    const record = repository.pulls.get(number);
    if (!record) throw new Error(`no pull request #${number}`);
    return record;
  };
  return {
    owner: parts.owner,
    repo: parts.repo,
    repository: `${parts.owner}/${parts.repo}`,
    defaultBranch: repository.defaultBranch,
    apiUrl: parts.apiUrl,
    graphqlUrl: `${parts.apiUrl}/graphql`,
    serverUrl: server.context.serverUrl,
    bareDir: repository.bareDir,
    remoteUrl: repository.remoteUrl,
    requests: server.requests,

    commitToDefault: (files, message) =>
      repository.commitToDefault(files, message),
    openPullRequest: (options) => repository.openPullRequest(options),
    pushToPullRequest: (number, files) =>
      repository.pushToPullRequest(number, files),
    mergePullRequest: (number, method) =>
      repository.mergePullRequest(number, method),
    rewriteHistory: () => repository.rewriteHistory(),
    setRef: (ref, sha) => repository.setRef(ref, sha),
    readRef: (ref) => repository.readRef(ref),
    tip: () => repository.tip(),
    pullRequest: (number) => structuredClone(pull(number)),
    testMergeSha: (number) => {
      const sha = pull(number).testMergeSha;
      if (!sha) throw new Error(`pull request #${number} does not merge`);
      return sha;
    },
    headSha: (number) => pull(number).headSha,
    baseSha: (number) => pull(number).baseSha,

    addComment: ({ issue, body, author }) =>
      server.addComment(issue, body, author).id,
    comments: (issue) =>
      server.comments
        .filter((comment) => comment.issue === issue)
        .map((comment) => structuredClone(comment)),
    failNext: (fault) => server.failNext(fault),

    pullRequestEvent: (number, action = "opened") =>
      pullRequestEventJson(pull(number), action, server.context),
    pushEvent: (sha, ref, before) =>
      pushEvent(repository, server, { sha, ref, before }),
    workflowDispatchEvent: (ref, inputs = {}) =>
      workflowDispatchEventJson(ref, inputs, server.context),
    checkoutLikeActions: (dir, options) =>
      checkoutLikeActions(dir, repository.remoteUrl, options),
    close: async () => {
      await server.close();
      await repository.close();
    },
  };
}

async function pushEvent(
  repository: StandInRepository,
  server: StandInServer,
  options: { sha: string; ref?: string; before?: string },
): Promise<Record<string, unknown>> {
  const ref = options.ref ?? `refs/heads/${repository.defaultBranch}`;
  const parent = (await repository.commit(options.sha))?.parents[0];
  const before =
    options.before ??
    repository.pushedOverBy(options.sha) ??
    parent ??
    ZERO_SHA;
  const created = before === ZERO_SHA;
  const comparison = created
    ? undefined
    : await repository.compare(before, options.sha);
  const head = await repository.commit(options.sha);
  const commits = comparison?.commits ?? (head ? [head] : []);
  return pushEventJson(
    {
      ref,
      before,
      after: options.sha,
      forced: comparison !== undefined && comparison.behindBy > 0,
      commits,
    },
    server.context,
  );
}

/**
 * Mirrors what actions/checkout@v4 runs by default (fetch-depth 1): fetch
 * the one commit by sha into the ref's remote-tracking name, then check it
 * out; a branch is checked out as a local branch, anything else detached.
 */
export async function checkoutLikeActions(
  dir: string,
  remoteUrl: string,
  options: { sha: string; ref?: string },
): Promise<void> {
  const ref = options.ref ?? "";
  const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
  const tracking = branch
    ? `refs/remotes/origin/${branch}`
    : ref.startsWith("refs/pull/")
      ? ref.replace(/^refs\/pull\//, "refs/remotes/pull/")
      : ref.startsWith("refs/tags/")
        ? ref
        : undefined;
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "-q"]);
  await git(dir, ["remote", "add", "origin", remoteUrl]);
  await git(dir, ["config", "--local", "gc.auto", "0"]);
  const refspec = tracking ? `+${options.sha}:${tracking}` : options.sha;
  await git(dir, [
    "-c",
    "protocol.version=2",
    "fetch",
    "-q",
    "--no-tags",
    "--prune",
    "--no-recurse-submodules",
    "--depth=1",
    "origin",
    refspec,
  ]);
  const checkout = branch
    ? ["checkout", "-q", "--force", "-B", branch, tracking ?? options.sha]
    : ["checkout", "-q", "--force", tracking ?? options.sha];
  await git(dir, checkout);
}
