// vm-as/dtoa.ts — Double <-> decimal text, exact.
//
// Contract (from /work/notes/numerics-api.md):
//
//   // Spec 3.17 "Printing doubles": shortest round-trip digits, ties toward larger
//   // magnitude, positional for 1e-4 <= |x| < 1e16 else d.ddde±k; NaN, inf, -inf, 0.0, -0.0.
//   export function dtoa_format(x: f64, out: usize): i32        // writes ASCII, returns length (<= 32)
//   // Decimal text to the nearest double (correctly rounded, round-half-even, any number of digits).
//   // Grammar: optional '+'/'-', digits, optional '.' digits, optional [eE][+-]digits;
//   // (an integer such as "1" is valid). Returns 1 and stores the value at *result (f64) if valid, 0 if not.
//   export function dtoa_parse(s: usize, len: i32, result: usize): i32
//
// Pure functions: no managed allocation, no imports. Both use one static scratch
// area (SCR, below) for exact big-integer arithmetic (vm-as/bigint.ts); they are
// not re-entrant, which a single-threaded wasm module never needs.
//
// Grammar details fixed here: '.' must have a digit on both sides ("1." and
// ".5" are invalid); the exponent needs at least one digit; no spaces, no
// "inf"/"nan" text. Exponent digits may be arbitrarily many (saturated).
//
// ---- Printing (dtoa_format) ------------------------------------------------
// x = m * 2^e (m < 2^53). The doubles that round to x under round-half-even
// parsing form the interval [low, high] around x (closed iff m is even), with
// high - x = 2^e / 2 and x - low the same, or half that when m = 2^52 (the gap
// below a power of two is smaller). Free-format digit generation (Steele & White,
// Burger & Dybvig) over exact integers r/s = x / 10^k, m+/s = (high - x) / 10^k,
// m-/s = (x - low) / 10^k, with k the least exponent such that the whole interval
// lies below 10^k. At each digit the two candidates are the truncation d and d+1;
// the first digit position at which one of them lies in the interval gives the
// shortest length; the nearer candidate wins, an exact tie goes to d+1 (larger
// magnitude), as spec 3.17 requires. Integers below 2^53 take a fast path (their
// own digits are the shortest round-trip form); when s stays below 2^60 (about
// 0.005 <= x < 4e18) the same loop runs in u64 (shortest64); otherwise on
// fixed-width limbs with a digit estimated from the top limbs and corrected.
//
// ---- Parsing (dtoa_parse) --------------------------------------------------
// Text = D * 10^E with D the significant digits. Fast path (Clinger): D < 10^15
// and |E| <= 22 (or D * 10^(E-22) still exact) -> one correctly rounded IEEE
// multiply or divide. Otherwise exact: more than 768 significant digits are cut
// to 768 plus a sticky '1' digit (a midpoint between doubles has at most 767
// significant digits, so this never changes the rounding); E >= 0 converts the
// integer D * 10^E (big_toDouble, round-half-even); E < 0 divides
// D * 2^sh / 10^-E to a 63..64-bit quotient plus a sticky bit and rounds once
// (roundToDouble, which also handles subnormals without double rounding).
//
// Scratch layout (u32 limbs; sizes are bounds proved in the comments at the use):
//   SCR + 0      .. 128 limbs   A   (D, or r while printing)
//   SCR + 512    .. 128 limbs   B   (10^-E, or s)
//   SCR + 1024   .. 128 limbs   C   (N = D << sh, or m+)
//   SCR + 1536   .. 128 limbs   Q   (quotient, or m-)
//   SCR + 2048   .. 128 limbs   M   (q * P, or temporaries)
//   SCR + 2560   .. 256 limbs   T   (division scratch, or the digits while printing)

import {
  big_add, big_mul, big_cmpMag, big_shl, big_quoTrunc, big_toDouble,
} from "./bigint";

const SCR: usize = memory.data(3584, 16);
const BA: usize = SCR;
const BB: usize = SCR + 512;
const BC: usize = SCR + 1024;
const BQ: usize = SCR + 1536;
const BM: usize = SCR + 2048;
const BT: usize = SCR + 2560;

// 10^0 .. 10^22: all exactly representable.
const POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

