// The benchmarks: writes synthetic input, starts a stand-in Cakewalk on
// 127.0.0.1, runs each case in a fresh Node process, prints a table, and
// exits non-zero when a case misses its target or gives a wrong answer.
//
//   npm run bench                      every case
//   npm run bench -- parse-5k diff-20k  only these cases
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseManifest } from "../src/manifest/parse.js";
import type { Report } from "../src/model.js";
import { resolveManifests } from "../src/resolve.js";
import { startCakewalk } from "../stand-ins/cakewalk.js";
import { peakHeapFromTrace } from "./measure.js";
import {
  cases,
  inputFiles,
  RESULT_PREFIX,
  type BenchCase,
  type CaseContext,
  type CaseResult,
  type ExpectedDiff,
} from "./cases.js";
import {
  aliasBomb,
  changedPairs,
  manifestText,
  memoryDirectory,
  nestedAliasBomb,
  organisation,
  pairs,
  planReport,
  type Organisation,
  type Pair,
} from "./synthetic.js";

const USERS = 10_000;
const WORK_APPS = 200;
const MIB = 1024 * 1024;

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);

interface Row {
  bench: BenchCase;
  result?: CaseResult;
  /** HTTP requests per run, for cases that talk to Cakewalk. */
  requests?: number;
  /** The heap's peak rise over a run, in MiB (see measure.ts). */
  peakHeapMb?: number;
  failure?: string;
}

async function main(): Promise<number> {
  const selected = selectCases(process.argv.slice(2));
  const started = performance.now();
  const org = organisation(USERS, WORK_APPS);
  const inputDir = await mkdtemp(join(tmpdir(), "cakewalk-bench-"));
  try {
    await writeInputs(org, inputDir);
    const setupSeconds = (performance.now() - started) / 1000;
    console.log(
      `Inputs written to ${inputDir} in ${setupSeconds.toFixed(1)} s.`,
    );
    const rows: Row[] = [];
    for (const bench of selected) {
      process.stdout.write(`Running ${bench.id}… `);
      const row = await runCase(bench, org, inputDir);
      console.log(
        row.result
          ? `${row.result.measurement.medianMs.toFixed(1)} ms`
          : "failed",
      );
      rows.push(row);
    }
    printTable(rows);
    const total = (performance.now() - started) / 1000;
    console.log(`\nWhole bench: ${total.toFixed(1)} s.`);
    return rows.every(passed) ? 0 : 1;
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}

function selectCases(ids: string[]): BenchCase[] {
  if (ids.length === 0) return cases;
  const unknown = ids.filter((id) => !cases.some((c) => c.id === id));
  if (unknown.length > 0) {
    const known = cases.map((c) => c.id).join(", ");
    throw new Error(
      `Unknown case "${unknown.join('", "')}": pick from ${known}.`,
    );
  }
  return cases.filter((c) => ids.includes(c.id));
}

// ---------------------------------------------------------------------------
// Inputs.

async function writeInputs(org: Organisation, dir: string): Promise<void> {
  const write = (name: string, text: string) =>
    writeFile(join(dir, name), text);
  const base = pairs(org, 20_000);
  const head = changedPairs(org, base);
  const manifest20k = manifestText(org, base).text;
  await write(inputFiles.manifest5k, manifestText(org, pairs(org, 5000)).text);
  await write(inputFiles.manifest20k, manifest20k);
  await write(inputFiles.head20k, manifestText(org, head).text);
  await write(
    inputFiles.expectedDiff,
    JSON.stringify(expectedDiff(base, head)),
  );
  await write(
    inputFiles.report20k,
    JSON.stringify(await report20k(org, manifest20k)),
  );
  await write(inputFiles.over10MiB, over10MiB(org));
  await write(inputFiles.aliasBomb, aliasBomb());
  await write(inputFiles.nestedAliasBomb, nestedAliasBomb());
}

/** What the diff of two pair lists must count. */
function expectedDiff(
  base: readonly Pair[],
  head: readonly Pair[],
): ExpectedDiff {
  const key = (pair: Pair) => `${pair.app}:${pair.user}`;
  const before = new Map(base.map((pair) => [key(pair), pair.level]));
  const counts: ExpectedDiff = { grant: 0, "level-change": 0, removal: 0 };
  for (const pair of head) {
    const level = before.get(key(pair));
    if (level === undefined) counts.grant += 1;
    else if (level !== pair.level) counts["level-change"] += 1;
    before.delete(key(pair));
  }
  counts.removal = before.size;
  return counts;
}

/** The plan of the 20,000-access manifest, its references checked. */
async function report20k(org: Organisation, text: string): Promise<Report> {
  const parsed = parseManifest(text, "access/accesses.yaml");
  if (!parsed.manifest) {
    throw new Error("The 20,000-access manifest did not parse.");
  }
  const resolution = await resolveManifests([parsed.manifest], {
    directory: memoryDirectory(org),
  });
  return planReport(org, resolution);
}

/** A realistic manifest just over the 10 MiB limit. */
function over10MiB(org: Organisation): string {
  const text = manifestText(org, pairs(org, 56_000)).text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= 10 * MIB) {
    throw new Error(`The large manifest is only ${bytes} bytes.`);
  }
  return text;
}

