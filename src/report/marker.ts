// Hidden markers let a later run find its own comments again. A plan comment
// starts with one line:
//
//   <!-- cakewalk-access-action:plan manifest=<id> hash=<plan hash> -->
//
// `<id>` is the first 16 hex digits of the SHA-256 of the `manifest` input,
// so each manifest input keeps its own plan comment on a pull request. The
// plan hash lets the apply tell whether what it applied is what was reviewed.
import { createHash } from "node:crypto";

const PLAN_KIND = "cakewalk-access-action:plan";
const RESULTS_KIND = "cakewalk-access-action:results";

// A value inside an HTML comment must not contain `--` or `>`, or it could
// end the comment early. Hashes and commit ids never do; anything else is a
// bug upstream and is refused rather than written.
const SAFE_VALUE = /^[A-Za-z0-9._:+/=]+(?:-[A-Za-z0-9._:+/=]+)*$/;

const PLAN_LINE =
  /^<!-- cakewalk-access-action:plan manifest=([0-9a-f]{16})(?: hash=(\S+))? -->$/;

/** The id of a manifest input inside markers. */
export function manifestId(manifestInput: string): string {
  return createHash("sha256").update(manifestInput).digest("hex").slice(0, 16);
}

/** The first line of a plan comment. */
export function planMarker(manifestInput: string, planHash?: string): string {
  const hash = planHash === undefined ? "" : ` hash=${safe(planHash)}`;
  return `<!-- ${PLAN_KIND} manifest=${manifestId(manifestInput)}${hash} -->`;
}

/**
 * The start of every plan comment for this manifest input, whatever its
 * hash. A comment is a plan comment when its body starts with this.
 */
export function markerPrefix(manifestInput: string): string {
  return `<!-- ${PLAN_KIND} manifest=${manifestId(manifestInput)} `;
}

/** Whether `body` is a plan comment for this manifest input. */
export function isPlanComment(body: string, manifestInput: string): boolean {
  return body.startsWith(markerPrefix(manifestInput));
}

/**
 * The plan hash in a plan comment's marker, or undefined when the body is
 * not a plan comment or its plan carried no hash. Only the first line is
 * read: text further down comes from the manifest and is not trusted.
 */
export function readPlanHash(body: string): string | undefined {
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  return PLAN_LINE.exec(firstLine)?.[2];
}

/** The first line of a results comment, for finding it on a re-run. */
export function resultsMarker(manifestInput: string, headSha: string): string {
  const id = manifestId(manifestInput);
  return `<!-- ${RESULTS_KIND} manifest=${id} commit=${safe(headSha)} -->`;
}

function safe(value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new Error(
      `Refusing to write "${value}" into a comment marker: expected a hash ` +
        "or a commit id (letters, digits and single dashes).",
    );
  }
  return value;
}
