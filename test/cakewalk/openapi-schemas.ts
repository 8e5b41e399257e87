// Checks values against the schemas of the Cakewalk contract in
// test/fixtures/cakewalk-openapi.json. Covers the parts of OpenAPI 3.0 that
// the contract uses: $ref, allOf, type, nullable, required, properties,
// additionalProperties, items, minLength and the uuid format.
import { readFileSync } from "node:fs";

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minLength?: number;
  format?: string;
}

const contract = JSON.parse(
  readFileSync(
    new URL("../fixtures/cakewalk-openapi.json", import.meta.url),
    "utf8",
  ),
) as { components: { schemas: Record<string, Schema> } };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every way `value` breaks the named schema; empty when it conforms. */
export function schemaProblems(value: unknown, schemaName: string): string[] {
  return check(value, { $ref: `#/components/schemas/${schemaName}` }, "$");
}

function resolve(ref: string): Schema {
  const name = ref.replace("#/components/schemas/", "");
  const schema = contract.components.schemas[name];
  if (!schema) throw new Error(`The contract has no schema ${name}`);
  return schema;
}

function check(value: unknown, schema: Schema, at: string): string[] {
  if (schema.$ref) return check(value, resolve(schema.$ref), at);
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  const problems = (schema.allOf ?? []).flatMap((part) =>
    check(value, part, at),
  );
  if (schema.type && !hasType(value, schema.type)) {
    return [...problems, `${at} is not of type ${schema.type}`];
  }
  if (typeof value === "string")
    problems.push(...checkString(value, schema, at));
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, index) => {
      problems.push(...check(item, items, `${at}[${index}]`));
    });
  }
  if (isObject(value)) problems.push(...checkObject(value, schema, at));
  return problems;
}

function checkString(value: string, schema: Schema, at: string): string[] {
  const problems: string[] = [];
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    problems.push(`${at} is shorter than ${schema.minLength}`);
  }
  if (schema.format === "uuid" && !uuid.test(value)) {
    problems.push(`${at} is not a uuid`);
  }
  return problems;
}

function checkObject(
  value: Record<string, unknown>,
  schema: Schema,
  at: string,
): string[] {
  const problems: string[] = [];
  for (const key of schema.required ?? []) {
    if (!(key in value)) problems.push(`${at}.${key} is missing`);
  }
  for (const [key, member] of Object.entries(value)) {
    const declared = schema.properties?.[key];
    if (declared) {
      problems.push(...check(member, declared, `${at}.${key}`));
    } else if (schema.additionalProperties === false) {
      problems.push(`${at}.${key} is not allowed`);
    } else if (typeof schema.additionalProperties === "object") {
      problems.push(
        ...check(member, schema.additionalProperties, `${at}.${key}`),
      );
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
