// Writes access.schema.json at the repository root from the zod schema in
// src/manifest/schema.ts, for editors (yaml-language-server and others).
// CI runs it and fails when the committed file differs, so the output depends
// on nothing but the schema: no dates, no paths, a fixed key order.
//
//   npx tsx scripts/generate-schema.ts
import { writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as prettier from "prettier";
import { manifestJsonSchema } from "../src/manifest/schema.js";

export const schemaFile = fileURLToPath(
  new URL("../access.schema.json", import.meta.url),
);

/** The text of access.schema.json, formatted as prettier leaves JSON. */
export async function renderSchemaFile(): Promise<string> {
  const json = JSON.stringify(manifestJsonSchema(), null, 2);
  // The repository's prettier settings apply, as for any file it formats.
  const config = (await prettier.resolveConfig(schemaFile)) ?? {};
  return prettier.format(json, { ...config, parser: "json" });
}

async function main(): Promise<void> {
  await writeFile(schemaFile, await renderSchemaFile());
  console.log(`Wrote ${schemaFile}`);
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  await main();
}
