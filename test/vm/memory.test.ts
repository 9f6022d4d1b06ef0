// Object memory and collector: allocation storms in a small heap; objects
// survive and move; identity hashes stay stable; symbols stay interned.
import { describe, it, expect } from "vitest";
import { runBody } from "./helpers.js";

describe("object memory and GC", () => {
  it("survives an allocation storm with a small heap; hashes and identity are stable", async () => {
    const r = await runBody(`| keep h s a d |
      keep := Array new: 200.
      1 to: 200 do: [ :i | keep at: i put: (Array with: i with: 'str' + i) ].
      h := (keep at: 77) hashcode. s := #someSymbol. d := 1.5.
      1 to: 30000 do: [ :i | a := Array new: 30. a at: 1 put: i asString ].
      ((keep at: 77) hashcode = h) println.
      ((keep at: 77) at: 2) println.
      (s == 'someSymbol' asSymbol) println.
      (d + 1) println.
      system fullGC println.
      ((keep at: 77) hashcode = h) println`, "", { heapBytes: 512 * 1024 });
    expect(r.stdout).toBe("true\nstr77\ntrue\n2.5\ntrue\ntrue\n");
    expect(r.status).toBe(0);
    expect(r.vm.gcCount).toBeGreaterThan(5);
  });

  it("large integers survive collections (bigint results are allocated, then operands re-read)", async () => {
    const r = await runBody(`| big junk |
      big := 1.
      1 to: 300 do: [ :i | big := big * 7. junk := Array new: 500 ].
      (big / (7 raisedTo: 299)) println`, "", { heapBytes: 256 * 1024 });
    expect(r.stdout).toBe("7\n");
    expect(r.vm.gcCount).toBeGreaterThan(0);
  });
});
