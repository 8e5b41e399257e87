// What the action reads from GitHub, in the shapes it uses them.
import type { Log } from "../log.js";
import type { Octokit } from "./octokit.js";

export interface RepoId {
  owner: string;
  repo: string;
}

/** Who the token is. `id` is GraphQL's `databaseId`, REST's `user.id`. */
export interface Viewer {
  login: string;
  id: number | undefined;
}

/**
 * A pull request, with GitHub's REST field names. `merge_commit_sha` is the
 * merge commit, the squash commit or the last rebased commit once merged.
 */
export interface PullRequest {
  number: number;
  title: string;
  state: "open" | "closed";
  html_url: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  user: { login: string } | null;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
}

/** `base...head`: where head stands relative to base. */
export interface Comparison {
  status: "ahead" | "behind" | "identical" | "diverged";
  aheadBy: number;
  behindBy: number;
  mergeBaseSha: string;
  /** Commits in head and not in base, oldest first. */
  commits: { sha: string; parents: string[]; message: string }[];
}

export interface FoundComment {
  id: number;
  body: string;
  url: string;
}

/** Everything the GitHub modules share: the client, where, and the log. */
export interface GitHubApi extends RepoId {
  octokit: Octokit;
  graphqlUrl: string;
  log: Log;
}

/** Runs a GraphQL operation at the configured GraphQL URL. */
export function graphql<T>(
  api: GitHubApi,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  // Octokit derives the GraphQL URL from the REST one; GITHUB_GRAPHQL_URL
  // is explicit, so it wins (it differs on GitHub Enterprise Server).
  return api.octokit.graphql<T>({ query, url: api.graphqlUrl, ...variables });
}
