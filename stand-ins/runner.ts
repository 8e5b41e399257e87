// Runs the built action (dist/index.js) as a child process with the
// environment a GitHub Actions runner gives a JavaScript action: the event
// payload file, GITHUB_* variables, INPUT_* for every input (defaults from
// action.yml), and the output and summary files.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface RunOptions {
  eventName: string;
  payload: object;
  sha: string;
  ref: string;
  /** owner/repo */
  repository: string;
  workspace: string;
  apiUrl: string;
  /** Inputs by their action.yml names; the rest take action.yml defaults. */
  inputs?: Record<string, string>;
  /** The workflow token the runner would pass (`github.token`). */
  token: string;
  /** The node binary: the current one unless given (e.g. Node 24). */
  node?: string;
  /** Extra environment, e.g. to point HOME elsewhere. */
  env?: Record<string, string>;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The parsed result-file, when the action wrote one. */
  result?: unknown;
}

/** The inputs of action.yml with their defaults, as the runner fills them. */
export async function actionDefaults(
  token: string,
): Promise<Record<string, string>> {
  const action = parse(await readFile(join(root, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  };
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    defaults[name] = (input.default ?? "").replace(
      "${{ github.token }}",
      token,
    );
  }
  return defaults;
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const temp = await mkdtemp(join(tmpdir(), "cakewalk-runner-"));
  const eventPath = join(temp, "event.json");
  const outputPath = join(temp, "output.txt");
  const summaryPath = join(temp, "summary.md");
  await writeFile(eventPath, JSON.stringify(options.payload));
  await writeFile(outputPath, "");
  await writeFile(summaryPath, "");

  const inputs = {
    ...(await actionDefaults(options.token)),
    ...options.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? temp,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_API_URL: options.apiUrl,
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: temp,
    RUNNER_DEBUG: "1",
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }

  const child = spawn(
    options.node ?? process.execPath,
    [join(root, "dist", "index.js")],
    { cwd: options.workspace, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number>((done) =>
    child.on("close", (code) => done(code ?? -1)),
  );

  const outputs = parseOutputFile(await readFile(outputPath, "utf8"));
  let result: unknown;
  if (outputs["result-file"]) {
    try {
      result = JSON.parse(await readFile(outputs["result-file"], "utf8"));
    } catch {
      result = undefined;
    }
  }
  return {
    exitCode,
    stdout,
    stderr,
    outputs,
    summary: await readFile(summaryPath, "utf8"),
    result,
  };
}

/** Reads `name<<delimiter` blocks, the format `core.setOutput` writes. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) {
      value.push(lines[i]!);
    }
    outputs[name!] = value.join("\n");
  }
  return outputs;
}

let node24: Promise<string> | undefined;

/** The path of a Node 24 binary, fetched once from the npm registry. */
export function node24Path(): Promise<string> {
  node24 ??= promisify(execFile)(
    "npx",
    ["-y", "node@24", "-e", "process.stdout.write(process.execPath)"],
    { encoding: "utf8" },
  ).then(({ stdout }) => stdout.trim());
  return node24;
}
