import { node24Path } from "../../stand-ins/runner.js";
import { scenarios } from "./scenarios.js";

scenarios(24, node24Path);
