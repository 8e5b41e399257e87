import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderSchemaFile, schemaFile } from "../../scripts/generate-schema.js";
import {
  isUuid,
  looksLikeEmail,
  manifestJsonSchema,
  manifestSchema,
} from "../../src/manifest/schema.js";

describe("isUuid", () => {
  it("accepts UUIDs in either letter case", () => {
    expect(isUuid("3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10")).toBe(true);
    expect(isUuid("3F0C2A4E-8D1B-4B7E-9F53-0C6A1D2E7B10")).toBe(true);
  });

  it("rejects names, short ids and UUIDs with surrounding text", () => {
    expect(isUuid("figma")).toBe(false);
    expect(isUuid("3f0c2a4e-8d1b-4b7e-9f53")).toBe(false);
    expect(isUuid(" 3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10")).toBe(false);
    expect(isUuid("3f0c2a4e-8d1b-4b7e-9f53-0c6a1d2e7b10x")).toBe(false);
  });
});

describe("looksLikeEmail", () => {
  it("is true for text with an at sign and false otherwise", () => {
    expect(looksLikeEmail("ana@example.com")).toBe(true);
    expect(looksLikeEmail("ana")).toBe(false);
  });
});

describe("the manifest schema", () => {
  it("reads version only as the text 1", () => {
    const accesses: unknown[] = [];
    expect(manifestSchema.safeParse({ version: "1", accesses }).success).toBe(
      true,
    );
    expect(manifestSchema.safeParse({ version: 1, accesses }).success).toBe(
      false,
    );
    expect(manifestSchema.safeParse({ version: "2", accesses }).success).toBe(
      false,
    );
  });
});

describe("the JSON Schema for editors", () => {
  it("is what the generator writes now, so a stale file fails", async () => {
    const committed = await readFile(schemaFile, "utf8");
    expect(committed).toBe(await renderSchemaFile());
  });

  it("ends with one newline and identifies itself", async () => {
    const text = await renderSchemaFile();
    expect(text.endsWith("}\n")).toBe(true);
    const schema = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(schema).slice(0, 4)).toEqual([
      "$schema",
      "$id",
      "title",
      "description",
    ]);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("accepts version as an editor reads it, a number or text", () => {
    const schema = manifestJsonSchema() as {
      properties: { version: { enum: unknown[] } };
    };
    expect(schema.properties.version.enum).toEqual(["1", 1]);
  });

  it("lets an editor leave reason empty, as the action does, but not app", () => {
    const schema = manifestJsonSchema() as {
      properties: {
        accesses: {
          items: { properties: Record<string, { type: string[] }> };
        };
      };
    };
    const { reason, app } = schema.properties.accesses.items.properties;
    expect(reason!.type).toContain("null");
    expect(app!.type).not.toContain("null");
  });

  it("requires exactly one of user and users in an access", () => {
    const schema = manifestJsonSchema() as {
      properties: { accesses: { items: Record<string, unknown> } };
    };
    expect(schema.properties.accesses.items.oneOf).toEqual([
      { required: ["user"] },
      { required: ["users"] },
    ]);
    expect(schema.properties.accesses.items.additionalProperties).toBe(false);
  });

  it("describes every property, for editors to show", () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      const properties = (node as { properties?: Record<string, unknown> })
        .properties;
      for (const [key, value] of Object.entries(properties ?? {})) {
        const description = (value as { description?: unknown }).description;
        if (typeof description !== "string") undescribed.push(`${path}.${key}`);
      }
      for (const [key, value] of Object.entries(node)) {
        walk(value, `${path}.${key}`);
      }
    };
    walk(manifestJsonSchema(), "$");
    expect(undescribed).toEqual([]);
  });
});
