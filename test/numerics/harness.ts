// Loads vm-as/bigint.ts + vm-as/dtoa.ts (through test/numerics/entry.ts) as a
// real wasm module built by asc, and converts between JS BigInt and limb buffers.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export interface Numerics {
  mem: WebAssembly.Memory;
  heap: number;
  fn: Record<string, (...args: (number | bigint | boolean)[]) => number | bigint>;
}

/** Builds the test entry with asc -O3 (own config; see asconfig.json here) and instantiates it. */
export function buildNumerics(): Numerics {
  const out = join(tmpdir(), `talc-numerics-${process.pid}-${Date.now()}.wasm`);
  execFileSync(
    process.execPath,
    [join(root, "node_modules/assemblyscript/bin/asc.js"), "test/numerics/entry.ts",
      "--config", "test/numerics/asconfig.json", "--target", "release", "-o", out],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  const bytes = readFileSync(out);
  rmSync(out, { force: true });
  const mod = new WebAssembly.Module(bytes);
  const inst = new WebAssembly.Instance(mod, {});
  const ex = inst.exports as Record<string, unknown>;
  const mem = ex.memory as WebAssembly.Memory;
  const fn: Numerics["fn"] = {};
  for (const [k, v] of Object.entries(ex)) if (typeof v === "function") fn[k] = v as Numerics["fn"][string];
  const heap = Number(fn.test_heapBase());
  return { mem, heap, fn };
}

/** Grows memory so that [0, bytes) is addressable. */
export function ensure(n: Numerics, bytes: number): void {
  const have = n.mem.buffer.byteLength;
  if (bytes > have) n.mem.grow(Math.ceil((bytes - have) / 65536));
}

/** Writes |v| as normalised u32 limbs at addr; returns the limb count. */
export function writeMag(n: Numerics, addr: number, v: bigint): number {
  let m = v < 0n ? -v : v;
  const u32 = new Uint32Array(n.mem.buffer);
  let i = 0;
  while (m > 0n) {
    u32[(addr >>> 2) + i] = Number(m & 0xffffffffn);
    m >>= 32n;
    i++;
  }
  return i;
}

/** Reads a packed signed result ((n << 1) | neg) at addr. Checks normalisation. */
export function readPacked(n: Numerics, addr: number, packed: number): bigint {
  const len = packed >>> 1;
  const neg = (packed & 1) === 1;
  const u32 = new Uint32Array(n.mem.buffer);
  let m = 0n;
  for (let i = len - 1; i >= 0; i--) m = (m << 32n) | BigInt(u32[(addr >>> 2) + i]);
  if (len > 0 && u32[(addr >>> 2) + len - 1] === 0) throw new Error(`result not normalised (n=${len})`);
  if (len === 0 && neg) throw new Error("negative zero result");
  return neg ? -m : m;
}

export function limbs(v: bigint): number {
  let m = v < 0n ? -v : v;
  let i = 0;
  while (m > 0n) { m >>= 32n; i++; }
  return i;
}

/** Deterministic PRNG (xorshift128+), so failures reproduce. */
export class Rng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn | 1n;
    this.s1 = 0x2545f4914f6cdd1dn ^ BigInt(seed);
  }
  u64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= (x << 23n) & 0xffffffffffffffffn;
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (this.s1 + y) & 0xffffffffffffffffn;
  }
  u32(): number { return Number(this.u64() >> 32n); }
  int(k: number): number { return Math.floor((this.u32() / 4294967296) * k); }
  /** A random magnitude of exactly `nl` limbs with varied bit patterns (runs of 0s and 1s). */
  mag(nl: number): bigint {
    let m = 0n;
    for (let i = 0; i < nl; i++) {
      const kind = this.int(6);
      const limb = kind === 0 ? 0 : kind === 1 ? 0xffffffff : kind === 2 ? 1 : kind === 3 ? 0x80000000 : this.u32();
      m = (m << 32n) | BigInt(limb >>> 0);
    }
    if (nl > 0 && m >> BigInt(32 * (nl - 1)) === 0n) m |= 1n << BigInt(32 * (nl - 1) + this.int(32));
    return m;
  }
}

/** CPU milliseconds used by this process so far (timing assertions stay valid on a loaded machine). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
