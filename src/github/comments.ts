// Comments on pull requests. The plan comment is updated in place: it is
// found by a hidden marker and by being written by the token's own
// identity, so a comment by anyone else that carries the marker (pasted,
// quoted, or planted) is never edited.
import {
  CommentForbiddenError,
  apiError,
  githubMessage,
  isForbidden,
} from "./api-errors.js";
import type { FoundComment, GitHubApi, Viewer } from "./types.js";

interface Author {
  login: string;
  id: number;
  type?: string;
}

/**
 * Whether the token's identity wrote a comment. GraphQL's `databaseId` is
 * REST's `user.id`; when it is unknown, logins decide, where REST shows a
 * bot as "name[bot]" and GraphQL as "name".
 */
export function isWrittenBy(author: Author | null, viewer: Viewer): boolean {
  if (!author) return false;
  if (viewer.id !== undefined) return author.id === viewer.id;
  if (author.login === viewer.login) return true;
  return author.type === "Bot" && author.login === `${viewer.login}[bot]`;
}

/**
 * The first comment on an issue or pull request that carries the marker and
 * was written by the viewer. Reads every page: long threads are common.
 */
export async function findComment(
  api: GitHubApi,
  issue: number,
  marker: string,
  viewer: Viewer,
): Promise<FoundComment | undefined> {
  const pages = api.octokit.paginate.iterator(
    api.octokit.rest.issues.listComments,
    { owner: api.owner, repo: api.repo, issue_number: issue, per_page: 100 },
  );
  try {
    for await (const { data } of pages) {
      const found = data.find(
        (comment) =>
          comment.body?.includes(marker) && isWrittenBy(comment.user, viewer),
      );
      if (found) {
        return { id: found.id, body: found.body ?? "", url: found.html_url };
      }
    }
  } catch (error) {
    throw apiError(`read the comments of #${issue}`, error);
  }
  return undefined;
}

/** Updates the viewer's marked comment, or creates it. */
export async function upsertComment(
  api: GitHubApi,
  options: { issue: number; marker: string; body: string; viewer: Viewer },
): Promise<{ url: string; action: "created" | "updated" | "unchanged" }> {
  const { issue, marker, body } = options;
  if (!body.includes(marker)) {
    // Without its marker the comment could never be found again.
    throw new Error(`A comment body for #${issue} lacks its marker`);
  }
  const existing = await findComment(api, issue, marker, options.viewer);
  if (!existing) {
    const created = await createComment(api, issue, body);
    return { url: created.url, action: "created" };
  }
  if (existing.body === body) return { url: existing.url, action: "unchanged" };
  try {
    const { data } = await api.octokit.rest.issues.updateComment({
      owner: api.owner,
      repo: api.repo,
      comment_id: existing.id,
      body,
    });
    return { url: data.html_url, action: "updated" };
  } catch (error) {
    throw commentError(issue, `update comment ${existing.url}`, error);
  }
}

export async function createComment(
  api: GitHubApi,
  issue: number,
  body: string,
): Promise<{ url: string; id: number }> {
  try {
    const { data } = await api.octokit.rest.issues.createComment({
      owner: api.owner,
      repo: api.repo,
      issue_number: issue,
      body,
    });
    return { url: data.html_url, id: data.id };
  } catch (error) {
    throw commentError(issue, `comment on #${issue}`, error);
  }
}

function commentError(issue: number, doing: string, error: unknown): Error {
  if (isForbidden(error)) {
    return new CommentForbiddenError(issue, githubMessage(error), {
      cause: error,
    });
  }
  return apiError(doing, error);
}
