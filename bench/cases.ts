// The benchmark cases: what each one times, its target, and the checks that
// its output is right (a fast wrong answer must not pass). run.ts writes the
// inputs and starts each case in a process of its own (case-process.ts).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CakewalkClient } from "../src/cakewalk/client.js";
import { diffAccesses } from "../src/diff.js";
import { parseManifest } from "../src/manifest/parse.js";
import type { ChangeKind, ManifestFile, Report } from "../src/model.js";
import { renderPlanComment } from "../src/report/plan-comment.js";
import { COMMENT_LIMIT, commentSize, utf8Bytes } from "../src/report/fit.js";
import { renderSummary, SUMMARY_LIMIT } from "../src/report/summary.js";
import { resolveManifests, type Resolution } from "../src/resolve.js";
import { recordingLog } from "../src/log.js";
import { readWriteKey } from "../stand-ins/cakewalk.js";
import type { Measurement } from "./measure.js";

/** What run.ts hands to every case process. */
export interface CaseContext {
  /** Where run.ts wrote the inputs (see `inputFiles`). */
  inputDir: string;
  /** The stand-in Cakewalk that run.ts started, for cases with `http`. */
  cakewalkUrl?: string;
}

/** How a case process's result line starts on its standard output. */
export const RESULT_PREFIX = "BENCH-RESULT ";

/** What a case process reports. */
export interface CaseResult {
  id: string;
  size: string;
  /** What the checks found, in a line. */
  detail: string;
  measurement: Measurement;
}

/** The input files run.ts writes, by name. */
export const inputFiles = {
  manifest5k: "manifest-5k.yaml",
  manifest20k: "manifest-20k.yaml",
  head20k: "head-20k.yaml",
  expectedDiff: "expected-diff.json",
  report20k: "report-20k.json",
  over10MiB: "over-10-mib.yaml",
  aliasBomb: "alias-bomb.yaml",
  nestedAliasBomb: "nested-alias-bomb.yaml",
} as const;

/** Counts of the changes the 1 % difference should give. */
export type ExpectedDiff = Record<Exclude<ChangeKind, "unchanged">, number>;

/** A case ready to time: the work, and a check of its last output. */
export interface Prepared<T> {
  /** The input's size, in words and figures. */
  size: string;
  work: () => T | Promise<T>;
  /**
   * Throws when the output is wrong; returns a line of details. (A method,
   * so that a case of any output type fits `BenchCase`.)
   */
  check(output: T): string;
}

export interface BenchCase {
  id: string;
  title: string;
  /** The wall time a run's median must stay under; none when informative. */
  targetMs?: number;
  warmups: number;
  runs: number;
  /**
   * Talks to a stand-in Cakewalk that run.ts starts for this case alone and
   * counts the requests of; `latencyMs` delays every answer.
   */
  http?: { latencyMs?: number };
  prepare: (context: CaseContext) => Promise<Prepared<unknown>>;
}

export const cases: BenchCase[] = [
  {
    id: "parse-5k",
    title: "parse manifest",
    targetMs: 1000,
    warmups: 1,
    runs: 7,
    prepare: (context) => parseCase(context, inputFiles.manifest5k, 5000),
  },
  {
    id: "parse-20k",
    title: "parse manifest",
    warmups: 1,
    runs: 3,
    prepare: (context) => parseCase(context, inputFiles.manifest20k, 20_000),
  },
  {
    id: "resolve-http-5k",
    title: "resolve over HTTP",
    targetMs: 5000,
    warmups: 1,
    runs: 5,
    http: {},
    prepare: resolveOverHttp,
  },
  {
    id: "resolve-http-5k-latency",
    title: "resolve over HTTP, 10 ms a request",
    warmups: 0,
    runs: 3,
    http: { latencyMs: 10 },
    prepare: resolveOverHttp,
  },
  {
    id: "resolve-offline-5k",
    title: "resolve offline",
    warmups: 2,
    runs: 9,
    prepare: resolveOffline,
  },
  {
    id: "diff-20k",
    title: "offline resolve + diff",
    targetMs: 2000,
    warmups: 1,
    runs: 5,
    prepare: resolveAndDiff,
  },
  {
    id: "plan-comment-20k",
    title: "render plan comment",
    targetMs: 3000,
    warmups: 1,
    runs: 5,
    prepare: (context) => renderCase(context, "comment"),
  },
  {
    id: "summary-20k",
    title: "render summary",
    targetMs: 3000,
    warmups: 1,
    runs: 5,
    prepare: (context) => renderCase(context, "summary"),
  },
  {
    id: "alias-bomb",
    title: "reject 101 aliases",
    targetMs: 100,
    warmups: 3,
    runs: 21,
    prepare: (context) =>
      rejectCase(context, inputFiles.aliasBomb, /More than 100 YAML aliases/),
  },
  {
    id: "nested-alias-bomb",
    title: "reject nested aliases",
    targetMs: 100,
    warmups: 3,
    runs: 21,
    prepare: (context) =>
      rejectCase(
        context,
        inputFiles.nestedAliasBomb,
        /nest into a value too large/,
      ),
  },
  {
    id: "over-10-mib",
    title: "reject file over 10 MiB",
    targetMs: 500,
    warmups: 3,
    runs: 21,
    prepare: (context) =>
      rejectCase(context, inputFiles.over10MiB, /over the limit of 10,485,760/),
  },
];

