import * as core from "@actions/core";
import { z } from "zod";

/**
 * The action's inputs, read once. Defaults live in action.yml, which the
 * runner applies before the action starts; this module only checks and
 * converts what it is given.
 */
export interface Settings {
  manifest: string;
  mode: "auto" | "plan" | "apply" | "drift";
  scope: "diff" | "full";
  apiUrl: string;
  /** Absent when either the key or the secret is missing. */
  credentials?: { apiKey: string; apiSecret: string };
  githubToken?: string;
  comment: boolean;
  batchSize: number;
  /** Undefined means no limit (input `0`). */
  maxGrants?: number;
  stateRef: string;
  base?: string;
  dryRun: boolean;
}

/** An input that is not of the expected form. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** A full ref name: refs/<namespace>/<name>, no spaces or git specials. */
const refName = /^refs\/[^\s~^:?*[\\]+\/[^\s~^:?*[\\]+$/;

const booleanText = z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]);
const wholeNumber = z.string().regex(/^\d+$/, "a whole number");

const inputs = z.object({
  manifest: z.string().min(1, "a path or a glob such as access.yaml"),
  mode: z.enum(["auto", "plan", "apply", "drift"]),
  scope: z.enum(["diff", "full"]),
  "api-url": z
    .url({ protocol: /^https?$/, error: "an http(s) URL" })
    .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
      error: "a URL without a user name or password in it",
    }),
  "api-key": z.string(),
  "api-secret": z.string(),
  "github-token": z.string(),
  comment: booleanText,
  "batch-size": wholeNumber,
  "max-grants": wholeNumber,
  "state-ref": z
    .string()
    .regex(refName, "a full ref name such as refs/cakewalk-access/applied")
    .refine((ref) => !/^refs\/(heads|remotes|pull)\//.test(ref), {
      error:
        "a ref outside branches and pull requests (a branch would move " +
        "with pushes and trigger workflows), such as " +
        "refs/cakewalk-access/applied or refs/tags/cakewalk-access-applied",
    }),
  base: z.union([
    z.literal(""),
    z.string().regex(/^[0-9a-f]{40}$/i),
    z
      .string()
      .regex(
        /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/+-]+(?<![./])$/,
        "a full 40-character commit SHA or a branch, tag or ref name",
      ),
  ]),
  "dry-run": booleanText,
});

type InputName = keyof typeof inputs.shape;

/**
 * Reads every input. Secrets are masked before anything can log them.
 * `read` is `core.getInput` in the action; tests pass their own.
 */
export function readSettings(
  read: (name: string) => string = (name) => core.getInput(name),
  mask: (secret: string) => void = (secret) => core.setSecret(secret),
): Settings {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(inputs.shape) as InputName[]) {
    raw[name] = read(name).trim();
  }
  for (const secret of ["api-key", "api-secret", "github-token"] as const) {
    if (raw[secret]) mask(raw[secret]);
  }

  const parsed = inputs.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = hidden(name, raw[name] ?? "")
        ? "(hidden)"
        : JSON.stringify(raw[name]);
      return `Input "${name}" is ${value}: expected ${describeExpected(issue)}.`;
    });
    throw new InputError(lines.join("\n"));
  }
  const input = parsed.data;

  const batchSize = Number(input["batch-size"]);
  if (batchSize < 1 || batchSize > 1000) {
    throw new InputError(
      `Input "batch-size" is "${input["batch-size"]}": expected a number from 1 to 1000.`,
    );
  }
  const maxGrants = Number(input["max-grants"]);
  const hasKey = input["api-key"] !== "";
  const hasSecret = input["api-secret"] !== "";
  if (hasKey !== hasSecret) {
    throw new InputError(
      `Input "${hasKey ? "api-secret" : "api-key"}" is empty but ` +
        `"${hasKey ? "api-key" : "api-secret"}" is set: Cakewalk needs both, ` +
        "or neither for a plan that checks only the manifest.",
    );
  }

  return {
    manifest: input.manifest,
    mode: input.mode,
    scope: input.scope,
    apiUrl: input["api-url"].replace(/\/+$/, ""),
    credentials: hasKey
      ? { apiKey: input["api-key"], apiSecret: input["api-secret"] }
      : undefined,
    githubToken: input["github-token"] || undefined,
    comment: input.comment.toLowerCase() === "true",
    batchSize,
    maxGrants: maxGrants === 0 ? undefined : maxGrants,
    stateRef: input["state-ref"],
    base: input.base || undefined,
    dryRun: input["dry-run"].toLowerCase() === "true",
  };
}

/** Secrets, and a URL that carries a password, are never repeated. */
function hidden(name: string, value: string): boolean {
  if (name === "api-key" || name === "api-secret" || name === "github-token") {
    return true;
  }
  return name === "api-url" && value.includes("@");
}

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") {
    return "a full 40-character commit SHA or a branch, tag or ref name";
  }
  if (issue.code === "invalid_value") {
    return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return issue.message;
}
