// The JSON the stand-in GitHub serves and the event payloads it builds, in
// GitHub's shapes (field names as in the REST API and webhook payloads). Only
// fields someone might read are filled; the rest are left out on purpose so
// that code relying on them fails in tests rather than in production.
import type {
  Account,
  CommitInfo,
  Comparison,
  PullRequestRecord,
} from "./github-repo.js";

export interface ShapeContext {
  owner: string;
  repo: string;
  repoId: number;
  defaultBranch: string;
  /** Where the API is served, e.g. http://127.0.0.1:1234. */
  apiUrl: string;
  /** Where web pages would be, e.g. https://github.com. */
  serverUrl: string;
}

export interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  user: Account;
  createdAt: string;
  updatedAt: string;
}

type Json = Record<string, unknown>;

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`stand-in:${id}`).toString("base64url")}`;
}

export function repositoryNodeId(context: ShapeContext): string {
  return nodeId("R", context.repoId);
}

function repoApi(context: ShapeContext): string {
  return `${context.apiUrl}/repos/${context.owner}/${context.repo}`;
}

function repoHtml(context: ShapeContext): string {
  return `${context.serverUrl}/${context.owner}/${context.repo}`;
}

export function accountJson(account: Account, context: ShapeContext): Json {
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type === "Bot" ? "BOT" : "U", account.id),
    type: account.type,
    site_admin: false,
    url: `${context.apiUrl}/users/${encodeURIComponent(account.login)}`,
    html_url: `${context.serverUrl}/${encodeURIComponent(account.login)}`,
  };
}

export function repositoryJson(context: ShapeContext): Json {
  const owner: Account = { login: context.owner, id: 1, type: "User" };
  return {
    id: context.repoId,
    node_id: repositoryNodeId(context),
    name: context.repo,
    full_name: `${context.owner}/${context.repo}`,
    private: false,
    owner: accountJson(owner, context),
    html_url: repoHtml(context),
    url: repoApi(context),
    default_branch: context.defaultBranch,
  };
}

export function refJson(ref: string, sha: string, context: ShapeContext): Json {
  return {
    ref,
    node_id: nodeId("REF", hashNumber(ref)),
    url: `${repoApi(context)}/git/${ref}`,
    object: {
      sha,
      type: "commit",
      url: `${repoApi(context)}/git/commits/${sha}`,
    },
  };
}

export function commitJson(commit: CommitInfo, context: ShapeContext): Json {
  return {
    sha: commit.sha,
    node_id: nodeId("C", hashNumber(commit.sha)),
    url: `${repoApi(context)}/commits/${commit.sha}`,
    html_url: `${repoHtml(context)}/commit/${commit.sha}`,
    commit: {
      message: commit.message,
      author: commit.author,
      committer: commit.committer,
    },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApi(context)}/commits/${sha}`,
      html_url: `${repoHtml(context)}/commit/${sha}`,
    })),
  };
}

export function comparisonJson(
  comparison: Comparison,
  commits: CommitInfo[],
  context: ShapeContext,
): Json {
  return {
    status: comparison.status,
    ahead_by: comparison.aheadBy,
    behind_by: comparison.behindBy,
    total_commits: comparison.commits.length,
    base_commit: { sha: comparison.baseSha },
    merge_base_commit: { sha: comparison.mergeBaseSha },
    commits: commits.map((commit) => commitJson(commit, context)),
    files: comparison.files,
  };
}

function branchJson(
  ref: string,
  sha: string,
  owner: Account,
  context: ShapeContext,
): Json {
  return {
    label: `${owner.login}:${ref}`,
    ref,
    sha,
    user: accountJson(owner, context),
    repo: repositoryJson(context),
  };
}

/**
 * A pull request as listed (`full: false`, GitHub's "pull-request-simple")
 * or as fetched by number (`full: true`, which adds counts and `merged`).
 */
export function pullJson(
  pull: PullRequestRecord,
  context: ShapeContext,
  full: boolean,
): Json {
  const repoOwner: Account = { login: context.owner, id: 1, type: "User" };
  const simple: Json = {
    url: `${repoApi(context)}/pulls/${pull.number}`,
    id: 100_000 + pull.number,
    node_id: nodeId("PR", pull.number),
    html_url: `${repoHtml(context)}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    user: accountJson(pull.author, context),
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.mergedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    // GitHub reports the test merge commit while the pull request is open.
    merge_commit_sha: pull.mergeCommitSha ?? pull.testMergeSha ?? null,
    draft: false,
    head: branchJson(pull.branch, pull.headSha, pull.author, context),
    base: branchJson(context.defaultBranch, pull.baseSha, repoOwner, context),
    author_association: "CONTRIBUTOR",
  };
  if (!full) return simple;
  return {
    ...simple,
    merged: pull.mergedAt !== undefined,
    mergeable: pull.state === "open" ? pull.testMergeSha !== undefined : null,
    merged_by: pull.mergedAt ? accountJson(repoOwner, context) : null,
    commits: pull.commits.length,
  };
}

export function commentJson(
  comment: CommentRecord,
  context: ShapeContext,
): Json {
  return {
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    url: `${repoApi(context)}/issues/comments/${comment.id}`,
    html_url: `${repoHtml(context)}/pull/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(context)}/issues/${comment.issue}`,
    body: comment.body,
    user: accountJson(comment.user, context),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === "Bot" ? "NONE" : "CONTRIBUTOR",
  };
}

// ---------------------------------------------------------------------------
// Event payloads, as a workflow finds them in GITHUB_EVENT_PATH.

const sender: Account = { login: "octocat", id: 583231, type: "User" };

export function pullRequestEventJson(
  pull: PullRequestRecord,
  action: string,
  context: ShapeContext,
): Json {
  return {
    action,
    number: pull.number,
    pull_request: pullJson(pull, context, true),
    repository: repositoryJson(context),
    sender: accountJson(sender, context),
  };
}

export function pushEventJson(
  options: {
    ref: string;
    before: string;
    after: string;
    forced: boolean;
    commits: CommitInfo[];
  },
  context: ShapeContext,
): Json {
  const commits = options.commits.map((commit) => ({
    id: commit.sha,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${repoHtml(context)}/commit/${commit.sha}`,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
    distinct: true,
  }));
  return {
    ref: options.ref,
    before: options.before,
    after: options.after,
    created: /^0+$/.test(options.before),
    deleted: /^0+$/.test(options.after),
    forced: options.forced,
    base_ref: null,
    compare: `${repoHtml(context)}/compare/${options.before.slice(0, 12)}...${options.after.slice(0, 12)}`,
    commits,
    head_commit: commits[commits.length - 1] ?? null,
    // Push payloads carry both names for the default branch.
    repository: {
      ...repositoryJson(context),
      master_branch: context.defaultBranch,
    },
    pusher: { name: sender.login, email: `${sender.login}@example.com` },
    sender: accountJson(sender, context),
  };
}

export function workflowDispatchEventJson(
  ref: string,
  inputs: Record<string, string>,
  context: ShapeContext,
): Json {
  return {
    inputs,
    ref,
    repository: repositoryJson(context),
    sender: accountJson(sender, context),
    workflow: ".github/workflows/cakewalk-access.yml",
  };
}

/** A stable small number from text, for node ids. */
function hashNumber(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}