// ---------------------------------------------------------------------------
// Running a case.

async function runCase(
  bench: BenchCase,
  org: Organisation,
  inputDir: string,
): Promise<Row> {
  if (!bench.http) return runProcess(bench, { inputDir });
  const cakewalk = await startCakewalk({
    users: org.users,
    workApps: org.apps,
  });
  try {
    // A fault with a delay and no status only slows the answer down.
    const { latencyMs } = bench.http;
    if (latencyMs) cakewalk.failNext({ delayMs: latencyMs, times: Infinity });
    const row = await runProcess(bench, {
      inputDir,
      cakewalkUrl: cakewalk.url,
    });
    row.requests = cakewalk.requests.length / (bench.warmups + bench.runs);
    const failed = cakewalk.requests.filter((r) => r.answer !== 200).length;
    if (failed > 0) {
      row.failure ??= `${failed} requests to Cakewalk did not get 200`;
    }
    return row;
  } finally {
    await cakewalk.close();
  }
}

/** Runs one case in a fresh Node process with --expose-gc. */
function runProcess(bench: BenchCase, context: CaseContext): Promise<Row> {
  const script = join(benchDir, "case-process.ts");
  const child = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      script,
      bench.id,
      JSON.stringify(context),
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout
    .setEncoding("utf8")
    .on("data", (chunk: string) => (stdout += chunk));
  child.stderr
    .setEncoding("utf8")
    .on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) {
        const json = line.slice(RESULT_PREFIX.length);
        const result = JSON.parse(json) as CaseResult;
        const { heapBaseBytes } = result.measurement;
        const peakHeapMb = peakHeapFromTrace(stdout, heapBaseBytes);
        resolve({ bench, result, peakHeapMb });
      } else {
        const said = stderr.trim() || "no output";
        resolve({ bench, failure: `exit code ${code}: ${said}` });
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Reporting.

function passed(row: Row): boolean {
  if (row.failure || !row.result) return false;
  const target = row.bench.targetMs;
  return target === undefined || row.result.measurement.medianMs < target;
}

function verdict(row: Row): string {
  if (row.failure || !row.result) return "FAIL (error)";
  if (row.bench.targetMs === undefined) return "—";
  return passed(row) ? "PASS" : "FAIL";
}

function printTable(rows: Row[]): void {
  const header = [
    "case",
    "size",
    "runs",
    "median ms",
    "peak heap MB",
    "RSS rise MB",
    "target",
    "result",
  ];
  const lines = rows.map((row) => {
    const m = row.result?.measurement;
    const target = row.bench.targetMs;
    return [
      `${row.bench.id} (${row.bench.title})`,
      row.result?.size ?? "",
      m ? String(m.runs) : "",
      m ? m.medianMs.toFixed(1) : "",
      m ? Math.max(row.peakHeapMb ?? 0, m.heapMb).toFixed(0) : "",
      m ? `${m.peakBelowStartup ? "≤ " : ""}${m.peakRssMb.toFixed(0)}` : "",
      target === undefined ? "—" : `< ${target.toLocaleString("en-US")} ms`,
      verdict(row),
    ];
  });
  console.log("");
  console.log(markdownTable(header, lines));
  console.log("");
  for (const row of rows) {
    const requests =
      row.requests === undefined
        ? ""
        : `${row.requests} HTTP requests per run; `;
    const detail = row.failure ?? row.result?.detail ?? "";
    const times = row.result?.measurement.timesMs
      .map((t) => t.toFixed(0))
      .join(", ");
    console.log(
      `- ${row.bench.id}: ${requests}${detail}${times ? ` (runs: ${times} ms)` : ""}`,
    );
  }
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  },
);
