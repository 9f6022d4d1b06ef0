// Bad input gets one clear error: randomly mutated kernel sources either
// compile (and pass the structural checks) or throw a CompileError - never
// any other exception.  Deterministic (seeded).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CompileError, compileClass, readClassFile } from "../../host-tools/compiler/index.js";
import { verifyModel } from "./helpers.js";

const KERNEL = join(__dirname, "..", "..", "kernel");
const sources = existsSync(KERNEL)
  ? readdirSync(KERNEL).filter((f) => f.endsWith(".som")).sort().map((f) => ({ name: f, text: readFileSync(join(KERNEL, f), "utf8") }))
  : [];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["[", "]", "(", ")", "^", ".", ":", ":=", "#", "'", "\"", "|", "-", "----", " ", "\n", "x", "1", "1.5",
  "ifTrue:", "[:a | a]", "whileTrue:", "to:", "do:", "super", "self", "nil", "#(", "$", ";", "\\", "primitive", "e"];

function mutate(text: string, r: () => number): string {
  let t = text;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    const op = Math.floor(r() * 3);
    if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 5));
    else if (op === 1) t = t.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + t.slice(at);
    else {
      const from = Math.floor(r() * t.length);
      t = t.slice(0, at) + t.slice(from, from + 1 + Math.floor(r() * 20)) + t.slice(at);
    }
  }
  return t;
}

describe.skipIf(sources.length === 0)("mutated sources", () => {
  it("compile or fail with a CompileError (3000 mutations)", () => {
    const r = rng(12345);
    let failures = 0;
    let successes = 0;
    for (let i = 0; i < 3000; i++) {
      const src = sources[i % sources.length];
      const text = mutate(src.text, r);
      try {
        const bytes = compileClass(text, join(KERNEL, src.name), { instanceFields: [], classFields: [] });
        verifyModel(readClassFile(bytes));
        successes++;
      } catch (e) {
        if (!(e instanceof CompileError)) throw new Error(`mutation ${i} of ${src.name} threw ${String(e)}\n---\n${text}`);
        expect(e.line).toBeGreaterThan(0);
        expect(e.column).toBeGreaterThan(0);
        expect(e.format().split("\n").length).toBe(3);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(100);
    expect(successes).toBeGreaterThan(100);
  });
});
