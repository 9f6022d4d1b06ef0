// The interpreter's dispatch switch handles every opcode of the ISA.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as isa from "../../vm-as/isa.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("interpreter dispatch", () => {
  it("has a case for every opcode defined in isa.ts", () => {
    const src = readFileSync(join(ROOT, "vm-as/interp.ts"), "utf8");
    const cased = new Set<string>();
    for (const m of src.matchAll(/case\s+isa\.(OP_[A-Z0-9_]+)\s*:/g)) cased.add(m[1]);
    const defined = Object.keys(isa).filter((k) => /^OP_[A-Z0-9_]+$/.test(k)
      && !["OP_COUNT", "OP_SPECIAL_FIRST", "OP_SPECIAL_LAST", "OP_NAMES", "OP_OPERANDS"].includes(k));
    expect(defined.length).toBeGreaterThan(50);
    const missing = defined.filter((k) => !cased.has(k));
    expect(missing).toEqual([]);
    // and every opcode number with a name is one of those constants
    const byValue = new Map<number, string>();
    for (const k of defined) byValue.set((isa as unknown as Record<string, number>)[k], k);
    isa.OP_NAMES.forEach((name, op) => { if (name !== "") expect(byValue.has(op)).toBe(true); });
  });
});
