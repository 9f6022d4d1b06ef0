// Runs a SOM benchmark on Talc in-process, through the VM host (TalcVM), and
// times it.
//
// A fresh VM is created and bootstrapped for every run; only `start` + the
// run to the end are timed.  The classes the program names (transitively,
// those found on its class path) are loaded before the clock starts, so the
// time excludes compiling them -- as for an image built with `talc build`.
// The run goes through `runToEnd`, which returns to the host in slices: Node
// starts WASM in its baseline tier and can only switch to optimised code at
// a call boundary (docs/PERFORMANCE.md).
import { readFileSync } from "node:fs";
import { TalcVM } from "../vm/vmhost.js";
import { findClassFile } from "../classpath.js";

export interface TalcRun {
  /** Milliseconds of `start` + `runToEnd` (bootstrap and preload excluded). */
  ms: number;
  /** CPU milliseconds (user + system) of this Node process over the same span. */
  cpuMs: number;
  status: number;
  stdout: string;
  stderr: string;
  /** Bytecodes executed and sends performed during the timed run. */
  bytecodes: number;
  sends: number;
  /** Milliseconds of VM creation + bootstrap + class preloading (not part of `ms`). */
  setupMs: number;
  error?: string;
}

/**
 * Names of the classes `mainClass` needs, found by scanning sources for
 * capitalised identifiers that name a class file on the class path
 * (transitively; superclasses included).  Order: dependencies first.
 */
export function classClosure(mainClass: string, classPath: readonly string[]): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const file = findClassFile(name, classPath);
    if (file === null) return;
    const src = readFileSync(file, "utf8").replace(/"[^"]*"/g, " ").replace(/'(?:[^'\\]|\\.)*'/g, " ");
    for (const m of src.matchAll(/\b[A-Z][A-Za-z0-9_]*\b/g)) if (m[0] !== name) visit(m[0]);
    order.push(name);
  };
  visit(mainClass);
  return order;
}

/** Run `mainClass arg` on a fresh Talc VM; never throws. */
export async function runTalc(
  mainClass: string,
  args: readonly string[],
  classPath: string[],
  heapBytes: number,
): Promise<TalcRun> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const text = (bs: Uint8Array[]): string => Buffer.concat(bs).toString("utf8");
  const t0 = performance.now();
  let setupMs = 0;
  try {
    const vm = await TalcVM.create({
      classPath,
      heapBytes,
      stdout: (b: Uint8Array) => out.push(b.slice()),
      stderr: (b: Uint8Array) => err.push(b.slice()),
    });
    vm.bootstrap();
    for (const name of classClosure(mainClass, classPath)) vm.loadClass(name);
    const b0 = vm.statBytecodes;
    const s0 = vm.statSends;
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    setupMs = t1 - t0;
    vm.start([mainClass, ...args]);
    const status = await vm.runToEnd();
    const ms = performance.now() - t1;
    const c2 = process.cpuUsage(c1);
    return {
      ms,
      cpuMs: (c2.user + c2.system) / 1000,
      status,
      stdout: text(out),
      stderr: text(err),
      bytecodes: vm.statBytecodes - b0,
      sends: vm.statSends - s0,
      setupMs,
    };
  } catch (e) {
    return {
      ms: 0,
      cpuMs: 0,
      status: -1,
      stdout: text(out),
      stderr: text(err),
      bytecodes: 0,
      sends: 0,
      setupMs,
      error: e instanceof Error ? e.message : String(e),
    };
  }
}
