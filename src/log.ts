import * as core from "@actions/core";

/**
 * Where modules write progress. The action passes the `@actions/core`
 * logger; tests pass one that records lines instead of printing workflow
 * commands.
 */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const coreLog: Log = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
};

/** A log that keeps its lines, for tests and for quiet sub-steps. */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug: ${message}`),
    info: (message) => lines.push(`info: ${message}`),
    warning: (message) => lines.push(`warning: ${message}`),
  };
}
