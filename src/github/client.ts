// The action's view of GitHub: who the token is, the state ref, how commits
// relate, which pull requests merged them, and comments. One object per
// run, built from GITHUB_API_URL, GITHUB_GRAPHQL_URL and the token.
import type { Log } from "../log.js";
import { apiError } from "./api-errors.js";
import { createComment, findComment, upsertComment } from "./comments.js";
import { compare, pullRequest, pullRequestsForCommit } from "./history.js";
import {
  createOctokit,
  productionTiming,
  type GitHubTiming,
} from "./octokit.js";
import {
  moveRef,
  readRef,
  type MoveRefOptions,
  type MoveResult,
} from "./refs.js";
import {
  graphql,
  type Comparison,
  type FoundComment,
  type GitHubApi,
  type PullRequest,
  type Viewer,
} from "./types.js";

export { CommentForbiddenError } from "./api-errors.js";
export { isWrittenBy } from "./comments.js";
export { refNameProblem } from "./refs.js";
export type {
  Comparison,
  FoundComment,
  GitHubTiming,
  MoveRefOptions,
  MoveResult,
  PullRequest,
  Viewer,
};
export type { RepoId } from "./types.js";

export interface GitHub {
  /** The repository's default branch, e.g. "main". */
  defaultBranch(): Promise<string>;
  /** The token's identity, from GraphQL `viewer` (works for every kind of token). */
  viewer(): Promise<Viewer>;
  /** The commit a full ref name points at, or undefined when it does not exist. */
  readRef(ref: string): Promise<string | undefined>;
  /** Undefined when GitHub does not know one of the commits. */
  compare(base: string, head: string): Promise<Comparison | undefined>;
  /**
   * Compare-and-swap: moves `ref` from `from` to `to` only if it still holds
   * `from`; creates it when `from` is undefined. Never forces unless asked.
   * Throws "state-conflict" for a refused non-fast-forward.
   */
  moveRef(options: MoveRefOptions): Promise<MoveResult>;
  /** Merged pull requests associated with a commit. */
  pullRequestsForCommit(sha: string): Promise<PullRequest[]>;
  pullRequest(number: number): Promise<PullRequest>;
  /** The viewer's comment carrying the marker, searched through all pages. */
  findComment(
    issue: number,
    marker: string,
    viewer: Viewer,
  ): Promise<FoundComment | undefined>;
  /** Throws CommentForbiddenError when the token may not comment. */
  upsertComment(
    issue: number,
    marker: string,
    body: string,
    viewer: Viewer,
  ): Promise<{ url: string; action: "created" | "updated" | "unchanged" }>;
  /** Throws CommentForbiddenError when the token may not comment. */
  createComment(
    issue: number,
    body: string,
  ): Promise<{ url: string; id: number }>;
}

export interface GitHubOptions {
  token: string;
  /** GITHUB_API_URL, e.g. https://api.github.com. */
  apiUrl: string;
  /** GITHUB_GRAPHQL_URL, e.g. https://api.github.com/graphql. */
  graphqlUrl: string;
  owner: string;
  repo: string;
  log: Log;
  /** Production pacing when left out; tests shorten it. */
  timing?: GitHubTiming;
}

export function createGitHub(options: GitHubOptions): GitHub {
  const api: GitHubApi = {
    octokit: createOctokit({
      token: options.token,
      apiUrl: options.apiUrl,
      log: options.log,
      timing: options.timing ?? productionTiming,
    }),
    owner: options.owner,
    repo: options.repo,
    graphqlUrl: options.graphqlUrl,
    log: options.log,
  };
  let viewer: Promise<Viewer> | undefined;
  return {
    viewer: () =>
      (viewer ??= readViewer(api)).catch((error: unknown) => {
        viewer = undefined;
        throw error;
      }),
    defaultBranch: () => readDefaultBranch(api),
    readRef: (ref) => readRef(api, ref),
    compare: (base, head) => compare(api, base, head),
    moveRef: (move) => moveRef(api, move),
    pullRequestsForCommit: (sha) => pullRequestsForCommit(api, sha),
    pullRequest: (number) => pullRequest(api, number),
    findComment: (issue, marker, who) => findComment(api, issue, marker, who),
    upsertComment: (issue, marker, body, who) =>
      upsertComment(api, { issue, marker, body, viewer: who }),
    createComment: (issue, body) => createComment(api, issue, body),
  };
}

/**
 * GraphQL `viewer`: REST `GET /user` is refused to the workflow token and
 * to App tokens, GraphQL answers for every kind of token.
 */
async function readViewer(api: GitHubApi): Promise<Viewer> {
  try {
    const data = await graphql<{
      viewer: { login: string; databaseId: number | null };
    }>(api, "query Viewer { viewer { login databaseId } }");
    const { login, databaseId } = data.viewer;
    api.log.debug(
      `GitHub token identity: ${login} (id ${databaseId ?? "unknown"})`,
    );
    return { login, id: databaseId ?? undefined };
  } catch (error) {
    throw apiError("read who the GitHub token is (GraphQL viewer)", error);
  }
}

async function readDefaultBranch(api: GitHubApi): Promise<string> {
  try {
    const { data } = await api.octokit.rest.repos.get({
      owner: api.owner,
      repo: api.repo,
    });
    return data.default_branch;
  } catch (error) {
    throw apiError("read the repository's default branch", error);
  }
}
