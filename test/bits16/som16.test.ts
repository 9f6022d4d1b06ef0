// The SOM suite (test/som/programs) in 16-bit memory: every program runs
// through the CLI with `talc run --bits 16` (built into a 16-bit image, run
// on build/talc16.wasm) and must print exactly its expected stdout and end
// with its expected status.
//
// Expected output: the program's NAME.out / NAME.status, except for the
// programs that observe a dialect difference of docs/16-BIT.md (a Symbol is
// a SmallInteger: symbols, class names and selectors print as numbers,
// `#a = 'a'` is false, `3 > #a` is true, ...), whose 16-bit output is in
// out16/NAME.out16 (and out16/NAME.status16 when the status differs).  The
// differences in those files were reviewed line by line against NAME.out:
// each is a name printed as its symbol number, or what follows from one.
//
// Programs beyond the 16-bit limits must fail the documented way instead:
// LIMITS below (32K object pointers, 65 535-slot objects).
import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { main } from "../../host-tools/cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const PROGRAMS = join(ROOT, "test", "som", "programs");
const OUT16 = join(import.meta.dirname, "out16");

/** Programs that exceed a 16-bit limit: the last stderr line they must end with, and why. */
const LIMITS: Record<string, { last: string; why: string }> = {
  GcStress: { last: "Out of memory.", why: "keeps 50 000 Strings alive: more than 32K object pointers" },
  LargeCollections: { last: "Out of memory.", why: "a Vector of 100 000 elements: an object has at most 65 535 slots" },
};

interface Result { status: number; stdout: string; stderr: string }

async function run16(name: string, args: string[]): Promise<Result> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const status = await main(["run", "--bits", "16", "-cp", relative(ROOT, PROGRAMS), relative(ROOT, join(PROGRAMS, name + ".som")), ...args], {
    stdout: (b) => void out.push(Buffer.from(b)),
    stderr: (b) => void err.push(Buffer.from(b)),
    cwd: ROOT,
  });
  return { status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

const names = readdirSync(PROGRAMS)
  .filter((f) => f.endsWith(".som") && existsSync(join(PROGRAMS, f.slice(0, -4) + ".out")))
  .map((f) => f.slice(0, -4))
  .sort();

describe("SOM programs in 16-bit memory (talc run --bits 16)", () => {
  it("covers the whole suite", () => {
    expect(names.length).toBeGreaterThan(150);
    for (const f of readdirSync(OUT16)) expect(names).toContain(f.replace(/\.(out16|status16)$/, ""));
  });
  for (const name of names) {
    it(name, async () => {
      const args = (read(join(PROGRAMS, name + ".args")) ?? "").split("\n").filter((l) => l !== "");
      const r = await run16(name, args);
      const limit = LIMITS[name];
      if (limit !== undefined) {
        expect(r.status).toBe(1);
        expect(r.stderr.trimEnd().split("\n").pop()).toBe(limit.last);
        return;
      }
      const want = read(join(OUT16, name + ".out16")) ?? read(join(PROGRAMS, name + ".out"))!;
      const wantStatus = Number((read(join(OUT16, name + ".status16")) ?? read(join(PROGRAMS, name + ".status")) ?? "0").trim());
      expect(r.stdout).toBe(want);
      expect(r.status).toBe(wantStatus);
    });
  }
});