// ---------------------------------------------------------- small bigint helpers

@inline function L(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
@inline function S(p: usize, i: i32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }

// Magnitude from a u64; returns the limb count.
function setU64(p: usize, v: u64): i32 {
  S(p, 0, <u32>v);
  S(p, 1, <u32>(v >> 32));
  return v == 0 ? 0 : (v >> 32) != 0 ? 2 : 1;
}

// p = p * m + 0 in place; returns the new length (grows by at most one limb).
function mulSmall(p: usize, n: i32, m: u32): i32 {
  let carry: u64 = 0;
  let mm = <u64>m;
  for (let i = 0; i < n; i++) {
    let t = <u64>L(p, i) * mm + carry;
    S(p, i, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) { S(p, n, <u32>carry); n++; }
  return n;
}

// p = p * 10^k in place (k >= 0); returns the new length.
function mulPow10(p: usize, n: i32, k: i32): i32 {
  while (k >= 9) { n = mulSmall(p, n, 1000000000); k -= 9; }
  if (k > 0) n = mulSmall(p, n, <u32>load<f64>(POW10 + (<usize>k << 3)));
  return n;
}

@inline function bitLen(p: usize, n: i32): i32 {
  return n == 0 ? 0 : n * 32 - <i32>clz(L(p, n - 1));
}

// ---------------------------------------------------------------- printing

// Writes the decimal digits of v (> 0) at out; returns the count.
function u64Digits(v: u64, out: usize): i32 {
  let n = 0;
  let t = v;
  do { n++; t /= 10; } while (t != 0);
  let p = out + <usize>n;
  do { p--; store<u8>(p, <u8>(48 + <u32>(v % 10))); v /= 10; } while (v != 0);
  return n;
}

// Shortest digits of x (> 0, finite) into dig; returns (count << 16) | (k + 1000)
// where the value is 0.d1d2...dn * 10^k, i.e. the scientific exponent is k - 1.
function shortest(x: f64, dig: usize): i32 {
  let bits = reinterpret<u64>(x);
  let be = <i32>(bits >> 52) & 0x7FF;
  let frac = bits & 0xFFFFFFFFFFFFF;
  let m: u64, e: i32;
  if (be == 0) { m = frac; e = -1074; } else { m = frac | 0x10000000000000; e = be - 1075; }

  // Fast path: integral x < 2^53. Any shorter string would be another multiple
  // of a power of ten, at least 1 away, while the interval's half-width <= 1/2.
  if (e <= 0 && e > -53 && (m & ((<u64>1 << <u64>(-e)) - 1)) == 0) {
    let v = m >> <u64>(-e);
    let n = u64Digits(v, dig);
    let k = n;
    while (load<u8>(dig + <usize>(n - 1)) == 48) n--;
    return (n << 16) | (k + 1000);
  }

  let even = (m & 1) == 0;
  let unequal = frac == 0 && be > 1;     // m = 2^52: the gap below is half as wide
  // k estimate from log10 (may be off by one either way; fixed exactly below).
  let k = <i32>Math.ceil(Math.log10(x));
  let fast = shortest64(m, e, even, unequal, k, dig);
  if (fast >= 0) return fast;
  // r/s = x, mp/s = (high - x), mm/s = (x - low), all scaled by 2 (or 4) to stay integral.
  let r = BA, s = BB, mp = BC, mm = BQ, t = BM;
  let rn: i32, sn: i32, mpn: i32, mmn: i32;
  // Bounds: r, s, mp, mm stay below 2^1140 (36 limbs) through scaling and digit
  // generation (r < 10 s, mp <= mm*2 < 10 s); 128-limb buffers.
  if (e >= 0) {
    if (!unequal) {
      rn = big_shl(r, setU64(r, m), false, <u32>(e + 1), r) >> 1;
      sn = setU64(s, 2);
      mpn = big_shl(mp, setU64(mp, 1), false, <u32>e, mp) >> 1;
    } else {
      rn = big_shl(r, setU64(r, m), false, <u32>(e + 2), r) >> 1;
      sn = setU64(s, 4);
      mpn = big_shl(mp, setU64(mp, 1), false, <u32>(e + 1), mp) >> 1;
    }
    mmn = big_shl(mm, setU64(mm, 1), false, <u32>e, mm) >> 1;
  } else {
    if (!unequal) {
      rn = setU64(r, m << 1);
      sn = big_shl(s, setU64(s, 1), false, <u32>(1 - e), s) >> 1;
      mpn = setU64(mp, 1);
    } else {
      rn = setU64(r, m << 2);
      sn = big_shl(s, setU64(s, 1), false, <u32>(2 - e), s) >> 1;
      mpn = setU64(mp, 2);
    }
    mmn = setU64(mm, 1);
  }

  // Scale by the estimated 10^k, then exact fix-ups in both directions.
  if (k >= 0) sn = mulPow10(s, sn, k);
  else { rn = mulPow10(r, rn, -k); mpn = mulPow10(mp, mpn, -k); mmn = mulPow10(mm, mmn, -k); }
  // Too small: the interval reaches 10^k (high >= 10^k, or > when high is excluded).
  while (true) {
    let tn = big_add(r, rn, false, mp, mpn, false, t) >> 1;
    let c = big_cmpMag(t, tn, s, sn);
    if (c > 0 || (c == 0 && even)) { sn = mulSmall(s, sn, 10); k++; } else break;
  }
  // Too large: the interval also lies below 10^(k-1).
  while (true) {
    let tn = mulSmall(t, big_add(r, rn, false, mp, mpn, false, t) >> 1, 10);
    let c = big_cmpMag(t, tn, s, sn);
    if (c < 0 || (c == 0 && !even)) {
      rn = mulSmall(r, rn, 10); mpn = mulSmall(mp, mpn, 10); mmn = mulSmall(mm, mmn, 10); k--;
    } else break;
  }

  // Digit generation on fixed-width numbers of W = sn + 1 limbs (zero-padded):
  // r < s and mp, mm < s on entry to each step (otherwise the previous step would
  // have stopped), so after the multiplication by 10 everything is < 10 s < 2^(32 W).
  let W = sn + 1;
  zeroPad(r, rn, W); zeroPad(s, sn, W); zeroPad(mp, mpn, W); zeroPad(mm, mmn, W);
  let same = big_cmpMag(mp, mpn, mm, mmn) == 0;          // m+ == m-: update one of them
  // Divisor estimate for the digit: top two limbs of s, rounded up (s[sn-1] != 0).
  let sTop = <f64>L(s, sn - 1) * 4294967296.0 + <f64>(sn >= 2 ? L(s, sn - 2) : 0) + 1.0;
  let n = 0;
  while (true) {
    mul10W(r, W);
    mul10W(mp, W);
    if (!same) mul10W(mm, W);
    // d = floor(r / s) <= 9, estimated from the top limbs (relative error about
    // 2^-31 either way: off by at most one); corrected exactly both ways.
    let rTop = (<f64>L(r, sn) * 4294967296.0 + <f64>L(r, sn - 1)) * 4294967296.0 + <f64>(sn >= 2 ? L(r, sn - 2) : 0);
    let d = <u32>(rTop / sTop);
    if (d > 9) d = 9;
    if (d > 0 && mulSubW(r, s, d, W)) {
      // went below zero: add s back (the wrap-around carry cancels the borrow)
      do { d--; } while (!addBackW(r, s, W));
    }
    while (cmpW(r, s, W) >= 0) { subW(r, s, W); d++; }
    let c1 = cmpW(r, same ? mp : mm, W);
    let lowOk = c1 < 0 || (c1 == 0 && even);             // d is inside the interval
    addW(r, mp, t, W);
    let c2 = cmpW(t, s, W);
    let highOk = c2 > 0 || (c2 == 0 && even);            // d + 1 is inside the interval
    if (!lowOk && !highOk) { store<u8>(dig + <usize>n, <u8>(48 + d)); n++; continue; }
    let up: bool;
    if (lowOk && highOk) {
      // nearer of d and d+1; a tie (2r == s) goes up (larger magnitude)
      addW(r, r, t, W);
      up = cmpW(t, s, W) >= 0;
    } else up = highOk;
    n = emitLast(dig, n, d, up);
    if (n < 0) { n = -n; k++; }
    break;
  }
  while (n > 1 && load<u8>(dig + <usize>(n - 1)) == 48) n--;
  return (n << 16) | (k + 1000);
}

// ---- fixed-width helpers for the digit loop (W limbs each, no normalisation)

@inline function zeroPad(p: usize, n: i32, w: i32): void {
  if (w > n) memory.fill(p + (<usize>n << 2), 0, <usize>(w - n) << 2);
}

function mul10W(p: usize, w: i32): void {
  let c: u64 = 0;
  for (let i = 0; i < w; i++) {
    let t = <u64>L(p, i) * 10 + c;
    S(p, i, <u32>t);
    c = t >> 32;
  }
}

// r -= d * s (d * s < 2^(32 w)); returns true when the result went below zero
// (r then holds it modulo 2^(32 w)).
function mulSubW(r: usize, s: usize, d: u32, w: i32): bool {
  let carry: u64 = 0;
  let borrow: i64 = 0;
  let dd = <u64>d;
  for (let i = 0; i < w; i++) {
    let p = <u64>L(s, i) * dd + carry;
    carry = p >> 32;
    let t = <i64>L(r, i) - <i64>(p & 0xFFFFFFFF) - borrow;
    S(r, i, <u32>t);
    borrow = (t >> 63) & 1;
  }
  return borrow != 0;
}

// r += s modulo 2^(32 w); returns true when a carry left the top limb.
function addBackW(r: usize, s: usize, w: i32): bool {
  let c: u64 = 0;
  for (let i = 0; i < w; i++) {
    let t = <u64>L(r, i) + <u64>L(s, i) + c;
    S(r, i, <u32>t);
    c = t >> 32;
  }
  return c != 0;
}

// r -= s, requires s <= r.
function subW(r: usize, s: usize, w: i32): void {
  let borrow: i64 = 0;
  for (let i = 0; i < w; i++) {
    let t = <i64>L(r, i) - <i64>L(s, i) - borrow;
    S(r, i, <u32>t);
    borrow = (t >> 63) & 1;
  }
}

// out = a + b (fits in w limbs by the caller's bound).
function addW(a: usize, b: usize, out: usize, w: i32): void {
  let c: u64 = 0;
  for (let i = 0; i < w; i++) {
    let t = <u64>L(a, i) + <u64>L(b, i) + c;
    S(out, i, <u32>t);
    c = t >> 32;
  }
}

function cmpW(a: usize, b: usize, w: i32): i32 {
  for (let i = w - 1; i >= 0; i--) {
    let x = L(a, i), y = L(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

const LIMIT64: u64 = <u64>1 << 60;

@inline function pow10u(k: i32): u64 { return <u64>load<f64>(POW10 + (<usize>k << 3)); }  // k <= 19

// shortest() with every quantity in u64, when they stay below 2^60 (about
// 0.005 <= x < 1.8e19 with short exponents); -1 when they would not.
function shortest64(m: u64, e: i32, even: bool, unequal: bool, k: i32, dig: usize): i32 {
  let r: u64, s: u64, mp: u64, mm: u64;
  if (e >= 0) {
    if (e > 8 || k < 0 || k > 17) return -1;
    if (!unequal) { r = m << <u64>(e + 1); s = 2; mp = <u64>1 << <u64>e; }
    else { r = m << <u64>(e + 2); s = 4; mp = <u64>1 << <u64>(e + 1); }
    mm = <u64>1 << <u64>e;
    s *= pow10u(k);
  } else {
    if (e < -57) return -1;
    if (!unequal) { r = m << 1; s = <u64>1 << <u64>(1 - e); mp = 1; }
    else { r = m << 2; s = <u64>1 << <u64>(2 - e); mp = 2; }
    mm = 1;
    if (k >= 0) {
      if (k > 18) return -1;
      let p = pow10u(k);
      if (s > LIMIT64 / p) return -1;
      s *= p;
    } else {
      if (-k > 18) return -1;
      let p = pow10u(-k);
      if (r > LIMIT64 / p) return -1;
      r *= p; mp *= p; mm *= p;
    }
  }
  while (true) {                          // k too small: the interval reaches 10^k
    let t = r + mp;
    if (t > s || (t == s && even)) {
      if (s > LIMIT64 / 10) return -1;
      s *= 10; k++;
    } else break;
  }
  while (true) {                          // k too large: the interval lies below 10^(k-1)
    let t = (r + mp) * 10;
    if (t < s || (t == s && !even)) { r *= 10; mp *= 10; mm *= 10; k--; } else break;
  }
  if (s >= LIMIT64) return -1;
  return digits64(r, s, mp, mm, even, k, dig);
}

// The digit loop of shortest() for s < 2^60: r < s, and mp, mm < 10 s while the
// loop runs (once mp >= s the high test succeeds), so nothing exceeds 2^64.
function digits64(r: u64, s: u64, mp: u64, mm: u64, even: bool, k: i32, dig: usize): i32 {
  let n = 0;
  while (true) {
    r *= 10; mp *= 10; mm *= 10;
    let d = <u32>(r / s);
    r -= <u64>d * s;
    let lowOk = r < mm || (r == mm && even);
    let t = r + mp;
    let highOk = t > s || (t == s && even);
    if (!lowOk && !highOk) { store<u8>(dig + <usize>n, <u8>(48 + d)); n++; continue; }
    let up = lowOk && highOk ? r + r >= s : highOk;
    n = emitLast(dig, n, d, up);
    if (n < 0) { n = -n; k++; }
    break;
  }
  while (n > 1 && load<u8>(dig + <usize>(n - 1)) == 48) n--;
  return (n << 16) | (k + 1000);
}

// Appends the last digit d (or d + 1 when up, carrying through 9s). Returns the new
// count, negated when the carry ran through every digit (the exponent grows).
function emitLast(dig: usize, n: i32, d: u32, up: bool): i32 {
  if (!up) { store<u8>(dig + <usize>n, <u8>(48 + d)); return n + 1; }
  if (d < 9) { store<u8>(dig + <usize>n, <u8>(49 + d)); return n + 1; }
  // ...x9 + 1 -> ...(x+1); cannot pass the first digit since 10^k lies outside the interval.
  while (n > 0 && load<u8>(dig + <usize>(n - 1)) == 57) n--;
  if (n == 0) { store<u8>(dig, 49); return -1; }
  store<u8>(dig + <usize>(n - 1), load<u8>(dig + <usize>(n - 1)) + 1);
  return n;
}

export function dtoa_format(x: f64, out: usize): i32 {
  let bits = reinterpret<u64>(x);
  let neg = (bits >> 63) != 0;
  if (x != x) { store<u8>(out, 78); store<u8>(out + 1, 97); store<u8>(out + 2, 78); return 3; }  // NaN
  let o = out;
  if (neg) { store<u8>(o, 45); o++; }
  let a = Math.abs(x);
  if (a == Infinity) { store<u8>(o, 105); store<u8>(o + 1, 110); store<u8>(o + 2, 102); return <i32>(o + 3 - out); }
  if (a == 0) { store<u8>(o, 48); store<u8>(o + 1, 46); store<u8>(o + 2, 48); return <i32>(o + 3 - out); }
  // Digits (at most 17) go to scratch first, then are laid out from o.
  let dig = BT;
  let packed = shortest(a, dig);
  let n = packed >> 16;
  let k = (packed & 0xFFFF) - 1000 - 1;                    // scientific exponent
  if (a >= 1e-4 && a < 1e16) {
    if (k >= n - 1) {
      memory.copy(o, dig, <usize>n); o += <usize>n;
      for (let i = 0; i < k - n + 1; i++) { store<u8>(o, 48); o++; }
      store<u8>(o, 46); store<u8>(o + 1, 48); o += 2;
    } else if (k >= 0) {
      memory.copy(o, dig, <usize>(k + 1)); o += <usize>(k + 1);
      store<u8>(o, 46); o++;
      memory.copy(o, dig + <usize>(k + 1), <usize>(n - k - 1)); o += <usize>(n - k - 1);
    } else {
      store<u8>(o, 48); store<u8>(o + 1, 46); o += 2;
      for (let i = 0; i < -k - 1; i++) { store<u8>(o, 48); o++; }
      memory.copy(o, dig, <usize>n); o += <usize>n;
    }
  } else {
    store<u8>(o, load<u8>(dig)); o++;
    if (n > 1) {
      store<u8>(o, 46); o++;
      memory.copy(o, dig + 1, <usize>(n - 1)); o += <usize>(n - 1);
    }
    store<u8>(o, 101); o++;
    if (k < 0) { store<u8>(o, 45); o++; k = -k; }
    o += <usize>u64Digits(<u64>k, o);
  }
  return <i32>(o - out);
}

// ---------------------------------------------------------------- parsing

// q (bit 63 set) * 2^exp2, plus a sticky "more nonzero bits below" flag, rounded
// half-even to a double (normal, subnormal, 0 or Infinity); positive.
function roundToDouble(q: u64, sticky: bool, exp2: i32): f64 {
  let top = exp2 + 63;                                     // exponent of the leading bit
  if (top >= 1024) return Infinity;
  let shift: i32 = top >= -1022 ? 11 : 11 + (-1022 - top); // bits dropped below the kept mantissa
  if (shift > 64) return 0.0;                              // below 2^-1075: rounds to 0
  let mant: u64, rem: u64, half: u64;
  if (shift == 64) { mant = 0; rem = q; half = <u64>1 << 63; }
  else { mant = q >> <u64>shift; rem = q & ((<u64>1 << <u64>shift) - 1); half = <u64>1 << <u64>(shift - 1); }
  let up = rem > half || (rem == half && (sticky || (mant & 1) != 0));
  let bits: u64;
  if (top >= -1022) bits = (<u64>(top + 1023) << 52) + (mant & 0xFFFFFFFFFFFFF);
  else bits = mant;                                        // subnormal: biased exponent 0
  if (up) bits++;                                          // a carry moves into the exponent, up to Infinity
  return reinterpret<f64>(bits);
}

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

export function dtoa_parse(s: usize, len: i32, result: usize): i32 {
  let i = 0;
  let neg = false;
  if (len <= 0) return 0;
  let c0 = <u32>load<u8>(s);
  if (c0 == 43 || c0 == 45) { neg = c0 == 45; i = 1; }
  // integer part
  let i0 = i;
  while (i < len && isDigit(load<u8>(s + i))) i++;
  let i1 = i;
  if (i1 == i0) return 0;
  let f0 = i, f1 = i;
  if (i < len && load<u8>(s + i) == 46) {
    i++;
    f0 = i;
    while (i < len && isDigit(load<u8>(s + i))) i++;
    f1 = i;
    if (f1 == f0) return 0;
  }
  let exp: i64 = 0;
  if (i < len && (load<u8>(s + i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(s + i) == 43 || load<u8>(s + i) == 45)) { eneg = load<u8>(s + i) == 45; i++; }
    let e0 = i;
    while (i < len && isDigit(load<u8>(s + i))) {
      if (exp < 100000000) exp = exp * 10 + <i64>(load<u8>(s + i) - 48);   // saturates harmlessly
      i++;
    }
    if (i == e0) return 0;
    if (eneg) exp = -exp;
  }
  if (i != len) return 0;

  // Significant digits: first and last nonzero digit over int ++ frac.
  let intN = i1 - i0, fracN = f1 - f0, total = intN + fracN;
  let fnz = -1, lnz = -1;
  for (let j = 0; j < total; j++) {
    let c = load<u8>(j < intN ? s + i0 + j : s + f0 + (j - intN));
    if (c != 48) { if (fnz < 0) fnz = j; lnz = j; }
  }
  let v: f64;
  if (fnz < 0) {
    v = 0.0;
  } else {
    let nd = lnz - fnz + 1;
    let E: i64 = exp - <i64>fracN + <i64>(total - 1 - lnz);   // value = D * 10^E
    if (<i64>nd + E > 310) v = Infinity;                       // >= 10^310
    else if (<i64>nd + E <= -324) v = 0.0;                     // < 10^-324 < 2^-1075
    else v = convert(s, i0, intN, f0, fnz, nd, <i32>E);
  }
  store<f64>(result, neg ? -v : v);
  return 1;
}

// Digit j of the concatenation int ++ frac.
@inline function digitAt(s: usize, i0: i32, intN: i32, f0: i32, j: i32): u32 {
  return <u32>load<u8>(j < intN ? s + <usize>(i0 + j) : s + <usize>(f0 + (j - intN))) - 48;
}

// Correctly rounded D * 10^E, D = digits fnz .. fnz+nd-1 of int ++ frac (nonzero),
// with -324 < nd + E <= 310.
function convert(s: usize, i0: i32, intN: i32, f0: i32, fnz: i32, nd: i32, E: i32): f64 {
  // Fast path: D < 10^15 exactly representable.
  if (nd <= 15) {
    let d: u64 = 0;
    for (let j = 0; j < nd; j++) d = d * 10 + <u64>digitAt(s, i0, intN, f0, fnz + j);
    let df = <f64>d;
    if (E >= 0 && E <= 22) return df * load<f64>(POW10 + (<usize>E << 3));
    if (E < 0 && E >= -22) return df / load<f64>(POW10 + (<usize>(-E) << 3));
    if (E > 22 && E <= 22 + 15 - nd) {
      // d * 10^(E-22) < 10^15 is still exact
      return (df * load<f64>(POW10 + (<usize>(E - 22) << 3))) * 1e22;
    }
  }
  // Exact path. D (at most 769 digits < 2^2557, 80 limbs) into A.
  let keep = nd > 768 ? 768 : nd;
  let dn = 0;
  {
    let j = 0;
    while (j < keep) {
      let chunk: u32 = 0, mul: u32 = 1;
      let stop = j + 9 < keep ? j + 9 : keep;
      for (; j < stop; j++) { chunk = chunk * 10 + digitAt(s, i0, intN, f0, fnz + j); mul *= 10; }
      dn = mulSmall(BA, dn, mul);
      // add chunk
      let carry = <u64>chunk;
      for (let q = 0; q < dn && carry != 0; q++) {
        let t = <u64>L(BA, q) + carry; S(BA, q, <u32>t); carry = t >> 32;
      }
      if (carry != 0) { S(BA, dn, <u32>carry); dn++; }
    }
  }
  if (nd > 768) {
    // the dropped digits end in a nonzero digit (lnz): append the sticky digit 1
    E += nd - 768 - 1;
    dn = mulSmall(BA, dn, 10);
    let carry: u64 = 1;
    for (let q = 0; q < dn && carry != 0; q++) {
      let t = <u64>L(BA, q) + carry; S(BA, q, <u32>t); carry = t >> 32;
    }
    if (carry != 0) { S(BA, dn, <u32>carry); dn++; }
  }
  if (E >= 0) {
    // D * 10^E < 10^310 < 2^1030: 33 limbs.
    dn = mulPow10(BA, dn, E);
    return big_toDouble(BA, dn, false);
  }
  // P = 10^-E, -E < 769 + 324: P < 2^3632, 114 limbs, in B.
  let pn = mulPow10(BB, setU64(BB, 1), -E);
  let bd = bitLen(BA, dn), bp = bitLen(BB, pn);
  // D * 2^sh / P in (2^62, 2^64) for sh = 63 - bd + bp.
  let sh = 63 - bd + bp;
  let nn: i32, den: usize, denN: i32;
  if (sh >= 0) {
    nn = big_shl(BA, dn, false, <u32>sh, BC) >> 1;          // < 2^(bp+64): 116 limbs
    den = BB; denN = pn;
  } else {
    nn = dn;
    for (let j = 0; j < dn; j++) S(BC, j, L(BA, j));
    denN = big_shl(BB, pn, false, <u32>(-sh), BM) >> 1;     // < 2^(bd-62): 80 limbs
    den = BM;
  }
  let qn = big_quoTrunc(BC, nn, false, den, denN, false, BQ, BT) >> 1;   // tmp nn+denN+2 <= 232
  let q: u64 = qn == 0 ? 0 : qn == 1 ? <u64>L(BQ, 0) : (<u64>L(BQ, 1) << 32) | <u64>L(BQ, 0);
  // sticky: q * den != N
  let pm = den == BM ? BA : BM;                              // a free buffer of >= 118 limbs
  let mn = big_mul(BQ, qn, false, den, denN, false, pm) >> 1;
  let sticky = big_cmpMag(pm, mn, BC, nn) != 0;
  let lz = <i32>clz(q);
  return roundToDouble(q << <u64>lz, sticky, -sh - lz);
}
