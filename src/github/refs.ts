// The ref that records the last applied commit: read through REST, created
// through REST, and moved with GraphQL `updateRefs`, the one GitHub call
// that compares and swaps (it updates only if the ref still holds
// `beforeOid`; REST can only refuse a non-fast-forward).
import { ActionError } from "../errors.js";
import {
  apiError,
  githubMessage,
  isForbidden,
  statusOf,
} from "./api-errors.js";
import { compare } from "./history.js";
import { graphql, type GitHubApi } from "./types.js";

export interface MoveRefOptions {
  /** A full ref name, e.g. refs/cakewalk-access/applied. */
  ref: string;
  /** The value read before; undefined when the ref does not exist yet. */
  from: string | undefined;
  to: string;
  /** Allow a move that is not a fast-forward (re-anchoring). */
  force: boolean;
}

/** "conflict": the ref no longer holds `from`; nothing was changed. */
export type MoveResult = "moved" | "conflict";

const suggestedTag = "refs/tags/cakewalk-access-applied";

/** Why a ref name cannot be used, or undefined when it can. */
export function refNameProblem(ref: string): string | undefined {
  if (/^refs\/[^/]+\/[^/]/.test(ref) && !/\.\.|\s|[~^:?*[\\]/.test(ref)) {
    return undefined;
  }
  return (
    `"${ref}" is not a full git ref name: write it as refs/<namespace>/<name>, ` +
    `such as refs/cakewalk-access/applied or ${suggestedTag}.`
  );
}

function checkRefName(ref: string): void {
  const problem = refNameProblem(ref);
  if (problem)
    throw new ActionError("api-error", `Input "state-ref": ${problem}`);
}

/** The commit a ref points at, or undefined when there is no such ref. */
export async function readRef(
  api: GitHubApi,
  ref: string,
): Promise<string | undefined> {
  checkRefName(ref);
  try {
    const { data } = await api.octokit.rest.git.getRef({
      owner: api.owner,
      repo: api.repo,
      ref: ref.slice("refs/".length),
    });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw apiError(`read ${ref}`, error);
  }
}

/**
 * Moves a ref from the value read to a new commit, only if nobody moved it
 * since. A ref that was read as missing is created instead.
 */
export async function moveRef(
  api: GitHubApi,
  options: MoveRefOptions,
): Promise<MoveResult> {
  checkRefName(options.ref);
  if (options.from === undefined)
    return createRef(api, options.ref, options.to);
  try {
    await updateRefs(api, { ...options, from: options.from });
    return "moved";
  } catch (error) {
    return explainRefusal(api, { ...options, from: options.from }, error);
  }
}

async function createRef(
  api: GitHubApi,
  ref: string,
  to: string,
): Promise<MoveResult> {
  try {
    await api.octokit.rest.git.createRef({
      owner: api.owner,
      repo: api.repo,
      ref,
      sha: to,
    });
    return "moved";
  } catch (error) {
    if (statusOf(error) !== 422) throw apiError(`create ${ref}`, error);
    // GitHub answers 422 both when the ref exists and when it refuses the
    // name; the ref itself tells which.
    const current = await readRef(api, ref);
    if (current === to) return "moved"; // a retried request already made it
    if (current !== undefined) return "conflict";
    throw refusedRef(ref, to, error);
  }
}

function refusedRef(ref: string, to: string, error: unknown): ActionError {
  const said = githubMessage(error);
  if (/object does not exist/i.test(said)) {
    return apiError(`create ${ref} at ${to} (is that commit pushed?)`, error);
  }
  const custom = !/^refs\/(heads|tags)\//.test(ref);
  return new ActionError(
    "api-error",
    `GitHub refused to create the state ref "${ref}": "${said}". ` +
      (custom
        ? "This host does not accept refs outside refs/heads/ and refs/tags/: "
        : "Check the name: ") +
      `set the "state-ref" input to a tag such as ${suggestedTag}.`,
    { cause: error },
  );
}

async function updateRefs(
  api: GitHubApi,
  options: MoveRefOptions & { from: string },
): Promise<void> {
  const repositoryId = await repositoryNodeId(api);
  await graphql(
    api,
    `
      mutation MoveRef($input: UpdateRefsInput!) {
        updateRefs(input: $input) {
          clientMutationId
        }
      }
    `,
    {
      input: {
        repositoryId,
        refUpdates: [
          {
            name: options.ref,
            beforeOid: options.from,
            afterOid: options.to,
            force: options.force,
          },
        ],
      },
    },
  );
}

/**
 * `updateRefs` answers a stale `beforeOid` and a refused non-fast-forward
 * with the same generic error (GitHub does not say which), so the ref and
 * the commits are read again to tell what happened.
 */
async function explainRefusal(
  api: GitHubApi,
  options: MoveRefOptions & { from: string },
  error: unknown,
): Promise<MoveResult> {
  const doing = `move ${options.ref} to ${options.to}`;
  if (isForbidden(error)) throw apiError(doing, error);
  const current = await readRef(api, options.ref);
  if (current === options.to) return "moved"; // a retried request already did
  if (current !== options.from) return "conflict";
  if (!options.force) {
    const relation = await compare(api, options.from, options.to);
    if (relation?.status !== "ahead" && relation?.status !== "identical") {
      throw new ActionError(
        "state-conflict",
        `Refusing to move ${options.ref} from ${options.from} to ` +
          `${options.to}: that is not a move forward (${relation?.status ?? "unrelated commits"}). ` +
          "Nothing was changed.",
        { cause: error },
      );
    }
  }
  throw apiError(doing, error);
}

const repositoryIds = new WeakMap<GitHubApi, Promise<string>>();

/** The repository's GraphQL node id, asked once per client. */
function repositoryNodeId(api: GitHubApi): Promise<string> {
  let id = repositoryIds.get(api);
  if (!id) {
    id = graphql<{ repository: { id: string } }>(
      api,
      `
        query RepositoryId($owner: String!, $name: String!) {
          repository(owner: $owner, name: $name) {
            id
          }
        }
      `,
      { owner: api.owner, name: api.repo },
    ).then((data) => data.repository.id);
    id.catch(() => repositoryIds.delete(api));
    repositoryIds.set(api, id);
  }
  return id.catch((error: unknown) => {
    throw apiError(`read the id of ${api.owner}/${api.repo}`, error);
  });
}
