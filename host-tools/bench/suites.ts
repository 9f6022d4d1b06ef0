// The list of suites `npm run bench` runs, in order.  Planned additions
// (each a Suite in its own file): 16-bit image mode vs 32-bit, flash
// throughput.
import type { Suite } from "./suite.js";
import { speedSuite } from "./speed.js";
import { bootSuite } from "./boot.js";
import { memorySuite } from "./bits16.js";

export const SUITES: readonly Suite[] = [speedSuite, bootSuite, memorySuite];