// ---------------------------------------------------------------------------

async function readInput(context: CaseContext, name: string): Promise<Buffer> {
  return readFile(join(context.inputDir, name));
}

/** Kibibytes or mebibytes, whichever reads better. */
function bytesText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${Math.round(bytes / 1024)} KiB`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Reads a manifest as the action does, failing on any error in it. */
function parseOrThrow(content: Buffer, file: string): ManifestFile {
  const result = parseManifest(content, file);
  const error = result.problems.find((p) => p.severity === "error");
  if (error || !result.manifest) {
    throw new Error(
      `${file} did not parse: ${error?.message ?? "no manifest"}`,
    );
  }
  return result.manifest;
}

function expectNoErrors(resolution: Resolution, what: string): void {
  const errors = resolution.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new Error(
      `${what}: ${errors.length} errors, the first: ${errors[0]!.message}`,
    );
  }
}

function expectCount(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new Error(`${what}: ${count(actual)}, expected ${count(expected)}`);
  }
}

async function parseCase(
  context: CaseContext,
  name: string,
  accesses: number,
): Promise<Prepared<ReturnType<typeof parseManifest>>> {
  // The action reads manifests from git as bytes: parse bytes too.
  const content = await readInput(context, name);
  return {
    size: `${count(accesses)} accesses, ${bytesText(content.length)}`,
    work: () => parseManifest(content, name),
    check: (result) => {
      const errors = result.problems.filter((p) => p.severity === "error");
      expectCount(errors.length, 0, "errors");
      expectCount(result.manifest?.accesses.length ?? 0, accesses, "accesses");
      return `${count(accesses)} accesses read, no errors`;
    },
  };
}

async function resolveOverHttp(
  context: CaseContext,
): Promise<Prepared<Resolution>> {
  const manifest = parseOrThrow(
    await readInput(context, inputFiles.manifest5k),
    inputFiles.manifest5k,
  );
  const apiUrl = context.cakewalkUrl;
  if (!apiUrl) throw new Error("No stand-in Cakewalk was started.");
  return {
    size: "5,000 accesses; 10,000 users, 200 work apps",
    // A new client each run: it keeps what it read for the rest of a run.
    work: () =>
      resolveManifests([manifest], {
        directory: new CakewalkClient({
          apiUrl,
          apiKey: readWriteKey.key,
          apiSecret: readWriteKey.secret,
          log: recordingLog(),
        }),
      }),
    check: (resolution) => {
      expectNoErrors(resolution, "resolution");
      expectCount(resolution.accesses.length, 5000, "resolved accesses");
      const unresolved = resolution.accesses.filter((a) => !a.resolved);
      expectCount(unresolved.length, 0, "accesses not checked in Cakewalk");
      return `5,000 accesses resolved to Cakewalk ids, ${resolution.problems.length} warnings (inactive users)`;
    },
  };
}

async function resolveOffline(
  context: CaseContext,
): Promise<Prepared<Resolution>> {
  const manifest = parseOrThrow(
    await readInput(context, inputFiles.manifest5k),
    inputFiles.manifest5k,
  );
  return {
    size: "5,000 accesses, no Cakewalk",
    work: () => resolveManifests([manifest]),
    check: (resolution) => {
      expectNoErrors(resolution, "resolution");
      expectCount(resolution.accesses.length, 5000, "resolved accesses");
      return "5,000 accesses keyed by their written references";
    },
  };
}

async function resolveAndDiff(
  context: CaseContext,
): Promise<Prepared<ReturnType<typeof diffAccesses>>> {
  const base = parseOrThrow(
    await readInput(context, inputFiles.manifest20k),
    inputFiles.manifest20k,
  );
  const head = parseOrThrow(
    await readInput(context, inputFiles.head20k),
    inputFiles.head20k,
  );
  const expected = JSON.parse(
    (await readInput(context, inputFiles.expectedDiff)).toString("utf8"),
  ) as ExpectedDiff;
  return {
    size: "2 × 20,000 accesses, 1 % differ",
    work: async () => {
      const [before, after] = await Promise.all([
        resolveManifests([base], { lenient: true }),
        resolveManifests([head]),
      ]);
      return diffAccesses(before.accesses, after.accesses);
    },
    check: (changeSet) => {
      const counts = { grant: 0, "level-change": 0, removal: 0 };
      for (const change of changeSet.changes) {
        if (change.kind !== "unchanged") counts[change.kind] += 1;
      }
      for (const kind of Object.keys(counts) as Array<keyof typeof counts>) {
        expectCount(counts[kind], expected[kind], `${kind}s`);
      }
      return (
        `${counts.grant} grants, ${counts["level-change"]} level changes, ` +
        `${counts.removal} removals among ${count(changeSet.changes.length)} rows`
      );
    },
  };
}

async function renderCase(
  context: CaseContext,
  kind: "comment" | "summary",
): Promise<Prepared<string>> {
  const report = JSON.parse(
    (await readInput(context, inputFiles.report20k)).toString("utf8"),
  ) as Report;
  const rows = report.entries.length + report.problems.length;
  const size = `${count(report.entries.length)} entries, ${count(report.problems.length)} warnings`;
  if (kind === "comment") {
    return {
      size,
      work: () => renderPlanComment(report),
      check: (text) => {
        const limit = count(COMMENT_LIMIT);
        if (text.length > COMMENT_LIMIT || commentSize(text) > COMMENT_LIMIT) {
          throw new Error(
            `the plan comment is ${count(text.length)} characters ` +
              `(${count(commentSize(text))} counting line ends as two), over ${limit}`,
          );
        }
        return (
          `${count(text.length)} characters (${count(commentSize(text))} ` +
          `counting line ends as two) ≤ ${limit}; ${keptRows(text, rows)}`
        );
      },
    };
  }
  return {
    size,
    work: () => renderSummary(report),
    check: (text) => {
      const bytes = utf8Bytes(text);
      if (bytes > SUMMARY_LIMIT) {
        throw new Error(`the summary is ${count(bytes)} bytes, over 1 MiB`);
      }
      return `${count(bytes)} bytes ≤ ${count(SUMMARY_LIMIT)}; ${keptRows(text, rows)}`;
    },
  };
}

/** How many rows the text shows, from its note on the ones left out. */
function keptRows(text: string, rows: number): string {
  const left = /(\d[\d,]*) rows? (?:was|were) left out/.exec(text);
  const omitted = left ? Number(left[1]!.replace(/,/g, "")) : 0;
  return `${count(rows - omitted)} of ${count(rows)} rows shown`;
}

async function rejectCase(
  context: CaseContext,
  name: string,
  message: RegExp,
): Promise<Prepared<ReturnType<typeof parseManifest>>> {
  const content = await readInput(context, name);
  return {
    size: bytesText(content.length),
    work: () => parseManifest(content, name),
    check: (result) => {
      const error = result.problems.find((p) => p.severity === "error");
      if (result.manifest || !error || !message.test(error.message)) {
        throw new Error(
          `${name} was not refused as expected: ${error?.message ?? "no error"}`,
        );
      }
      return `refused: "${error.message.slice(0, 60)}…"`;
    },
  };
}
