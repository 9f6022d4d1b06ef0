// Random command lines: every outcome is a status (0, 1 or 2) with at most
// a few lines of messages; never an internal error (70), a stack trace or a
// hang.  Deterministic (fixed seed).
import { afterAll, describe, expect, it } from "vitest";
import { talc, tempDir } from "./helpers.js";

const t = tempDir({
  "Hello.som": "Hello = (\n    run = ( 'Hello' println )\n)\n",
  "Bad.som": "Bad = ( run = ( ^^ ) )\n",
  "junk.img": "not an image at all",
});
afterAll(() => t.cleanup());

const TOKENS = [
  "run", "build", "disasm", "inspect", "-cp", "--classpath", "--heap", "--stack", "-o", "--", "-v", "--stats",
  "Hello", "Hello.som", "Bad.som", "Nope", "junk.img", "out.img", "1m", "0", "-1", "64k", "lots", "", ":", "run", "-",
  "--debug-vm", "-h", "--version", "nested/dir/", ".", "..",
];

describe("random command lines", () => {
  it("end with status 0, 1 or 2 and a clear message", async () => {
    let seed = 2026;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const statuses = new Set<number>();
    for (let k = 0; k < 150; k++) {
      const argv = Array.from({ length: 1 + rnd(5) }, () => TOKENS[rnd(TOKENS.length)]);
      const r = await talc(argv, t.dir);
      statuses.add(r.status);
      const where = `talc ${JSON.stringify(argv)} → ${r.status}\n${r.stderr}`;
      expect([0, 1, 2], where).toContain(r.status);
      expect(r.stderr, where).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/); // no JS stack trace
      expect(r.stderr, where).not.toContain("internal error");
    }
    expect(statuses.size).toBeGreaterThanOrEqual(2);
  });
});
