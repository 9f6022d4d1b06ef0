// Deep activations in 16-bit memory: closures name their home by a 30-bit
// activation serial (two 15-bit slots), not by a frame address, so the frame
// stack (1 MiB in `talc run --bits 16`) is not bounded by the encoding.
// Checked against the 32-bit VM on the same program: 20 000 nested
// activations, a non-local return to a home ~3000 frames deep (far beyond the
// old 56 KB limit), and a dead home whose frame address is reused by a live
// activation (must still be escapedBlock:, never a return to the new frame).
import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { talc, tempDir } from "../cli/helpers.js";

const DEEP = `Deep = (
  down: n = ( n = 0 ifTrue: [ ^0 ]. ^1 + (self down: n - 1) )
  nlrAt: n = ( n = 0 ifTrue: [ #(1 2 3) do: [ :x | x = 2 ifTrue: [ ^x * 10 ] ]. ^-1 ]. ^self nlrAt: n - 1 )
  maker: x = ( | r | ^[ :v | ^v ] )
  useAt: blk = ( | r | r := [ :v | ^v ]. ^blk value: 7 )
  escapedBlock: b = ( 'escaped' println. ^'dead' )
  run = ( | b |
    (self down: 20000) println.
    (self nlrAt: 3000) println.
    b := self maker: 1.
    (self useAt: b) println.
    'end' println )
)
`;

describe("deep activations in 16-bit memory", () => {
  it("20 000 nested activations and non-local returns at depth behave as in 32-bit mode", async () => {
    const t = tempDir({ "Deep.som": DEEP });
    try {
      const p = join(t.dir, "Deep.som");
      const a = await talc(["run", p]);
      const b = await talc(["run", "--bits", "16", p]);
      expect(b.stderr).toBe("");
      expect(b.status).toBe(0);
      expect(b.stdout).toBe("20000\n20\nescaped\ndead\nend\n");
      expect(b.stdout).toBe(a.stdout);
    } finally {
      t.cleanup();
    }
  });
});
