// Runs one benchmark case in this process and prints its result as one JSON
// line starting with RESULT_PREFIX. run.ts starts it with --expose-gc:
//   node --expose-gc --import tsx bench/case-process.ts <case id> <context>
import {
  cases,
  RESULT_PREFIX,
  type CaseContext,
  type CaseResult,
} from "./cases.js";
import { measure } from "./measure.js";

async function main(): Promise<void> {
  const [id, contextJson] = process.argv.slice(2);
  const bench = cases.find((c) => c.id === id);
  if (!bench || !contextJson) {
    throw new Error(
      `Usage: case-process.ts <case id> <context JSON>; got case "${id}"`,
    );
  }
  const context = JSON.parse(contextJson) as CaseContext;
  const prepared = await bench.prepare(context);
  const { measurement, last } = await measure(prepared.work, bench);
  const result: CaseResult = {
    id: bench.id,
    size: prepared.size,
    detail: prepared.check(last),
    measurement,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
