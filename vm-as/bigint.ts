// vm-as/bigint.ts — arbitrary-precision integers over raw linear memory.
//
// Contract between the VM and the numerics modules (from /work/notes/numerics-api.md):
//
//   Pure functions over raw linear memory: no managed allocation, no globals that
//   hold results, no imports. The caller (the VM) owns every buffer.
//
//   A magnitude is `n` u32 limbs, little-endian, at address `p`; normalised
//   (top limb non-zero; n == 0 means zero). A signed value is (p, n, neg: bool).
//   Signed results are returned packed: `(n << 1) | (neg ? 1 : 0)` (zero is never negative).
//   Output buffers must not overlap inputs unless stated. Capacities (in limbs) are
//   the caller's duty; each function documents what it needs.
//
//   big_cmpMag(a, an, b, bn): i32                                  -1, 0, 1
//   big_cmp(a, an, aneg, b, bn, bneg): i32
//   big_add(a, an, aneg, b, bn, bneg, out): i32                    cap max(an,bn)+1
//   big_sub(a, an, aneg, b, bn, bneg, out): i32                    cap max(an,bn)+1
//   big_mul(a, an, aneg, b, bn, bneg, out): i32                    cap an+bn
//   Division; b != 0 (caller checks). `tmp` scratch of cap an+bn+2 limbs.
//   big_quoTrunc(a, an, aneg, b, bn, bneg, q, tmp): i32            cap an+1
//   big_remTrunc(a, an, aneg, b, bn, bneg, r, tmp): i32            cap bn+1 (sign of a)
//   big_modFloor(a, an, aneg, b, bn, bneg, r, tmp): i32            cap bn+1 (sign of b)
//   Two's complement with infinite sign extension.
//   big_and(a, an, aneg, b, bn, bneg, out, tmp): i32               cap max(an,bn)+1, tmp same
//   big_xor(a, an, aneg, b, bn, bneg, out, tmp): i32               cap max(an,bn)+1, tmp same
//   big_shl(a, an, aneg, count: u32, out): i32                     cap an + count/32 + 1
//   big_shrFloor(a, an, aneg, count: u32, out): i32                floor(a / 2^count); cap an
//   Conversions.
//   big_fromI64(v: i64, out): i32                                  cap 2
//   big_fitsI64(a, an, aneg): bool
//   big_toI64(a, an, aneg): i64                                    only when it fits
//   big_low32(a, an, aneg): u32                                    low 32 bits of two's complement
//   big_toDouble(a, an, aneg): f64                                 round-half-even; +-Infinity when >= 2^1024
//   big_fromDouble(x: f64, out): i32                               x finite and integral; exact; cap 33
//   big_toDecimal(a, an, aneg, out, tmp): i32                      ASCII into out; returns byte count;
//                                                                  out cap decimalCap(an) bytes, tmp cap an limbs
//   big_decimalCap(an): i32                                        bytes needed by toDecimal
//   big_fromDecimal(s, len, out): i32                              optional '-', 1+ digits; returns packed,
//                                                                  or -1 if invalid text; cap fromDecimalCap(len)
//   big_fromDecimalCap(len): i32
//   big_sqrtDouble(a, an, aneg): f64                               sqrt of the value as a Double
//                                                                  (correctly rounded conversion first)
//
// Additional guarantees of this implementation (beyond the contract):
//   * big_add / big_sub: `out` may be the very same address as `a` or `b`.
//   * big_shl / big_shrFloor: `out` may be the very same address as `a`.
//   * big_and / big_xor do not use `tmp` (it is kept for the contract).
//   * big_fromDouble accepts any finite x and answers trunc(x) (toward zero).
//   * big_sqrtDouble of a negative value is NaN (the caller raises the error).
//   * Division by zero (bn == 0, a contract violation) answers 0 instead of trapping.
//   * big_quoTrunc writes at most max(an - bn + 1, 0) limbs when bn >= 2 (an when bn == 1).
//   * Inputs must be normalised; a zero input may have any address (it is not read).
//
// Algorithms and cost (n limbs; measured in Node 20 on the project machine, first call,
// i.e. V8's baseline tier): schoolbook multiplication O(an*bn) (1M x 1M bits 1.8 s);
// Knuth algorithm D division O(bn*(an-bn)) (2M / 1M bits 2.3 s); toDecimal by
// repeated division by 10^9, four interleaved divisions per sweep, O(n^2)
// (1 << 1000000: 1.0 s first call, 0.65 s once optimised); fromDecimal by
// multiply-add of 9-digit chunks, O(n^2) (301030 digits: 0.37 s).
// Sub-quadratic methods would need scratch beyond the contract's capacities.
//
// Limb layout (magnitude 0x0000000A_00000001_FFFFFFFF, n = 3):
//   p+0: FFFFFFFF   p+4: 00000001   p+8: 0000000A     (limb i at p + 4*i)
//
// Packed signed result (i32):
//   31                              1   0
//   +-------------------------------+---+
//   |        n (limb count)         |neg|
//   +-------------------------------+---+

