// The bundle's entry: run the action. Everything else is importable without
// side effects.
import { run } from "./main.js";

await run();
