import type { FailureReason } from "./model.js";

/**
 * A failure the user can act on: a bad input, a refused key, an API that is
 * down. It carries the `failure-reason` output. Anything else thrown is a bug
 * in the action and is reported as such.
 */
export class ActionError extends Error {
  readonly reason: FailureReason;

  constructor(reason: FailureReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ActionError";
    this.reason = reason;
  }
}

/** The message of any thrown value, including values that are not Errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
