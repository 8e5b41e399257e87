// Problems as GitHub annotations on their lines (SPEC §2). GitHub shows at
// most 10 annotations of each kind per step, so 9 problems of each kind are
// shown and the 10th says how many more the job summary lists.
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

const TITLE = "Cakewalk access manifest";

/** Emits errors first, then warnings, each kind in file and line order. */
export function emitAnnotations(
  problems: readonly Problem[],
  sink: AnnotationSink,
): void {
  const sorted = sortProblems(problems);
  emitKind(sorted, "error", sink);
  emitKind(sorted, "warning", sink);
}

function emitKind(
  problems: readonly Problem[],
  severity: Severity,
  sink: AnnotationSink,
): void {
  const ofKind = problems.filter((problem) => problem.severity === severity);
  const annotate = (message: string, properties?: AnnotationProperties) =>
    severity === "error"
      ? sink.error(message, properties)
      : sink.warning(message, properties);
  for (const problem of ofKind.slice(0, ANNOTATIONS_PER_KIND)) {
    const { file, line, column } = problem.location;
    annotate(problem.message, {
      title: TITLE,
      file,
      startLine: line,
      startColumn: column,
    });
  }
  const more = ofKind.length - ANNOTATIONS_PER_KIND;
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
