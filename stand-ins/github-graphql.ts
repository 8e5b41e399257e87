// The stand-in's GraphQL endpoint: just enough of a parser to find the root
// fields of one operation and the fields selected under each. It serves
// `viewer`, `repository(owner:, name:)` and the `updateRefs` mutation, and
// answers anything else with a GraphQL error, so the action cannot come to
// rely on something the stand-in does not check.
import type { RefUpdate, StandInRepository } from "./github-repo.js";
import type { TokenIdentity } from "./github-server.js";

export interface GraphqlContext {
  identity: TokenIdentity;
  repository: StandInRepository;
  owner: string;
  repo: string;
  repositoryId: string;
  refuseRef: (ref: string) => boolean;
}

interface GraphqlError {
  message: string;
  type?: string;
  path?: string[];
}

interface RootField {
  alias: string;
  name: string;
  args: string;
  selection: string[];
}

type Json = Record<string, unknown>;

const selectable: Record<string, string[]> = {
  viewer: ["login", "databaseId", "__typename"],
  repository: ["id", "name", "nameWithOwner"],
  updateRefs: ["clientMutationId"],
};

export async function answerGraphql(
  body: unknown,
  context: GraphqlContext,
): Promise<Json> {
  const { query, variables } = readRequest(body);
  if (query === undefined) {
    return { errors: [{ message: "A query attribute must be specified" }] };
  }
  const operation = parseOperation(query);
  if (typeof operation === "string")
    return { errors: [{ message: operation }] };
  const unknown = checkSelections(operation.kind, operation.fields);
  if (unknown) return { errors: [unknown] };

  const data: Json = {};
  const errors: GraphqlError[] = [];
  for (const field of operation.fields) {
    const answer = await answerField(field, variables, context);
    data[field.alias] = answer.value;
    if (answer.error) errors.push({ ...answer.error, path: [field.alias] });
  }
  return errors.length > 0 ? { data, errors } : { data };
}

function readRequest(body: unknown): { query?: string; variables: Json } {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown };
  const variables =
    typeof request.variables === "object" && request.variables !== null
      ? (request.variables as Json)
      : {};
  return {
    query: typeof request.query === "string" ? request.query : undefined,
    variables,
  };
}

function checkSelections(
  kind: "query" | "mutation",
  fields: RootField[],
): GraphqlError | undefined {
  const rootType = kind === "query" ? "Query" : "Mutation";
  const roots = kind === "query" ? ["viewer", "repository"] : ["updateRefs"];
  for (const field of fields) {
    if (!roots.includes(field.name)) {
      return {
        message: `Field '${field.name}' doesn't exist on type '${rootType}' (the stand-in GitHub does not serve it)`,
      };
    }
    const missing = field.selection.find(
      (name) => !selectable[field.name]?.includes(name),
    );
    if (missing) {
      return {
        message: `Field '${missing}' doesn't exist on '${field.name}' (the stand-in GitHub does not serve it)`,
      };
    }
  }
  return undefined;
}

async function answerField(
  field: RootField,
  variables: Json,
  context: GraphqlContext,
): Promise<{ value: unknown; error?: GraphqlError }> {
  switch (field.name) {
    case "viewer":
      return { value: viewer(field, context.identity) };
    case "repository":
      return repository(field, variables, context);
    default:
      return updateRefs(field, variables, context);
  }
}

function viewer(field: RootField, identity: TokenIdentity): Json {
  const all: Json = {
    login: identity.graphqlLogin,
    databaseId: identity.graphqlDatabaseId,
    __typename: "User",
  };
  return pick(all, field.selection);
}

function repository(
  field: RootField,
  variables: Json,
  context: GraphqlContext,
): { value: unknown; error?: GraphqlError } {
  const owner = argument(field.args, "owner", variables);
  const name = argument(field.args, "name", variables);
  const same = (a: unknown, b: string) =>
    typeof a === "string" && a.toLowerCase() === b.toLowerCase();
  if (!same(owner, context.owner) || !same(name, context.repo)) {
    return {
      value: null,
      error: {
        type: "NOT_FOUND",
        message: `Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`,
      },
    };
  }
  const all: Json = {
    id: context.repositoryId,
    name: context.repo,
    nameWithOwner: `${context.owner}/${context.repo}`,
  };
  return { value: pick(all, field.selection) };
}

