// vm-as/dtoa.ts against the host: dtoa_format against spec appendix A.3's
// algorithm (String + toPrecision + Number) on hundreds of thousands of doubles;
// dtoa_parse against Number() (correctly rounded in V8) on random short and long
// decimal text, exact midpoints between doubles, and every formatted double.
import { beforeAll, describe, expect, it } from "vitest";
import { buildNumerics, cpuMs, ensure, Rng, type Numerics } from "./harness.js";

let N: Numerics;
let OUT = 0, TXT = 0, RES = 0;
const enc = new TextEncoder(), dec = new TextDecoder();

beforeAll(() => {
  N = buildNumerics();
  OUT = (N.heap + 15) & ~15;
  RES = OUT + 64;
  TXT = OUT + 1024;
  ensure(N, TXT + (1 << 20));
});

function fmt(x: number): string {
  new Uint8Array(N.mem.buffer, OUT, 64).fill(0xcd);
  const n = Number(N.fn.dtoa_format(x, OUT));
  const bytes = new Uint8Array(N.mem.buffer, OUT, 64);
  if (n > 32 || bytes[n] !== 0xcd) throw new Error(`dtoa_format(${x}) wrote ${n} bytes or past its length`);
  return dec.decode(bytes.subarray(0, n));
}

function parse(s: string): number | undefined {
  const b = enc.encode(s);
  new Uint8Array(N.mem.buffer).set(b, TXT);
  const ok = Number(N.fn.dtoa_parse(TXT, b.length, RES));
  if (ok === 0) return undefined;
  if (ok !== 1) throw new Error(`dtoa_parse returned ${ok}`);
  return new Float64Array(N.mem.buffer, RES, 1)[0];
}

/** Spec appendix A.3: shortest digits, ties toward larger magnitude, 3.17 layout. */
function refFormat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const a = Math.abs(x);
  const split = (t: string): [string, number] => {
    // digits and scientific exponent of a JS number string
    const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(t);
    if (!m) throw new Error(t);
    const intPart = m[1], frac = m[2] ?? "", e = Number(m[3] ?? 0);
    let digits = intPart + frac;
    let k = intPart.length - 1 + e;
    const lead = digits.length - digits.replace(/^0+/, "").length;
    digits = digits.slice(lead);
    k -= lead;
    digits = digits.replace(/0+$/, "");
    return [digits, k];
  };
  const [d1] = split(String(a));
  const p = a.toPrecision(d1.length);
  const [digits, k] = Number(p) === a ? split(p) : split(String(a));
  const n = digits.length;
  let body: string;
  if (a >= 1e-4 && a < 1e16) {
    if (k >= n - 1) body = digits + "0".repeat(k - n + 1) + ".0";
    else if (k >= 0) body = digits.slice(0, k + 1) + "." + digits.slice(k + 1);
    else body = "0." + "0".repeat(-k - 1) + digits;
  } else {
    body = digits[0] + (n > 1 ? "." + digits.slice(1) : "") + "e" + k;
  }
  return (x < 0 ? "-" : "") + body;
}

const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const fromBits = (b: bigint): number => { u64[0] = b; return f64[0]; };
const toBits = (x: number): bigint => { f64[0] = x; return u64[0]; };

function doubles(rng: Rng, count: number): number[] {
  const xs: number[] = [];
  for (let e = -1074; e <= 1023; e++) xs.push(2 ** e, -(2 ** e));
  for (let i = 0; i < 64; i++) xs.push(fromBits(BigInt(i)), fromBits(0x000fffffffffffffn - BigInt(i)), fromBits(0x0010000000000000n + BigInt(i)));
  xs.push(Number.MAX_VALUE, Number.MIN_VALUE, 1e16, 1e16 - 2, 9999999999999998, 1e-4, 0.00009999999999999999, 1e23, 5e-324, 2 ** 53, 2 ** 53 + 2, 2 ** 54);
  while (xs.length < count) {
    const before = xs.length;
    const kind = rng.int(5);
    if (kind === 0) {
      const x = fromBits(rng.u64());
      if (Number.isFinite(x)) xs.push(x);
    } else if (kind === 1) {
      // short decimals: their shortest form is the text they came from
      xs.push(Number(`${rng.int(100000)}e${rng.int(640) - 330}`));
    } else if (kind === 2) {
      // near 1: exponents where positional layout is used
      xs.push(fromBits((BigInt(1023 - 20 + rng.int(80)) << 52n) | (rng.u64() >> 12n)));
    } else if (kind === 3) {
      xs.push(rng.int(2 ** 31) * 2 ** (rng.int(60) - 10));
    } else {
      // neighbours of powers of ten
      const p = Number(`1e${rng.int(640) - 320}`);
      const b = toBits(p) + BigInt(rng.int(5)) - 2n;
      xs.push(fromBits(b));
    }
    if (!Number.isFinite(xs[xs.length - 1])) xs.length = before;
  }
  return xs;
}

