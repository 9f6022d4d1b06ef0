// Differential test of inlining: random methods run twice on the VM, once as
// written (the compiler inlines every control structure with literal blocks)
// and once with every block argument hidden behind `self id: [...]`, which
// defeats inlining so the kernel library's methods (Boolean>>ifTrue:,
// Block>>whileTrue:, Integer>>to:do:, ...) run with real closures.  The
// printed output must be identical.  Deterministic (seeded generator).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";

const haveVM = existsSync(join(packageRoot(), "build", "talc.wasm"));
const dir = mkdtempSync(join(tmpdir(), "talc-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Small deterministic PRNG (mulberry32). */
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

class Gen {
  private counter = 0;
  /** Wrap some conditions in a Truthy proxy: inlined code then runs its cold paths. */
  constructor(private r: () => number, private inline: boolean, private proxies = false) {}

  private pick<T>(xs: T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  private int(n: number): number {
    return Math.floor(this.r() * n);
  }
  /** A block argument: literal (inlined) or hidden behind `self id:`. */
  private blk(body: string, params = ""): string {
    const b = `[${params}${body}]`;
    return this.inline ? b : `(self id: ${b})`;
  }

  vars(scope: string[]): string {
    return this.pick(scope);
  }

  num(scope: string[], depth: number): string {
    const k = depth > 2 ? this.int(3) : this.int(7);
    switch (k) {
      case 0: return String(this.int(20) - 5);
      case 1:
      case 2: return this.vars(scope);
      case 3: return `((${this.num(scope, depth + 1)} ${this.pick(["+", "-", "*"])} ${this.num(scope, depth + 1)}) % 97)`;
      case 4: return `(${this.cond(scope, depth + 1)} ifTrue: ${this.blk(this.num(scope, depth + 1))} ifFalse: ${this.blk(this.num(scope, depth + 1))})`;
      case 5: return `((${this.cond(scope, depth + 1)} ifTrue: ${this.blk(this.num(scope, depth + 1))}) ifNil: ${this.blk("0")})`;
      default: return `(${this.vars(scope)} max: ${this.num(scope, depth + 1)})`;
    }
  }

  cond(scope: string[], depth: number): string {
    const c = this.cond0(scope, depth);
    return this.proxies && this.r() < 0.3 ? `(Truthy on: ${c})` : c;
  }

  private cond0(scope: string[], depth: number): string {
    const k = depth > 2 ? this.int(2) : this.int(5);
    const cmp = (): string => `(${this.num(scope, depth + 1)} ${this.pick(["<", ">", "<=", ">=", "=", "<>"])} ${this.num(scope, depth + 1)})`;
    switch (k) {
      case 0:
      case 1: return cmp();
      case 2: return `(${cmp()} and: ${this.blk(cmp())})`;
      case 3: return `(${cmp()} or: ${this.blk(cmp())})`;
      default: return `(${cmp()} ${this.pick(["&&", "||"])} ${this.blk(cmp())})`;
    }
  }

  stmt(scope: string[], depth: number): string {
    const k = depth > 2 ? this.int(3) : this.int(12);
    const v = this.pick(scope.filter((x) => !x.startsWith("i")));
    switch (k) {
      case 0: return `${v} := ${this.num(scope, depth)}`;
      case 1: return `${this.num(scope, depth)} print. ' ' print`;
      case 2: return `${v} := ${v} + 1`;
      case 3: return `${this.cond(scope, depth)} ifTrue: ${this.blk(this.stmts(scope, depth + 1))}`;
      case 4: return `${this.cond(scope, depth)} ifFalse: ${this.blk(this.stmts(scope, depth + 1))}`;
      case 5: {
        const i = `i${this.counter++}`;
        return `${this.int(3)} to: ${this.int(4) + 1} do: ${this.blk(this.stmts([...scope, i], depth + 1), `:${i} | `)}`;
      }
      case 6: {
        const kv = `k${this.counter++}`;
        const body = `${kv} := ${kv} + 1. ${this.stmts(scope, depth + 1)}`;
        return `${kv} := 0. ${this.blk(`${kv} < ${this.int(4)} and: ${this.blk(this.cond(scope, depth + 1))}`)} whileTrue: ${this.blk(body)}`;
      }
      case 7: return `${this.int(4)} timesRepeat: ${this.blk(this.stmts(scope, depth + 1))}`;
      case 8: {
        const t = `t${this.counter++}`;
        return `${this.cond(scope, depth)} ifTrue: ${this.blk(`${t} isNil print. ${t} := ${this.num(scope, depth + 1)}. ${t} print`, `| ${t} | `)}`;
      }
      case 9: return `${this.cond(scope, depth)} ifTrue: ${this.blk(`^${this.num(scope, depth + 1)}`)}`;
      default: return this.more(scope, depth, v);
    }
  }

  /** Closures, the other loop forms, nil tests. */
  private more(scope: string[], depth: number, v: string): string {
    switch (this.int(7)) {
      case 0: return `blk := [ ${v} := ${v} + 1. ${this.num(scope, depth + 1)} ]. blk value print. ' ' print`;
      case 1: {
        const i = `i${this.counter++}`;
        return `arr := Array new: 4. 1 to: 4 do: ${this.blk(`arr at: ${i} put: [ ${i} + ${this.vars(scope)} ]`, `:${i} | `)}. ((arr at: ${1 + this.int(4)}) value) print. ' ' print`;
      }
      case 2: {
        const i = `i${this.counter++}`;
        return `${this.int(5) + 2} downTo: ${this.int(3)} do: ${this.blk(this.stmts([...scope, i], depth + 1), `:${i} | `)}`;
      }
      case 3: {
        const i = `i${this.counter++}`;
        return `${this.int(3)} to: ${this.int(9)} by: ${1 + this.int(3)} do: ${this.blk(this.stmts([...scope, i], depth + 1), `:${i} | `)}`;
      }
      case 4: {
        const kv = `k${this.counter++}`;
        return `${kv} := 0. ${this.blk(`${kv} >= ${this.int(4)}`)} whileFalse: ${this.blk(`${kv} := ${kv} + 1. ${this.stmts(scope, depth + 1)}`)}`;
      }
      case 5: return `blk := nil. (blk ifNil: ${this.blk(this.num(scope, depth + 1))} ifNotNil: ${this.blk("99")}) print. ' ' print. (${v} ifNotNil: ${this.blk(this.num(scope, depth + 1))}) print. ' ' print`;
      default: {
        const i = `i${this.counter++}`;
        return `1.5 to: ${this.int(4)} do: ${this.blk(`${i} print. ' ' print`, `:${i} | `)}`;
      }
    }
  }

  stmts(scope: string[], depth: number): string {
    const n = 1 + this.int(3);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.stmt(scope, depth));
    return out.join(". ");
  }

  /** A method with temps a b c; answers a + b + c unless it returns early. */
  method(name: string): { text: string; loopVars: string[] } {
    const body = this.stmts(["a", "b", "c"], 0);
    const loopVars: string[] = [];
    for (const m of body.matchAll(/\b(k\d+)\b/g)) if (!loopVars.includes(m[1])) loopVars.push(m[1]);
    const temps = ["a", "b", "c", "blk", "arr", ...loopVars].join(" ");
    return { text: `${name} = ( | ${temps} | a := 1. b := 2. c := 3. ${body}. ^a + b + c )`, loopVars };
  }
}

/** Behaves like the Boolean it wraps for the conditional messages (a proxy). */
const TRUTHY = `Truthy = ( | b |
  setB: x = ( b := x )
  ifTrue: t = ( ^b ifTrue: [ t value ] ifFalse: [ nil ] )
  ifFalse: f = ( ^b ifTrue: [ nil ] ifFalse: [ f value ] )
  ifTrue: t ifFalse: f = ( ^b ifTrue: [ t value ] ifFalse: [ f value ] )
  ifFalse: f ifTrue: t = ( ^b ifTrue: [ t value ] ifFalse: [ f value ] )
  and: blk = ( ^b ifTrue: [ blk value ] ifFalse: [ false ] )
  or: blk = ( ^b ifTrue: [ true ] ifFalse: [ blk value ] )
  && blk = ( ^self and: blk )
  || blk = ( ^self or: blk )
  ----
  on: x = ( ^self new setB: x )
)
`;

function program(seed: number, inline: boolean, methods: number, proxies = false): string {
  const g = new Gen(rng(seed), inline, proxies);
  const defs: string[] = [];
  const calls: string[] = [];
  for (let i = 0; i < methods; i++) {
    defs.push(g.method(`m${i}`).text);
    calls.push(`'m${i}: ' print. (self m${i}) println.`);
  }
  return `Main = (\n  id: x = ( ^x )\n  run = (\n    ${calls.join("\n    ")}\n  )\n  ${defs.join("\n  ")}\n)\n`;
}

async function runProgram(source: string, tag: string): Promise<{ status: number; out: string }> {
  const sub = mkdtempSync(join(dir, tag));
  writeFileSync(join(sub, "Main.som"), source);
  writeFileSync(join(sub, "Truthy.som"), TRUTHY);
  let out = "";
  const dec = new TextDecoder();
  const vm = await TalcVM.create({
    classPath: [sub, kernelDir()],
    heapBytes: 16 * 1024 * 1024,
    stdout: (b) => { out += dec.decode(b); },
    stderr: (b) => { out += "[stderr] " + dec.decode(b); },
  });
  vm.bootstrap();
  vm.start(["Main"]);
  const status = await vm.runToEnd();
  return { status, out };
}

describe.skipIf(!haveVM)("inlined control structures agree with the library", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random methods, seed ${seed}`, async () => {
      const inlined = program(seed, true, 25);
      const real = program(seed, false, 25);
      expect(real).toContain("self id: [");
      const a = await runProgram(inlined, "in");
      const b = await runProgram(real, "re");
      expect(a.status, a.out.slice(-600)).toBe(0);
      expect(a.out).not.toContain("[stderr]");
      expect(a.out.split("\n").length).toBeGreaterThan(25);
      expect(a.out).toBe(b.out);
    });
  }

  // Proxy conditions: the inlined code takes its cold paths (real closures
  // that share assigned variables, marker blocks for loop conditions).
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`random methods with proxy conditions, seed ${seed}`, async () => {
      const inlined = program(seed, true, 25, true);
      const real = program(seed, false, 25, true);
      expect(inlined).toContain("Truthy on:");
      const a = await runProgram(inlined, "pin");
      const b = await runProgram(real, "pre");
      expect(a.status, a.out.slice(-600)).toBe(0);
      expect(a.out).not.toContain("[stderr]");
      expect(a.out).toBe(b.out);
    });
  }
});
