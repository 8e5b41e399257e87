// Commits and pull requests as GitHub knows them: how two commits relate,
// and which pull requests brought a commit in. Read through the API because
// the default checkout is shallow and has no history.
import { apiError, statusOf } from "./api-errors.js";
import type { Comparison, GitHubApi, PullRequest } from "./types.js";

const commitsPerPage = 100;

/**
 * Where `head` stands relative to `base`, with the commits in head and not
 * in base. Undefined when GitHub does not know either commit (or they share
 * no history).
 */
export async function compare(
  api: GitHubApi,
  base: string,
  head: string,
): Promise<Comparison | undefined> {
  const commits: Comparison["commits"] = [];
  for (let page = 1; ; page += 1) {
    let data;
    try {
      ({ data } = await api.octokit.rest.repos.compareCommitsWithBasehead({
        owner: api.owner,
        repo: api.repo,
        basehead: `${base}...${head}`,
        per_page: commitsPerPage,
        page,
      }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw apiError(`compare ${base} with ${head}`, error);
    }
    commits.push(
      ...data.commits.map((commit) => ({
        sha: commit.sha,
        parents: commit.parents.map((parent) => parent.sha),
        message: commit.commit.message,
      })),
    );
    if (data.commits.length === 0 || commits.length >= data.total_commits) {
      return {
        status: data.status,
        aheadBy: data.ahead_by,
        behindBy: data.behind_by,
        mergeBaseSha: data.merge_base_commit.sha,
        commits,
      };
    }
  }
}

/** The merged pull requests that brought a commit to the repository. */
export async function pullRequestsForCommit(
  api: GitHubApi,
  sha: string,
): Promise<PullRequest[]> {
  try {
    const { data } =
      await api.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: api.owner,
        repo: api.repo,
        commit_sha: sha,
        per_page: 100,
      });
    return data.filter((pull) => pull.merged_at !== null).map(toPullRequest);
  } catch (error) {
    throw apiError(`find the pull requests of commit ${sha}`, error);
  }
}

export async function pullRequest(
  api: GitHubApi,
  number: number,
): Promise<PullRequest> {
  try {
    const { data } = await api.octokit.rest.pulls.get({
      owner: api.owner,
      repo: api.repo,
      pull_number: number,
    });
    return toPullRequest(data);
  } catch (error) {
    throw apiError(`read pull request #${number}`, error);
  }
}

type RestPullRequest = Omit<PullRequest, "state"> & { state: string };

/** Keeps the fields the action uses, from a listed or a fetched pull request. */
function toPullRequest(pull: RestPullRequest): PullRequest {
  return {
    number: pull.number,
    title: pull.title,
    state: pull.state === "open" ? "open" : "closed",
    html_url: pull.html_url,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    user: pull.user ? { login: pull.user.login } : null,
    base: { ref: pull.base.ref, sha: pull.base.sha },
    head: { ref: pull.head.ref, sha: pull.head.sha },
  };
}
