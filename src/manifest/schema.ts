// The manifest format, version 1 (SPEC §2), as one zod schema. It is the
// single source of the TypeScript types, of the validation in parse.ts and of
// the JSON Schema that ships as access.schema.json for editors.
//
// The file is read as YAML failsafe, so every scalar arrives as text: that is
// why every leaf below is a string, `version` included.
import { z } from "zod";

// Cakewalk ids are UUIDs of any version (cakewalk/API.md: "strings in uuid
// format"). Both letter cases are accepted; the pattern spells them out rather
// than using the `i` flag, which JSON Schema patterns cannot carry.
const uuidPattern =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True when the text is a UUID, such as a user, work app or level id. */
export function isUuid(text: string): boolean {
  return uuidPattern.test(text);
}

/** True when the text reads as an email address: it contains `@`. */
export function looksLikeEmail(text: string): boolean {
  return text.includes("@");
}

/** An example id for messages that ask for a UUID. */
export const exampleUuid = "3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10";

// Leaves that hold free text (names, aliases, reasons). Editors read YAML with
// the core schema, where `1.10` is a number and `true` a boolean, while this
// action reads both as text; the JSON Schema lets such leaves be any scalar so
// that editors do not flag what the action accepts.
const freeText = new Set<z.core.$ZodType>();
// Of those, the ones that may be left empty: `reason:` with nothing after
// it is "" to the action and null to an editor.
const mayBeEmpty = new Set<z.core.$ZodType>();

function text(description: string, options = { allowEmpty: false }) {
  const base = options.allowEmpty ? z.string() : z.string().min(1);
  const schema = base.describe(description);
  freeText.add(schema);
  if (options.allowEmpty) mayBeEmpty.add(schema);
  return schema;
}

const uuid = (description: string) =>
  z.string().regex(uuidPattern).describe(description);

const versionSchema = z
  .literal("1")
  .describe(
    'Manifest format version. Only version 1 exists: write "version: 1".',
  );

const permissionLevelsSchema = z
  .record(z.string(), uuid("The permission level id (a UUID)."))
  .describe(
    "Aliases for the app's permission levels: alias -> permission level id.",
  );

/** The long form of an app alias: the id and aliases for its levels. */
export const appObjectSchema = z
  .strictObject({
    id: uuid("The work app id (a UUID)."),
    permissionLevels: permissionLevelsSchema.optional(),
  })
  .describe("A work app id with aliases for its permission levels.");

/** An app alias: the work app id (short form), or the long form. */
export const appAliasSchema = z
  .union([uuid("The work app id (a UUID)."), appObjectSchema])
  .describe(
    "A work app: its id (short form) or a map with `id` and `permissionLevels`.",
  );

/** A user alias target: an email address or a user id. */
export const userTargetSchema = z
  .union([
    uuid("The user id (a UUID)."),
    z.string().regex(/@/).describe("The user's email address."),
  ])
  .describe("The user this alias stands for: an email address or a user id.");

/** One item of `accesses:`, with exactly one of `user` and `users`. */
export const accessSchema = z
  .strictObject({
    app: text(
      "The work app: an alias under `apps`, a work app id, or the app's name.",
    ),
    permissionLevel: text(
      "The permission level: an alias under the app's `permissionLevels`, " +
        "a level id, or the level's name. Required when the app has levels.",
    ).optional(),
    user: text(
      "One user: an alias under `users`, an email address, or a user id.",
    ).optional(),
    users: z
      .array(
        text("A user: an alias under `users`, an email address, or a user id."),
      )
      .min(1)
      .describe("Several users, each given the same access.")
      .optional(),
    reason: text("Why the access is wanted; shown in plans, never sent.", {
      allowEmpty: true,
    }).optional(),
  })
  .superRefine(exactlyOneUserKey, {
    // Also check when other keys of the access are wrong, so that every
    // problem of the access is reported in one run.
    when: (payload) => isRecord(payload.value),
  })
  .describe("One access: a work app, its level, and one or more users.");

function exactlyOneUserKey(
  access: Record<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  const hasUser = access.user !== undefined;
  const hasUsers = access.users !== undefined;
  if (hasUser && hasUsers) {
    ctx.addIssue({
      code: "custom",
      path: ["users"],
      params: { rule: "user-and-users" },
      message: "both user and users",
    });
  } else if (!hasUser && !hasUsers) {
    ctx.addIssue({
      code: "custom",
      params: { rule: "no-user" },
      message: "neither user nor users",
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The whole manifest file, version 1. */
export const manifestSchema = z
  .strictObject({
    version: versionSchema,
    apps: z
      .record(z.string(), appAliasSchema)
      .describe("Aliases for work apps: alias -> work app.")
      .optional(),
    users: z
      .record(z.string(), userTargetSchema)
      .describe("Aliases for people: alias -> email address or user id.")
      .optional(),
    accesses: z
      .array(accessSchema)
      .describe("The accesses the manifest wants Cakewalk to have."),
  })
  .describe("Cakewalk accesses managed as code (cakewalk-access-action).");

export type Manifest = z.output<typeof manifestSchema>;
export type AppAliasValue = z.output<typeof appAliasSchema>;
export type AccessItem = z.output<typeof accessSchema>;

/** The keys each kind of map accepts, for "did you mean" suggestions. */
export const knownKeys = {
  manifest: Object.keys(manifestSchema.shape),
  app: Object.keys(appObjectSchema.shape),
  access: Object.keys(accessSchema.shape),
};

/**
 * The JSON Schema for editors, drawn from `manifestSchema`. Two things that
 * zod cannot express are added: exactly one of `user` and `users`, and the
 * scalar types an editor sees where the action reads text.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(manifestSchema, {
    target: "draft-2020-12",
    io: "input",
    override: (ctx) => {
      const schema = ctx.jsonSchema as Record<string, unknown>;
      if (ctx.zodSchema === versionSchema) {
        // `version: 1` is a number to an editor and the text "1" to us.
        delete schema.type;
        delete schema.const;
        schema.enum = ["1", 1];
      } else if (freeText.has(ctx.zodSchema)) {
        schema.type = ["string", "number", "boolean"].concat(
          mayBeEmpty.has(ctx.zodSchema) ? ["null"] : [],
        );
      } else if (ctx.zodSchema === accessSchema) {
        schema.oneOf = [{ required: ["user"] }, { required: ["users"] }];
      }
    },
  });
  const { $schema, description, ...rest } = generated;
  return {
    $schema,
    $id: "urn:cakewalk-access-action:manifest:v1",
    title: "access.yaml (cakewalk-access-action manifest, version 1)",
    description,
    ...rest,
  };
}
