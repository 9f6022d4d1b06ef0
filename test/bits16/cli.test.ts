// talc build --bits 16, talc inspect on a 16-bit image, the limit refusals,
// and talc run --bits 16 / talc run of a 16-bit image on the 16-bit VM.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { talc, tempDir } from "../cli/helpers.js";
import { isImage16, read16 } from "../../host-tools/image/image16.js";

const hello = join(import.meta.dirname, "..", "..", "examples", "Hello.som");

describe("talc build --bits 16", () => {
  it("writes a 16-bit image that talc inspect reports", async () => {
    const t = tempDir();
    try {
      const out = join(t.dir, "hello16.img");
      const b = await talc(["build", "--bits", "16", "-v", hello, "-o", out]);
      expect(b.stderr).toBe("");
      expect(b.status).toBe(0);
      expect(b.stdout).toMatch(/code-object bytes: \d+/);
      const bytes = readFileSync(out);
      expect(isImage16(bytes)).toBe(true);
      const s = read16(bytes);
      expect(s.entry).toBe("Hello");
      const r = await talc(["inspect", out]);
      expect(r.status).toBe(0);
      for (const what of ["16-bit memory", "classes:", "selectors:", "objects:", "heap bytes:", "code-object bytes", "fill rate:", "headroom"]) {
        expect(r.stdout).toContain(what);
      }
      expect(r.stdout).toContain(`selectors: ${s.selectors};`);
      // a corrupt 16-bit image is one clear error
      const bad = Buffer.from(bytes);
      bad[bad.length - 3] ^= 0xff;
      const { writeFileSync } = await import("node:fs");
      writeFileSync(join(t.dir, "bad.img"), bad);
      const rb = await talc(["inspect", join(t.dir, "bad.img")]);
      expect(rb.status).toBe(1);
      expect(rb.stderr).toMatch(/corrupt image .*CRC-32/);
      // it runs on the 16-bit VM (build/talc16.wasm)
      const run = await talc(["run", out]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toBe("Hello from Talc!\n");
    } finally {
      t.cleanup();
    }
  });

  it("refuses a program with more symbols than 16-bit SmallIntegers can name, saying what to shrink", async () => {
    const syms = Array.from({ length: 17000 }, (_, i) => `#s${i}`).join(" ");
    const t = tempDir({ "Big.som": `Big = (\n  run = ( ^ #(${syms}) )\n)\n` });
    try {
      const r = await talc(["build", "--bits", "16", "-cp", t.dir, "Big", "-o", join(t.dir, "big.img")]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/cannot build a 16-bit image for Big/);
      expect(r.stderr).toMatch(/symbols .* room for 16384 .*use fewer distinct selectors, symbol literals/);
      // the same program builds in 32-bit mode
      const r32 = await talc(["build", "-cp", t.dir, "Big", "-o", join(t.dir, "big32.img")]);
      expect(r32.status).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it("refuses a program with more than 32K objects, saying what to shrink", async () => {
    // 34000 distinct string literals: one object each
    const strs = Array.from({ length: 34000 }, (_, i) => `'x${i}'`).join(" ");
    const t = tempDir({ "Many.som": `Many = (\n  run = ( ^ #(${strs}) )\n)\n` });
    try {
      const r = await talc(["build", "--bits", "16", "-cp", t.dir, "Many", "-o", join(t.dir, "many.img")]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/pages of 32 object numbers/);
      expect(r.stderr).toMatch(/32768 object pointers\): use fewer classes or fewer objects \(most numerous: String \d+/);
    } finally {
      t.cleanup();
    }
  });

  it("rejects --bits values other than 16 and 32; run --bits 16 runs a source program in 16-bit memory", async () => {
    const r = await talc(["build", "--bits", "8", hello, "-o", "/tmp/x.img"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--bits must be 16 or 32/);
    const run = await talc(["run", "--bits", "16", hello]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("Hello from Talc!\n");
    const run32 = await talc(["run", "--bits", "32", hello]);
    expect(run32.status).toBe(0);
    expect(run32.stdout).toBe("Hello from Talc!\n");
  });
});
