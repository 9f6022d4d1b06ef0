// The 16-bit VM against the 32-bit VM on the same programs: integers at and
// across the 15-bit SmallInteger edges (boxed transparently, normalised
// back), and the Symbol/SmallInteger duality (the documented differences).
import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { talc, tempDir } from "../cli/helpers.js";

const EDGES = `Edges = (
  show: x = ( x println )
  run = (
    | a b big |
    self show: 16383. self show: 16383 + 1. self show: -16384. self show: -16384 - 1.
    self show: (16383 + 1) - 1. self show: (((16383 + 1) - 1) class == Integer). self show: ((16383 + 1) class == Integer).
    self show: (16384 - 1) = 16383. self show: (16383 + 1) = 16384. self show: (-16385 + 1) = -16384.
    self show: 16383 * 2. self show: (16383 * 2) / 2. self show: 32768 // 2. self show: -32768 // 2.
    self show: 16384 % 7. self show: -16385 % 7. self show: (16384 rem: -7).
    self show: (1 << 14). self show: (1 << 14) - 1. self show: (1 << 13) * 2. self show: ((1 << 30) >>> 16).
    self show: 16383 < 16384. self show: 16384 > -16385. self show: -16385 < -16384.
    self show: (16384 & 16383). self show: (16383 bitXor: 16384). self show: (-1 & 16384).
    self show: 1000 * 1000. self show: 1000000 / 1000. self show: (2 raisedTo: 40). self show: (2 raisedTo: 40) / (2 raisedTo: 30).
    a := Array new: 3. a at: 1 put: 16384. a at: 2 put: -16385. a at: 3 put: 123456789.
    self show: (a at: 1) + (a at: 2). self show: (a at: 3) - 123456788.
    big := 0. 1 to: 20000 do: [ :i | big := big + i ]. self show: big.
    b := 16380. [ b < 16390 ] whileTrue: [ b := b + 3 ]. self show: b.
    self show: (16384 hashcode = 16384 hashcode). self show: (16384 max: 3). self show: 16384 negated abs.
    self show: 16384 asString. self show: '16384' asInteger + 1. self show: 16384 sqrt. self show: (15000.5 round + 1384)
  )
)
`;

const DUALITY = `Duality = (
  run = (
    ((('fo' + 'o') asSymbol) == #foo) println.
    (#foo == #foo) println.
    (#foo class == Integer) println.
    ((#foo + 0) == #foo) println.
    (#foo = 'foo') println.
    ((3 perform: #negated) = -3) println
  )
)
`;

async function both(file: string, src: string): Promise<{ r32: string; r16: string; s32: number; s16: number }> {
  const t = tempDir({ [file]: src });
  try {
    const p = join(t.dir, file);
    const a = await talc(["run", p]);
    const b = await talc(["run", "--bits", "16", p]);
    expect(a.stderr).toBe("");
    expect(b.stderr).toBe("");
    return { r32: a.stdout, r16: b.stdout, s32: a.status, s16: b.status };
  } finally {
    t.cleanup();
  }
}

describe("16-bit VM vs 32-bit VM", () => {
  it("integers across the 15-bit edges give the same output in both memories", async () => {
    const r = await both("Edges.som", EDGES);
    expect(r.s32).toBe(0);
    expect(r.s16).toBe(0);
    expect(r.r32.split("\n").length).toBeGreaterThan(40);
    expect(r.r16).toBe(r.r32);
    expect(r.r32).toContain("16384\n-16385\n");
  });

  it("a Symbol is a SmallInteger in 16-bit memory, an object in 32-bit memory", async () => {
    const r = await both("Duality.som", DUALITY);
    // interned: the same value for the same text in both; class and identity with numbers differ by design
    expect(r.r32).toBe("true\ntrue\nfalse\nfalse\ntrue\ntrue\n");
    expect(r.r16).toBe("true\ntrue\ntrue\ntrue\nfalse\ntrue\n");
  });
});
