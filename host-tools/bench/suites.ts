// The list of suites `npm run bench` runs, in order: interpreter speed
// against Lua, boot from flash, 16-bit vs 32-bit memory, flashing over a
// (simulated) serial line.
import type { Suite } from "./suite.js";
import { speedSuite } from "./speed.js";
import { bootSuite } from "./boot.js";
import { memorySuite } from "./bits16.js";
import { flashSuite } from "../serial/bench.js";

export const SUITES: readonly Suite[] = [speedSuite, bootSuite, memorySuite, flashSuite];