describe("dtoa_format", () => {
  it("spec 3.17 examples", () => {
    const cases: [number, string][] = [
      [1e16, "1e16"], [1.2676506002282294e30, "1.2676506002282294e30"], [5e-324, "5e-324"],
      [0.1 + 0.2, "0.30000000000000004"], [4503599627370496.0, "4503599627370496.0"], [-0, "-0.0"], [0, "0.0"],
      [Infinity, "inf"], [-Infinity, "-inf"], [NaN, "NaN"], [1, "1.0"], [100, "100.0"], [2.5, "2.5"],
      [12345.678, "12345.678"], [0.5, "0.5"], [0.0001, "0.0001"], [1e-5, "1e-5"], [2.5e-5, "2.5e-5"],
      [1.7976931348623157e308, "1.7976931348623157e308"], [Math.sqrt(2), "1.4142135623730951"],
      [1.7927286711931566e30, "1.7927286711931566e30"], [1.5, "1.5"], [-2.5, "-2.5"], [0.479425538604203, "0.479425538604203"],
    ];
    for (const [x, s] of cases) expect(fmt(x), String(x)).toBe(s);
  });

  it("matches the A.3 algorithm on 300000 doubles and reads back exactly", () => {
    const rng = new Rng(11);
    const xs = doubles(rng, 300000);
    const t0 = performance.now();
    const outs = xs.map(fmt);
    const ms = performance.now() - t0;
    const bad: string[] = [];
    for (let i = 0; i < xs.length; i++) {
      const want = refFormat(xs[i]);
      if (outs[i] !== want || Number(outs[i]) !== xs[i]) bad.push(`bits ${toBits(xs[i]).toString(16)}: got ${outs[i]}, want ${want}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    console.log(`dtoa_format: ${xs.length} doubles in ${ms.toFixed(0)} ms (${(ms * 1e6 / xs.length).toFixed(0)} ns each)`);
  });
});

describe("dtoa_parse", () => {
  it("accepts the grammar and rejects everything else", () => {
    expect(parse("1")).toBe(1);
    expect(parse("-0")).toBe(-0);
    expect(Object.is(parse("-0.0e5"), -0)).toBe(true);
    expect(parse("+3.25E+2")).toBe(325);
    expect(parse("1e-5")).toBe(1e-5);
    expect(parse("007.50")).toBe(7.5);
    expect(parse("1e400")).toBe(Infinity);
    expect(parse("-1e400")).toBe(-Infinity);
    expect(parse("1e-400")).toBe(0);
    expect(parse("1e99999999999999999999999")).toBe(Infinity);
    expect(parse("0e99999999999999999999999")).toBe(0);
    expect(parse("1e-99999999999999999999999")).toBe(0);
    expect(parse("1" + "0".repeat(400) + "e-400")).toBe(1);
    for (const bad of ["", "-", "+", ".", "1.", ".5", "1e", "1e+", "e5", "1.2.3", " 1", "1 ", "1x", "inf", "NaN", "--1", "1_0", "0x10", "1e5.0", "١"]) {
      expect(parse(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("reads every formatted double back (A.3 text, String, toPrecision(17), toExponential)", () => {
    const rng = new Rng(12);
    const xs = doubles(rng, 60000);
    const bad: string[] = [];
    let n = 0;
    for (const x of xs) {
      for (const s of [refFormat(x), String(x), x.toPrecision(17), x.toExponential(), x.toExponential(25)]) {
        const t = s.replace("e+", "e");
        const got = parse(t);
        n++;
        if (!Object.is(got, Number(t))) bad.push(`${t}: got ${got}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(n).toBeGreaterThan(250000);
  });

  it("matches Number() on 100000 random decimal strings of 1..40 digits", () => {
    const rng = new Rng(13);
    const bad: string[] = [];
    for (let i = 0; i < 100000; i++) {
      const nd = 1 + rng.int(40);
      let digits = "";
      for (let j = 0; j < nd; j++) digits += String(rng.int(10));
      const dot = rng.int(nd + 1);
      const mant = dot > 0 && dot < nd ? digits.slice(0, dot) + "." + digits.slice(dot) : digits;
      const e = rng.int(3) === 0 ? "" : `e${rng.int(700) - 360}`;
      const s = (rng.int(2) ? "-" : "") + mant + e;
      const got = parse(s);
      if (!Object.is(got, Number(s))) bad.push(`${s}: got ${got}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("rounds exact midpoints half-even and their neighbours correctly (long inputs up to 1100 digits)", () => {
    const rng = new Rng(14);
    const xs = doubles(rng, 4000).filter((x) => x > 0 && x < Number.MAX_VALUE);
    for (const x of xs) {
      // exact decimal of (x + next(x)) / 2
      const b = toBits(x);
      const text = decimalOf(exactNum(b) + exactNum(b + 1n), 1n << 1075n);
      for (const s of [text, bump(text, 1), bump(text, -1), text + "0000000000001", text.replace(/e/, "000e")]) {
        expect(parse(s), s.length > 60 ? `${s.slice(0, 30)}…(${s.length})` : s).toBe(Number(s));
      }
    }
  });

  it("parses 100000-digit input in well under a second", () => {
    const s = "1." + "3".repeat(100000) + "e-200";
    const t = cpuMs();
    expect(parse(s)).toBe(Number(s));
    expect(cpuMs() - t).toBeLessThan(1000);
  });
});

/** Exact value of a finite double's bits as num / 2^1074. */
function exactNum(b: bigint): bigint {
  const be = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  const m = be === 0 ? frac : frac | (1n << 52n);
  return m << BigInt((be === 0 ? -1074 : be - 1075) + 1074);
}

/** num / den (den = 2^k) as an exact decimal string d.ddd…e±x. */
function decimalOf(num: bigint, den: bigint): string {
  // den is a power of two 2^k: num/2^k = num*5^k / 10^k
  const k = den.toString(2).length - 1;
  const digits = (num * 5n ** BigInt(k)).toString();
  const e = digits.length - 1 - k;
  const d = digits.replace(/0+$/, "");
  return d[0] + (d.length > 1 ? "." + d.slice(1) : "") + "e" + e;
}

/** Adds delta to the last digit of a d.ddd…e±x string (no carry past 9/0: skips). */
function bump(s: string, delta: number): string {
  const i = s.indexOf("e");
  const last = Number(s[i - 1]) + delta;
  if (last < 0 || last > 9) return s;
  return s.slice(0, i - 1) + String(last) + s.slice(i);
}
