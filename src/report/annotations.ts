// Problems as GitHub annotations on their lines (SPEC §2). GitHub shows at
// most 10 annotations of each kind per step, so when there are more, 9
// problems of each kind are shown and the 10th says how many more the job
// summary lists. A failing step's own error message takes one error slot.
import type { AnnotationProperties } from "@actions/core";
import type { Problem, Severity } from "../model.js";
import { sortProblems } from "./order.js";
import { plural } from "./wording.js";

/** Where annotations go: `@actions/core` in the action, a recorder in tests. */
export interface AnnotationSink {
  error(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
}

export const ANNOTATIONS_PER_KIND = 9;

/** What GitHub shows of one kind in one step. */
const GITHUB_LIMIT = ANNOTATIONS_PER_KIND + 1;

export interface AnnotationOptions {
  /** The step will fail, and its failure message is one more error. */
  failing?: boolean;
}

const TITLE = "Cakewalk access manifest";

/** Emits errors first, then warnings, each kind in file and line order. */
export function emitAnnotations(
  problems: readonly Problem[],
  sink: AnnotationSink,
  options: AnnotationOptions = {},
): void {
  const sorted = sortProblems(problems);
  emitKind(sorted, "error", sink, GITHUB_LIMIT - (options.failing ? 1 : 0));
  emitKind(sorted, "warning", sink, GITHUB_LIMIT);
}

function emitKind(
  problems: readonly Problem[],
  severity: Severity,
  sink: AnnotationSink,
  slots: number,
): void {
  const ofKind = problems.filter((problem) => problem.severity === severity);
  const annotate = (message: string, properties?: AnnotationProperties) =>
    severity === "error"
      ? sink.error(message, properties)
      : sink.warning(message, properties);
  const shown = ofKind.length <= slots ? ofKind.length : slots - 1;
  for (const problem of ofKind.slice(0, shown)) {
    const { file, line, column } = problem.location;
    annotate(problem.message, {
      title: TITLE,
      file,
      startLine: line,
      startColumn: column,
    });
  }
  const more = ofKind.length - shown;
  if (more > 0) {
    const kind =
      severity === "error" ? ["error", "errors"] : ["warning", "warnings"];
    annotate(
      `${plural(more, `more ${kind[0]}`, `more ${kind[1]}`)} in the ` +
        "manifest not shown here: GitHub shows at most 10 annotations of " +
        "each kind per step. The job summary of this run lists them all.",
      { title: TITLE },
    );
  }
}