async function updateRefs(
  field: RootField,
  variables: Json,
  context: GraphqlContext,
): Promise<{ value: unknown; error?: GraphqlError }> {
  if (!context.identity.canWrite) {
    return {
      value: null,
      error: {
        type: "FORBIDDEN",
        message: "Resource not accessible by integration",
      },
    };
  }
  const input = argument(field.args, "input", variables) as
    { repositoryId?: unknown; refUpdates?: unknown } | undefined;
  const updates = readRefUpdates(input?.refUpdates);
  if (typeof updates === "string") {
    return { value: null, error: { message: updates } };
  }
  if (input?.repositoryId !== context.repositoryId) {
    return {
      value: null,
      error: {
        type: "NOT_FOUND",
        message: `Could not resolve to a node with the global id of '${String(input?.repositoryId)}'`,
      },
    };
  }
  const refused = updates.find((update) => context.refuseRef(update.name));
  const failure = refused
    ? `${refused.name} is outside the namespaces this host accepts`
    : await context.repository.exclusive(() =>
        context.repository.updateRefs(updates),
      );
  if (failure) {
    // GitHub does not say which rule failed (a stale beforeOid and a
    // refused non-fast-forward look alike), so neither does the stand-in.
    return {
      value: null,
      error: { message: "A ref update was rejected; no ref was changed." },
    };
  }
  return { value: pick({ clientMutationId: null }, field.selection) };
}

function readRefUpdates(value: unknown): RefUpdate[] | string {
  if (!Array.isArray(value) || value.length === 0) {
    return "Argument 'refUpdates' on InputObject 'UpdateRefsInput' is required";
  }
  const updates: RefUpdate[] = [];
  for (const item of value as Json[]) {
    const { name, afterOid, beforeOid, force } = item;
    if (typeof name !== "string" || !/^refs\/.+\/.+/.test(name)) {
      return `Invalid ref name: ${JSON.stringify(name)} (expected refs/...)`;
    }
    if (!isOid(afterOid) || (beforeOid != null && !isOid(beforeOid))) {
      return `Invalid object id for ${name}`;
    }
    updates.push({
      name,
      afterOid,
      beforeOid: beforeOid ?? undefined,
      force: force === true,
    });
  }
  return updates;
}

function isOid(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{40}$/.test(value);
}

// ---------------------------------------------------------------------------
// A small reader for one GraphQL operation: its kind and its root fields.

function parseOperation(
  query: string,
): { kind: "query" | "mutation"; fields: RootField[] } | string {
  const text = query.replace(/#[^\n]*/g, "");
  const open = text.indexOf("{");
  if (open < 0) return "Parse error: expected a selection set";
  const header = text.slice(0, open).trim();
  const kind = /^mutation\b/.test(header) ? "mutation" : "query";
  if (header && !/^(query|mutation)\b/.test(header)) {
    return `Parse error on "${header.split(/\s/)[0]}"`;
  }
  const close = matching(text, open, "{", "}");
  if (close < 0) return "Parse error: unbalanced braces";
  return { kind, fields: rootFields(text.slice(open + 1, close)) };
}

function rootFields(body: string): RootField[] {
  const fields: RootField[] = [];
  const pattern = /\s*(?:(\w+)\s*:\s*)?(\w+)\s*/y;
  let index = 0;
  while (index < body.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(body);
    if (!match) {
      index += 1;
      continue;
    }
    const name = match[2] ?? "";
    index = pattern.lastIndex;
    let args = "";
    if (body[index] === "(") {
      const end = matching(body, index, "(", ")");
      args = body.slice(index + 1, end);
      index = end + 1;
    }
    while (/\s/.test(body[index] ?? "")) index += 1;
    let selection: string[] = [];
    if (body[index] === "{") {
      const end = matching(body, index, "{", "}");
      selection = fieldNames(body.slice(index + 1, end));
      index = end + 1;
    }
    fields.push({ alias: match[1] ?? name, name, args, selection });
  }
  return fields;
}

/** The field names at the top of a selection set (nested sets dropped). */
function fieldNames(selection: string): string[] {
  let flat = selection;
  while (/\{[^{}]*\}/.test(flat)) flat = flat.replace(/\{[^{}]*\}/g, " ");
  flat = flat.replace(/\([^)]*\)/g, " ").replace(/\w+\s*:/g, " ");
  return flat.split(/[\s,]+/).filter((name) => /^\w+$/.test(name));
}

function matching(
  text: string,
  open: number,
  left: string,
  right: string,
): number {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    if (text[index] === left) depth += 1;
    if (text[index] === right && --depth === 0) return index;
  }
  return -1;
}

/** An argument's value: a `$variable` or a quoted string literal. */
function argument(args: string, name: string, variables: Json): unknown {
  const match = new RegExp(
    `\\b${name}\\s*:\\s*(\\$(\\w+)|"((?:[^"\\\\]|\\\\.)*)")`,
  ).exec(args);
  if (!match) return undefined;
  if (match[2] !== undefined) return variables[match[2]];
  return JSON.parse(`"${match[3] ?? ""}"`);
}

function pick(all: Json, fields: string[]): Json {
  return Object.fromEntries(fields.map((field) => [field, all[field]]));
}