// ---------------------------------------------------------------- helpers

@inline function L(p: usize, i: i32): u32 { return load<u32>(p + (<usize>i << 2)); }
@inline function S(p: usize, i: i32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }
@inline function pack(n: i32, neg: bool): i32 { return (n << 1) | (n != 0 && neg ? 1 : 0); }

// Length of the magnitude at p after dropping high zero limbs (n is an upper bound).
@inline function norm(p: usize, n: i32): i32 {
  while (n > 0 && L(p, n - 1) == 0) n--;
  return n;
}

// Copies n limbs (memory.copy handles overlap).
@inline function copyLimbs(dst: usize, src: usize, n: i32): void {
  if (n > 0 && dst != src) memory.copy(dst, src, <usize>n << 2);
}

// |a| + |b| into out; out may equal a or b. Returns normalised length. Needs an >= bn.
function magAdd(a: usize, an: i32, b: usize, bn: i32, out: usize): i32 {
  let carry: u64 = 0;
  let i = 0;
  for (; i < bn; i++) {
    let t = <u64>L(a, i) + <u64>L(b, i) + carry;
    S(out, i, <u32>t);
    carry = t >> 32;
  }
  for (; i < an; i++) {
    let t = <u64>L(a, i) + carry;
    S(out, i, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) { S(out, an, 1); return an + 1; }
  return an;
}

// |a| - |b| into out, requires |a| >= |b|; out may equal a or b. Returns normalised length.
function magSub(a: usize, an: i32, b: usize, bn: i32, out: usize): i32 {
  let borrow: i64 = 0;
  let i = 0;
  for (; i < bn; i++) {
    let t = <i64>L(a, i) - <i64>L(b, i) - borrow;
    S(out, i, <u32>t);
    borrow = (t >> 63) & 1;
  }
  for (; i < an; i++) {
    let t = <i64>L(a, i) - borrow;
    S(out, i, <u32>t);
    borrow = (t >> 63) & 1;
  }
  return norm(out, an);
}

export function big_cmpMag(a: usize, an: i32, b: usize, bn: i32): i32 {
  if (an != bn) return an < bn ? -1 : 1;
  for (let i = an - 1; i >= 0; i--) {
    let x = L(a, i), y = L(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function big_cmp(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool): i32 {
  let an_ = an != 0 && aneg, bn_ = bn != 0 && bneg;
  if (an_ != bn_) return an_ ? -1 : 1;
  let c = big_cmpMag(a, an, b, bn);
  return an_ ? -c : c;
}

// Signed addition of (a, aneg) and (b, bneg); the core of big_add and big_sub.
function addSigned(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize): i32 {
  if (aneg == bneg) {
    let n = an >= bn ? magAdd(a, an, b, bn, out) : magAdd(b, bn, a, an, out);
    return pack(n, aneg);
  }
  let c = big_cmpMag(a, an, b, bn);
  if (c == 0) return 0;
  if (c > 0) return pack(magSub(a, an, b, bn, out), aneg);
  return pack(magSub(b, bn, a, an, out), bneg);
}

export function big_add(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize): i32 {
  return addSigned(a, an, aneg && an != 0, b, bn, bneg && bn != 0, out);
}

export function big_sub(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize): i32 {
  return addSigned(a, an, aneg && an != 0, b, bn, !bneg && bn != 0, out);
}

// |a| * |b| into out (an+bn limbs, no overlap). Returns normalised length.
function magMul(a: usize, an: i32, b: usize, bn: i32, out: usize): i32 {
  if (an == 0 || bn == 0) return 0;
  memory.fill(out, 0, <usize>(an + bn) << 2);
  // Outer loop over the shorter operand keeps the inner loop long.
  if (an < bn) { let t = a; a = b; b = t; let tn = an; an = bn; bn = tn; }
  for (let j = 0; j < bn; j++) {
    let y = <u64>L(b, j);
    if (y == 0) continue;
    let carry: u64 = 0;
    let o = out + (<usize>j << 2);
    for (let i = 0; i < an; i++) {
      let p = o + (<usize>i << 2);
      // (2^32-1)^2 + 2*(2^32-1) = 2^64-1: never overflows.
      let t = <u64>L(a, i) * y + <u64>load<u32>(p) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
    S(out, j + an, <u32>carry);
  }
  return norm(out, an + bn);
}

export function big_mul(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize): i32 {
  return pack(magMul(a, an, b, bn, out), aneg != bneg);
}

// ---------------------------------------------------------------- division

// Short division of |a| by a single limb d (d != 0). Writes the quotient to q
// (may equal a; an limbs) unless q == 0. Returns the remainder.
function divSmall(a: usize, an: i32, d: u32, q: usize): u32 {
  let r: u64 = 0;
  let dd = <u64>d;
  for (let i = an - 1; i >= 0; i--) {
    let cur = (r << 32) | <u64>L(a, i);
    let qq = cur / dd;
    r = cur - qq * dd;
    if (q != 0) S(q, i, <u32>qq);
  }
  return <u32>r;
}

// Knuth, TAOCP 4.3.1, algorithm D, for an >= bn >= 2.
// tmp layout (limbs):  [0 .. an]  u = a << s (an+1 limbs)
//                      [an+1 .. an+bn]  v = b << s (bn limbs)
// Writes the an-bn+1 quotient limbs to q unless q == 0. Leaves the remainder,
// still shifted left by s, in u[0 .. bn). Returns s.
function divKnuth(a: usize, an: i32, b: usize, bn: i32, q: usize, tmp: usize): i32 {
  let u = tmp;
  let v = tmp + (<usize>(an + 1) << 2);
  let s = <i32>clz(L(b, bn - 1));
  // Normalise: v = b << s, u = a << s (s in 0..31).
  if (s == 0) {
    copyLimbs(v, b, bn);
    copyLimbs(u, a, an);
    S(u, an, 0);
  } else {
    let rs = 32 - s;
    for (let i = bn - 1; i > 0; i--) S(v, i, (L(b, i) << s) | (L(b, i - 1) >> rs));
    S(v, 0, L(b, 0) << s);
    S(u, an, L(a, an - 1) >> rs);
    for (let i = an - 1; i > 0; i--) S(u, i, (L(a, i) << s) | (L(a, i - 1) >> rs));
    S(u, 0, L(a, 0) << s);
  }
  let vTop = <u64>L(v, bn - 1);
  let vNext = <u64>L(v, bn - 2);
  for (let j = an - bn; j >= 0; j--) {
    let uj = u + (<usize>j << 2);
    let num = (<u64>L(uj, bn) << 32) | <u64>L(uj, bn - 1);
    let qhat = num / vTop;
    let rhat = num - qhat * vTop;
    let u2 = <u64>L(uj, bn - 2);
    while (qhat > 0xFFFFFFFF || qhat * vNext > ((rhat << 32) | u2)) {
      qhat--;
      rhat += vTop;
      if (rhat > 0xFFFFFFFF) break;
    }
    // u[j .. j+bn] -= qhat * v
    let carry: u64 = 0;
    let borrow: i64 = 0;
    for (let i = 0; i < bn; i++) {
      let p = qhat * <u64>L(v, i) + carry;
      carry = p >> 32;
      let t = <i64>L(uj, i) - <i64>(p & 0xFFFFFFFF) - borrow;
      S(uj, i, <u32>t);
      borrow = (t >> 63) & 1;
    }
    let t = <i64>L(uj, bn) - <i64>carry - borrow;
    S(uj, bn, <u32>t);
    if (t < 0) {
      // qhat was one too large (rare): add v back.
      qhat--;
      let c: u64 = 0;
      for (let i = 0; i < bn; i++) {
        let w = <u64>L(uj, i) + <u64>L(v, i) + c;
        S(uj, i, <u32>w);
        c = w >> 32;
      }
      S(uj, bn, L(uj, bn) + <u32>c);
    }
    if (q != 0) S(q, j, <u32>qhat);
  }
  return s;
}

// Remainder of |a| / |b| into r (bn limbs); returns its normalised length.
// Division must be possible (bn >= 1); tmp as in the contract.
function magRem(a: usize, an: i32, b: usize, bn: i32, r: usize, tmp: usize): i32 {
  if (bn == 0) return 0;                   // contract violation: answer 0 rather than trap
  if (an < bn) { copyLimbs(r, a, an); return an; }
  if (bn == 1) {
    let rem = divSmall(a, an, L(b, 0), 0);
    S(r, 0, rem);
    return rem != 0 ? 1 : 0;
  }
  let s = divKnuth(a, an, b, bn, 0, tmp);
  let u = tmp;
  if (s == 0) {
    copyLimbs(r, u, bn);
  } else {
    let rs = 32 - s;
    for (let i = 0; i < bn - 1; i++) S(r, i, (L(u, i) >> s) | (L(u, i + 1) << rs));
    S(r, bn - 1, L(u, bn - 1) >> s);
  }
  return norm(r, bn);
}

export function big_quoTrunc(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, q: usize, tmp: usize): i32 {
  if (an < bn || bn == 0) return 0;        // (b == 0 breaks the contract: 0 rather than a trap)
  let qn: i32;
  if (bn == 1) {
    divSmall(a, an, L(b, 0), q);
    qn = norm(q, an);
  } else {
    divKnuth(a, an, b, bn, q, tmp);
    qn = norm(q, an - bn + 1);
  }
  return pack(qn, aneg != bneg);
}

export function big_remTrunc(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, r: usize, tmp: usize): i32 {
  return pack(magRem(a, an, b, bn, r, tmp), aneg);
}

export function big_modFloor(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, r: usize, tmp: usize): i32 {
  let rn = magRem(a, an, b, bn, r, tmp);
  if (rn == 0) return 0;
  if (aneg == bneg) return pack(rn, bneg);
  // a - b*floor(a/b) = trunc remainder + b when the signs differ: |b| - |r|, sign of b.
  return pack(magSub(b, bn, r, rn, r), bneg);
}

// ---------------------------------------------------------------- bitwise

// Limb i of the two's-complement form of a negative magnitude is ~m[i] + c,
// with c the carry of "+1" (c starts at 1 and stays 1 while m's limbs are 0).
// Positive values extend with 0 limbs, negative ones with 0xFFFFFFFF.

// Converts the two's-complement result in out[0 .. n) (negative) back to a magnitude, in place.
function negateInPlace(out: usize, n: i32): i32 {
  let c: u32 = 1;
  for (let i = 0; i < n; i++) {
    let t = ~L(out, i) + c;
    c = (c != 0 && t == 0) ? 1 : 0;
    S(out, i, t);
  }
  return norm(out, n);
}

// op: 0 = and, 1 = xor.
function bitwise(op: i32, a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize): i32 {
  aneg = aneg && an != 0; bneg = bneg && bn != 0;
  let n = (an > bn ? an : bn) + 1;
  let ca: u32 = 1, cb: u32 = 1;
  for (let i = 0; i < n; i++) {
    let x: u32 = i < an ? L(a, i) : 0;
    let y: u32 = i < bn ? L(b, i) : 0;
    if (aneg) { x = ~x + ca; ca = (ca != 0 && x == 0) ? 1 : 0; }
    if (bneg) { y = ~y + cb; cb = (cb != 0 && y == 0) ? 1 : 0; }
    S(out, i, op == 0 ? x & y : x ^ y);
  }
  let neg = op == 0 ? (aneg && bneg) : (aneg != bneg);
  if (neg) return pack(negateInPlace(out, n), true);
  return pack(norm(out, n), false);
}

export function big_and(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize, tmp: usize): i32 {
  return bitwise(0, a, an, aneg, b, bn, bneg, out);
}

export function big_xor(a: usize, an: i32, aneg: bool, b: usize, bn: i32, bneg: bool, out: usize, tmp: usize): i32 {
  return bitwise(1, a, an, aneg, b, bn, bneg, out);
}

// ---------------------------------------------------------------- shifts

export function big_shl(a: usize, an: i32, aneg: bool, count: u32, out: usize): i32 {
  if (an == 0) return 0;
  let w = <i32>(count >> 5);
  let s = <i32>(count & 31);
  // Work from the top down so that out == a is safe.
  let n: i32;
  if (s == 0) {
    for (let i = an - 1; i >= 0; i--) S(out, i + w, L(a, i));
    n = an + w;
  } else {
    let rs = 32 - s;
    S(out, an + w, L(a, an - 1) >> rs);
    for (let i = an - 1; i > 0; i--) S(out, i + w, (L(a, i) << s) | (L(a, i - 1) >> rs));
    S(out, w, L(a, 0) << s);
    n = an + w + 1;
  }
  if (w > 0) memory.fill(out, 0, <usize>w << 2);
  return pack(norm(out, n), aneg);
}

export function big_shrFloor(a: usize, an: i32, aneg: bool, count: u32, out: usize): i32 {
  if (an == 0) return 0;
  aneg = aneg && an != 0;
  let w64 = <u64>(count >> 5);
  let s = <i32>(count & 31);
  if (w64 >= <u64>an) {
    if (!aneg) return 0;
    S(out, 0, 1);   // floor of a negative fraction in (-1, 0) is -1
    return pack(1, true);
  }
  let w = <i32>w64;
  // Were any 1 bits shifted out? (decides the rounding of negatives)
  let lost = false;
  if (aneg) {
    for (let i = 0; i < w; i++) if (L(a, i) != 0) { lost = true; break; }
    if (!lost && s != 0 && (L(a, w) << (32 - s)) != 0) lost = true;
  }
  // Bottom up so that out == a is safe.
  let n = an - w;
  if (s == 0) {
    for (let i = 0; i < n; i++) S(out, i, L(a, i + w));
  } else {
    let rs = 32 - s;
    for (let i = 0; i < n - 1; i++) S(out, i, (L(a, i + w) >> s) | (L(a, i + w + 1) << rs));
    S(out, n - 1, L(a, an - 1) >> s);
  }
  n = norm(out, n);
  if (lost) {
    // magnitude + 1; cannot outgrow an limbs since at least one bit was shifted out.
    let i = 0;
    while (i < n && L(out, i) == 0xFFFFFFFF) { S(out, i, 0); i++; }
    if (i == n) { S(out, n, 1); n++; } else S(out, i, L(out, i) + 1);
  }
  return pack(n, aneg);
}

// ---------------------------------------------------------------- conversions

export function big_fromI64(v: i64, out: usize): i32 {
  if (v == 0) return 0;
  let neg = v < 0;
  let m: u64 = neg ? <u64>(0 - v) : <u64>v;   // 0 - i64.MIN wraps to 2^63 as u64: correct
  S(out, 0, <u32>m);
  let hi = <u32>(m >> 32);
  if (hi != 0) { S(out, 1, hi); return pack(2, neg); }
  return pack(1, neg);
}

// Magnitude as u64 (an <= 2).
@inline function mag64(a: usize, an: i32): u64 {
  if (an == 0) return 0;
  if (an == 1) return <u64>L(a, 0);
  return (<u64>L(a, 1) << 32) | <u64>L(a, 0);
}

export function big_fitsI64(a: usize, an: i32, aneg: bool): bool {
  if (an > 2) return false;
  let m = mag64(a, an);
  return aneg ? m <= 0x8000000000000000 : m <= 0x7FFFFFFFFFFFFFFF;
}

export function big_toI64(a: usize, an: i32, aneg: bool): i64 {
  let m = mag64(a, an);
  return aneg ? <i64>(0 - m) : <i64>m;
}

export function big_low32(a: usize, an: i32, aneg: bool): u32 {
  if (an == 0) return 0;
  let x = L(a, 0);
  return aneg ? 0 - x : x;
}

export function big_toDouble(a: usize, an: i32, aneg: bool): f64 {
  if (an == 0) return 0.0;
  let r: f64;
  if (an <= 2) {
    r = <f64>mag64(a, an);                 // f64.convert_i64_u rounds half-even
  } else {
    // Top 64 bits (top bit set) plus a sticky bit for everything below; the
    // 11 bits below the 53-bit mantissa keep the sticky bit from affecting
    // anything but ties, so one correctly rounded u64 -> f64 conversion suffices.
    let lz = <i32>clz(L(a, an - 1));
    let bits = <i64>an * 32 - <i64>lz;     // bit length
    if (bits > 1024) return aneg ? -Infinity : Infinity;
    let hi = (<u64>L(a, an - 1) << 32) | <u64>L(a, an - 2);
    let lo = <u64>L(a, an - 3);
    let top: u64 = lz == 0 ? hi : (hi << lz) | (lo >> (32 - lz));
    let sticky = (lo << (32 + lz)) != 0;   // the bits of limb an-3 not taken (lz < 32)
    if (lz == 0) sticky = lo != 0;
    for (let i = an - 4; i >= 0 && !sticky; i--) if (L(a, i) != 0) sticky = true;
    if (sticky) top |= 1;
    let e = <i32>(bits - 64);              // 1 <= e <= 960
    r = <f64>top * reinterpret<f64>(<u64>(1023 + e) << 52);  // exact or overflows to Infinity
  }
  return aneg ? -r : r;
}

export function big_fromDouble(x: f64, out: usize): i32 {
  let bitsx = reinterpret<u64>(x);
  let neg = (bitsx >> 63) != 0;
  let be = <i32>((bitsx >> 52) & 0x7FF);
  let m = bitsx & 0xFFFFFFFFFFFFF;
  if (be == 0) {
    // zero or subnormal; integral only when zero
    return 0;
  }
  m |= 0x10000000000000;
  let e = be - 1075;                       // x = m * 2^e
  if (e <= 0) {
    if (e <= -53) return 0;               // |x| < 1 (not integral unless 0)
    m >>= <u64>(-e);
    S(out, 0, <u32>m);
    S(out, 1, <u32>(m >> 32));
    return pack(norm(out, 2), neg);
  }
  S(out, 0, <u32>m);
  S(out, 1, <u32>(m >> 32));
  return big_shl(out, norm(out, 2), neg, <u32>e, out);
}

// ------------------------------------------------------------ decimal text

export function big_decimalCap(an: i32): i32 {
  // 32*log10(2) = 9.6329598... digits per limb, plus sign and slack.
  return <i32>((<i64>an * 96330) / 10000) + 2;
}

export function big_fromDecimalCap(len: i32): i32 {
  // log2(10)/32 = 0.10381025... limbs per digit, plus slack.
  return <i32>((<i64>len * 10382) / 100000) + 2;
}

// In-place division of the magnitude at a (an limbs, an >= 1) by 10^36 as four
// chained divisions by 10^9 in one sweep: the second divides the first's quotient
// limbs as they are produced, and so on. The four remainder chains are independent,
// so the CPU overlaps their latencies (a single chain is latency bound).
// Remainders (least significant first) go to rem[0..3] (u32 each).
function divBillion4(a: usize, an: i32, rem: usize): void {
  const D: u64 = 1000000000;
  let r1: u64 = 0, r2: u64 = 0, r3: u64 = 0, r4: u64 = 0;
  for (let i = an - 1; i >= 0; i--) {
    let p = a + (<usize>i << 2);
    let c1 = (r1 << 32) | <u64>load<u32>(p);
    let q1 = c1 / D; r1 = c1 - q1 * D;
    let c2 = (r2 << 32) | q1;
    let q2 = c2 / D; r2 = c2 - q2 * D;
    let c3 = (r3 << 32) | q2;
    let q3 = c3 / D; r3 = c3 - q3 * D;
    let c4 = (r4 << 32) | q3;
    let q4 = c4 / D; r4 = c4 - q4 * D;
    store<u32>(p, <u32>q4);
  }
  store<u32>(rem, <u32>r1);
  store<u32>(rem + 4, <u32>r2);
  store<u32>(rem + 8, <u32>r3);
  store<u32>(rem + 12, <u32>r4);
}

// Writes v (< 10^9) as exactly 9 digits ending just before address end.
@inline function put9(end: usize, v: u32): void {
  for (let k = 1; k <= 9; k++) {
    store<u8>(end - k, <u8>(48 + v % 10));
    v /= 10;
  }
}

export function big_toDecimal(a: usize, an: i32, aneg: bool, out: usize, tmp: usize): i32 {
  if (an == 0) { store<u8>(out, 48); return 1; }
  // Digits are produced from the least significant end, 9 at a time, into the
  // tail of out; then moved to the front.
  let cap = <usize>big_decimalCap(an);
  let end = out + cap;
  let p = end;
  copyLimbs(tmp, a, an);
  let n = an;
  // 36 digits per sweep while the value is >= 2^128 > 10^36; the remainders
  // are parked in the 16 bytes just below p (still unwritten digit space:
  // they are exactly the bytes the next 36 digits overwrite, read first).
  while (n >= 5) {
    let rem = p - 36;
    divBillion4(tmp, n, rem);
    let r1 = load<u32>(rem), r2 = load<u32>(rem + 4), r3 = load<u32>(rem + 8), r4 = load<u32>(rem + 12);
    n = norm(tmp, n);
    put9(p, r1); put9(p - 9, r2); put9(p - 18, r3); put9(p - 27, r4);
    p -= 36;
  }
  while (n > 1 || (n == 1 && L(tmp, 0) >= 1000000000)) {
    let r = divSmall(tmp, n, 1000000000, tmp);
    n = norm(tmp, n);
    put9(p, r);
    p -= 9;
  }
  // Leading chunk without zero padding.
  // The loop leaves 1 <= value < 10^9 in tmp[0] (the quotient of a value
  // >= 10^9 is never 0).
  let v = L(tmp, 0);
  do { p--; store<u8>(p, <u8>(48 + v % 10)); v /= 10; } while (v != 0);
  let len = <i32>(end - p);
  let o = out;
  if (aneg) { store<u8>(o, 45); o++; }
  memory.copy(o, p, <usize>len);
  return len + (aneg ? 1 : 0);
}

export function big_fromDecimal(s: usize, len: i32, out: usize): i32 {
  let i = 0;
  let neg = false;
  if (len > 0 && load<u8>(s) == 45) { neg = true; i = 1; }
  if (i >= len) return -1;
  for (let k = i; k < len; k++) {
    let c = load<u8>(s + k);
    if (c < 48 || c > 57) return -1;
  }
  // Skip leading zeros (keeps the work proportional to the value).
  while (i < len - 1 && load<u8>(s + i) == 48) i++;
  let n = 0;
  // First chunk takes (len - i) % 9 digits (or 9), so later chunks are exactly 9.
  let first = (len - i) % 9;
  if (first == 0) first = 9;
  while (i < len) {
    let chunk: u32 = 0;
    let m: u32 = 1;
    for (let k = 0; k < first; k++) {
      chunk = chunk * 10 + <u32>(load<u8>(s + i + k) - 48);
      m *= 10;
    }
    i += first;
    first = 9;
    // out = out * m + chunk
    let carry = <u64>chunk;
    let mm = <u64>m;
    for (let k = 0; k < n; k++) {
      let t = <u64>L(out, k) * mm + carry;
      S(out, k, <u32>t);
      carry = t >> 32;
    }
    if (carry != 0) { S(out, n, <u32>carry); n++; }
  }
  return pack(n, neg);
}

export function big_sqrtDouble(a: usize, an: i32, aneg: bool): f64 {
  return Math.sqrt(big_toDouble(a, an, aneg));
}
