// What GitHub's answers mean for the action: errors thrown by Octokit turned
// into ActionErrors that quote what GitHub said and say what to do.
import { ActionError, errorMessage } from "../errors.js";

/**
 * The token may not comment (GitHub answered 403). Pull requests from forks
 * get a read-only token, so the caller warns once and carries on.
 */
export class CommentForbiddenError extends ActionError {
  constructor(issue: number, said: string, options?: ErrorOptions) {
    super(
      "api-error",
      `The GitHub token may not comment on #${issue}: GitHub answered 403 ` +
        `"${said}". Pull requests from forks get a read-only token; ` +
        "elsewhere, give the workflow `permissions: pull-requests: write`.",
      options,
    );
    this.name = "CommentForbiddenError";
  }
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/**
 * What GitHub said: the `message` of a REST error body, or the messages of
 * GraphQL errors; else the error's own message.
 */
export function githubMessage(error: unknown): string {
  const errors = graphqlErrors(error);
  if (errors.length > 0) return errors.map((e) => e.message).join("; ");
  const data = (error as { response?: { data?: unknown } } | null)?.response
    ?.data;
  const message = (data as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" ? message : errorMessage(error);
}

/** The `errors` of a GraphQL answer that Octokit threw, else none. */
export function graphqlErrors(
  error: unknown,
): { message: string; type?: string }[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((item: { message?: unknown; type?: unknown }) => ({
    message: String(item?.message ?? ""),
    type: typeof item?.type === "string" ? item.type : undefined,
  }));
}

/** GitHub refused the token's permission (REST 403 or GraphQL FORBIDDEN). */
export function isForbidden(error: unknown): boolean {
  if (statusOf(error) === 403) return true;
  return graphqlErrors(error).some((e) => e.type === "FORBIDDEN");
}

/** An api-error that says what could not be done and what GitHub said. */
export function apiError(doing: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error;
  const status = statusOf(error) ?? (isForbidden(error) ? 403 : undefined);
  const answered = status ? `answered ${status}` : "answered";
  return new ActionError(
    "api-error",
    `Could not ${doing}: GitHub ${answered} "${githubMessage(error)}". ` +
      hint(status),
    { cause: error },
  );
}

function hint(status: number | undefined): string {
  if (status === 401) {
    return 'Check the "github-token" input: the token is wrong, expired or revoked.';
  }
  if (status === 403) {
    return (
      "The token lacks a permission: the action needs `contents: write` " +
      "to move the state ref and `pull-requests: write` to comment."
    );
  }
  if (status === 404) {
    return "Check that it exists and that the token can read this repository.";
  }
  if (status !== undefined && status >= 500) {
    return "GitHub had a problem and retries did not help; re-run the job later.";
  }
  return "";
}
