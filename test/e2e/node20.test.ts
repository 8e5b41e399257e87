import { scenarios } from "./scenarios.js";

scenarios(20, async () => process.execPath);
