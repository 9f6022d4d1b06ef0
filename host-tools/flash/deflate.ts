// An optimising raw-DEFLATE encoder (RFC 1951) for flash images: images are
// packed once on the host and expanded on every boot, so the packer may
// spend time to save flash.  Zopfli's ideas, simplified:
//
//   1. match finding: hash chains over the whole input (window 32 KiB); for
//      every position the shortest distance for every match length, kept as
//      a step function [(maxLen, dist), ...] (distances grow with length);
//   2. optimal parsing: shortest path over byte positions, symbol costs in
//      bits from the previous parse's statistics (entropy), iterated;
//   3. block splitting: a block boundary where the dynamic-Huffman cost of
//      the two halves is lower than of the whole, recursively;
//   4. per block: re-parse with the block's own statistics, emit a dynamic
//      block with length-limited codes (package-merge), or a fixed block if
//      that is smaller.
//
// The output is ordinary DEFLATE: vm-as/flash/inflate.ts, zlib and fflate
// read it.  The caller (format.ts) checks the round trip anyway.

const MIN_MATCH = 3;
const MAX_MATCH = 258;
const WINDOW = 32768;
const MAX_CHAIN = 2048;

// ---- symbol tables -------------------------------------------------------------
const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** length → index into LBASE (symbol - 257) */
const LEN_CODE = new Uint8Array(MAX_MATCH + 1);
for (let c = 0; c < 29; c++) {
  const top = c === 28 ? 258 : LBASE[c] + (1 << LEXT[c]) - 1;
  for (let l = LBASE[c]; l <= top && l <= MAX_MATCH; l++) LEN_CODE[l] = c;
}
LEN_CODE[258] = 28;
/** distance → distance code */
const DIST_CODE = new Uint8Array(WINDOW + 1);
for (let c = 0; c < 30; c++) {
  for (let d = DBASE[c]; d < DBASE[c] + (1 << DEXT[c]) && d <= WINDOW; d++) DIST_CODE[d] = c;
}

// ---- match finding ---------------------------------------------------------
/** Per position: flat list of (maxLen, dist) steps; offsets into it. */
interface Matches { start: Int32Array; len: Uint16Array; dist: Uint16Array }

function findMatches(data: Uint8Array): Matches {
  const n = data.length;
  const HBITS = 15;
  const head = new Int32Array(1 << HBITS).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const start = new Int32Array(n + 1);
  let cap = Math.max(1024, n * 2);
  let lens = new Uint16Array(cap);
  let dists = new Uint16Array(cap);
  let k = 0;
  const hash = (i: number): number => ((data[i] << 10) ^ (data[i + 1] << 5) ^ data[i + 2]) & ((1 << HBITS) - 1);
  for (let i = 0; i < n; i++) {
    start[i] = k;
    if (i + MIN_MATCH > n) continue;
    const h = hash(i);
    let p = head[h];
    prev[i] = p;
    head[h] = i;
    const maxLen = Math.min(MAX_MATCH, n - i);
    let best = MIN_MATCH - 1;
    let chain = 0;
    while (p >= 0 && i - p <= WINDOW && chain < MAX_CHAIN) {
      chain++;
      if (data[p + best] === data[i + best]) {
        let l = 0;
        while (l < maxLen && data[p + l] === data[i + l]) l++;
        if (l > best) {
          if (k + 1 >= cap) {
            cap *= 2;
            const nl = new Uint16Array(cap); nl.set(lens); lens = nl;
            const nd = new Uint16Array(cap); nd.set(dists); dists = nd;
          }
          lens[k] = l;
          dists[k] = i - p;
          k++;
          best = l;
          if (l === maxLen) break;
        }
      }
      p = prev[p];
    }
  }
  start[n] = k;
  return { start, len: lens, dist: dists };
}

// ---- costs and statistics ----------------------------------------------------
interface Stats { lit: Float64Array; dist: Float64Array }

function newStats(): Stats {
  return { lit: new Float64Array(286), dist: new Float64Array(30) };
}

/** Symbol costs (bits) from frequencies: -log2(p); unseen symbols a bit dearer than the rarest. */
function costsFrom(freq: Float64Array): Float64Array {
  let total = 0;
  for (const f of freq) total += f;
  const c = new Float64Array(freq.length);
  const lt = Math.log2(Math.max(total, 1));
  for (let i = 0; i < freq.length; i++) c[i] = freq[i] > 0 ? lt - Math.log2(freq[i]) : lt + 1;
  return c;
}

/** LZ77 stream: lit/len symbols with values; dist 0 = literal. */
interface Lz { litlen: Uint16Array; dist: Uint16Array; n: number; /** byte position of each item */ pos: Int32Array }

function parse(data: Uint8Array, m: Matches, from: number, to: number, st: Stats | null): Lz {
  const n = to - from;
  const cost = new Float64Array(n + 1).fill(Infinity);
  const choiceLen = new Uint16Array(n + 1);
  const choiceDist = new Uint16Array(n + 1);
  cost[0] = 0;
  let litCost: Float64Array, lenSymCost: Float64Array, distSymCost: Float64Array;
  if (st === null) {
    // fixed-Huffman-like starting model
    litCost = new Float64Array(286).fill(8);
    for (let s = 144; s < 256; s++) litCost[s] = 9;
    lenSymCost = new Float64Array(29).fill(7.5);
    distSymCost = new Float64Array(30).fill(5);
  } else {
    litCost = costsFrom(st.lit);
    distSymCost = costsFrom(st.dist);
    lenSymCost = litCost.subarray(257, 286);
  }
  const lenCost = new Float64Array(MAX_MATCH + 1);
  for (let l = MIN_MATCH; l <= MAX_MATCH; l++) lenCost[l] = lenSymCost[LEN_CODE[l]] + LEXT[LEN_CODE[l]];
  for (let i = 0; i < n; i++) {
    const ci = cost[i];
    if (ci === Infinity) continue;
    const at = from + i;
    const lc = ci + litCost[data[at]];
    if (lc < cost[i + 1]) { cost[i + 1] = lc; choiceLen[i + 1] = 1; choiceDist[i + 1] = 0; }
    let lo = MIN_MATCH;
    const limit = n - i;
    for (let s = m.start[at]; s < m.start[at + 1]; s++) {
      const d = m.dist[s];
      const dc = DIST_CODE[d];
      const dcost = ci + distSymCost[dc] + DEXT[dc];
      const hi = Math.min(m.len[s], limit);
      for (let l = lo; l <= hi; l++) {
        const c = dcost + lenCost[l];
        if (c < cost[i + l]) { cost[i + l] = c; choiceLen[i + l] = l; choiceDist[i + l] = d; }
      }
      lo = Math.max(lo, m.len[s] + 1);
    }
  }
  // backtrack
  let count = 0;
  for (let j = n; j > 0; j -= choiceLen[j]) count++;
  const litlen = new Uint16Array(count);
  const dist = new Uint16Array(count);
  const pos = new Int32Array(count);
  let idx = count;
  for (let j = n; j > 0; j -= choiceLen[j]) {
    idx--;
    const l = choiceLen[j];
    if (choiceDist[j] === 0) { litlen[idx] = data[from + j - 1]; dist[idx] = 0; pos[idx] = from + j - 1; }
    else { litlen[idx] = l; dist[idx] = choiceDist[j]; pos[idx] = from + j - l; }
  }
  return { litlen, dist, n: count, pos };
}

function statsOf(lz: Lz, a: number, b: number): Stats {
  const st = newStats();
  for (let i = a; i < b; i++) {
    if (lz.dist[i] === 0) st.lit[lz.litlen[i]]++;
    else { st.lit[257 + LEN_CODE[lz.litlen[i]]]++; st.dist[DIST_CODE[lz.dist[i]]]++; }
  }
  st.lit[256]++;
  return st;
}

// ---- Huffman code lengths (package-merge) -----------------------------------------
function limitedLengths(freq: ArrayLike<number>, maxBits: number): Uint8Array {
  const n = freq.length;
  const out = new Uint8Array(n);
  const syms: number[] = [];
  for (let i = 0; i < n; i++) if (freq[i] > 0) syms.push(i);
  if (syms.length === 0) return out;
  if (syms.length === 1) { out[syms[0]] = 1; return out; }
  syms.sort((a, b) => freq[a] - freq[b] || a - b);
  type Item = { w: number; s: number[] };
  const leaves: Item[] = syms.map((s) => ({ w: freq[s], s: [s] }));
  let cur: Item[] = leaves;
  for (let level = 1; level < maxBits; level++) {
    const packaged: Item[] = [];
    for (let i = 0; i + 1 < cur.length; i += 2) packaged.push({ w: cur[i].w + cur[i + 1].w, s: cur[i].s.concat(cur[i + 1].s) });
    const merged: Item[] = [];
    let a = 0, b = 0;
    while (a < leaves.length || b < packaged.length) {
      if (b >= packaged.length || (a < leaves.length && leaves[a].w <= packaged[b].w)) merged.push(leaves[a++]);
      else merged.push(packaged[b++]);
    }
    cur = merged;
  }
  const take = 2 * syms.length - 2;
  for (let i = 0; i < take; i++) for (const s of cur[i].s) out[s]++;
  return out;
}

/** Canonical codes (bit-reversed for LSB-first output) from lengths. */
function codesFrom(lengths: Uint8Array): Uint16Array {
  const blCount = new Uint16Array(16);
  for (const l of lengths) if (l) blCount[l]++;
  const next = new Uint16Array(16);
  let code = 0;
  for (let b = 1; b < 16; b++) { code = (code + blCount[b - 1]) << 1; next[b] = code; }
  const out = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (!l) continue;
    let c = next[l]++;
    let r = 0;
    for (let i = 0; i < l; i++) { r = (r << 1) | (c & 1); c >>= 1; }
    out[s] = r;
  }
  return out;
}

// ---- bit output --------------------------------------------------------------
class BitWriter {
  buf = new Uint8Array(1 << 16);
  n = 0;
  private acc = 0;
  private cnt = 0;
  bits(v: number, count: number): void {
    this.acc |= v << this.cnt;
    this.cnt += count;
    while (this.cnt >= 8) {
      if (this.n === this.buf.length) { const b = new Uint8Array(this.buf.length * 2); b.set(this.buf); this.buf = b; }
      this.buf[this.n++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.cnt -= 8;
    }
  }
  /** Bits written so far. */
  get position(): number { return this.n * 8 + this.cnt; }
  align(): void { if (this.cnt > 0) this.bits(0, 8 - this.cnt); }
  finish(): Uint8Array {
    if (this.cnt > 0) this.bits(0, 8 - this.cnt);
    return this.buf.slice(0, this.n);
  }
}

// ---- block encoding ----------------------------------------------------------
interface BlockCode { litLen: Uint8Array; distLen: Uint8Array; header: number[]; headerBits: number }

/** Code lengths + header (RLE'd code lengths) for a dynamic block with these stats. */
function dynamicCode(st: Stats): BlockCode {
  const lf = Array.from(st.lit);
  const df = Array.from(st.dist);
  // at least two distance codes (as zlib does): every decoder accepts that
  let used = df.filter((f) => f > 0).length;
  for (let i = 0; used < 2; i++) if (df[i] === 0) { df[i] = 1; used++; }
  const litLen = limitedLengths(lf, 15);
  const distLen = limitedLengths(df, 15);
  let hlit = 286; while (hlit > 257 && litLen[hlit - 1] === 0) hlit--;
  let hdist = 30; while (hdist > 1 && distLen[hdist - 1] === 0) hdist--;
  const all = [...litLen.subarray(0, hlit), ...distLen.subarray(0, hdist)];
  // RLE: items are [symbol, extraValue, extraBits]
  const rle: number[][] = [];
  for (let i = 0; i < all.length;) {
    const v = all[i];
    let run = 1;
    while (i + run < all.length && all[i + run] === v) run++;
    let left = run;
    if (v === 0) {
      while (left >= 11) { const r = Math.min(left, 138); rle.push([18, r - 11, 7]); left -= r; }
      if (left >= 3) { rle.push([17, left - 3, 3]); left = 0; }
      while (left > 0) { rle.push([0, 0, 0]); left--; }
    } else {
      rle.push([v, 0, 0]); left--;
      while (left >= 3) { const r = Math.min(left, 6); rle.push([16, r - 3, 2]); left -= r; }
      while (left > 0) { rle.push([v, 0, 0]); left--; }
    }
    i += run;
  }
  const clf = new Array(19).fill(0);
  for (const [s] of rle) clf[s]++;
  // a code-length code must be complete: at least two symbols
  let clUsed = clf.filter((f) => f > 0).length;
  for (let i = 0; clUsed < 2; i++) if (clf[i] === 0) { clf[i] = 1; clUsed++; }
  const clLen = limitedLengths(clf, 7);
  let hclen = 19; while (hclen > 4 && clLen[CL_ORDER[hclen - 1]] === 0) hclen--;
  const clCodes = codesFrom(clLen);
  // header as a list of (value, bits)
  const header: number[] = [hlit - 257, 5, hdist - 1, 5, hclen - 4, 4];
  for (let i = 0; i < hclen; i++) header.push(clLen[CL_ORDER[i]], 3);
  for (const [s, ev, eb] of rle) { header.push(clCodes[s], clLen[s]); if (eb) header.push(ev, eb); }
  let headerBits = 0;
  for (let i = 1; i < header.length; i += 2) headerBits += header[i];
  return { litLen, distLen, header, headerBits };
}

const FIXED_LIT = new Uint8Array(288).map((_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8));
const FIXED_DIST = new Uint8Array(30).fill(5);

function dataBits(st: Stats, litLen: Uint8Array, distLen: Uint8Array): number {
  let bits = 0;
  for (let s = 0; s < 286; s++) if (st.lit[s]) bits += st.lit[s] * (litLen[s] + (s >= 257 ? LEXT[s - 257] : 0));
  for (let d = 0; d < 30; d++) if (st.dist[d]) bits += st.dist[d] * (distLen[d] + DEXT[d]);
  return bits;
}

/** Bits to code items [a, b) of `lz` as one block (the cheaper of dynamic and fixed). */
function blockBits(lz: Lz, a: number, b: number): number {
  const st = statsOf(lz, a, b);
  const dyn = dynamicCode(st);
  return 3 + Math.min(dyn.headerBits + dataBits(st, dyn.litLen, dyn.distLen), dataBits(st, FIXED_LIT, FIXED_DIST));
}

/** Stored blocks for data[from, to): each at most 65535 bytes. */
function writeStored(w: BitWriter, data: Uint8Array, from: number, to: number, last: boolean): void {
  let p = from;
  do {
    const n = Math.min(65535, to - p);
    const fin = last && p + n === to;
    w.bits(fin ? 1 : 0, 1);
    w.bits(0, 2);
    w.align();
    w.bits(n & 0xffff, 16);
    w.bits(~n & 0xffff, 16);
    for (let i = 0; i < n; i++) w.bits(data[p + i], 8);
    p += n;
  } while (p < to);
}

function writeBlock(w: BitWriter, lz: Lz, a: number, b: number, last: boolean, data: Uint8Array, from: number, to: number): void {
  const st = statsOf(lz, a, b);
  const dyn = dynamicCode(st);
  const fixedBits = dataBits(st, FIXED_LIT, FIXED_DIST);
  const dynBits = dyn.headerBits + dataBits(st, dyn.litLen, dyn.distLen);
  const storedBits = 8 + 40 * Math.ceil(Math.max(1, to - from) / 65535) + 8 * (to - from);
  if (storedBits < Math.min(fixedBits, dynBits)) { writeStored(w, data, from, to, last); return; }
  const useFixed = fixedBits <= dynBits;
  w.bits(last ? 1 : 0, 1);
  let litLen: Uint8Array, distLen: Uint8Array;
  if (useFixed) {
    w.bits(1, 2);
    litLen = FIXED_LIT; distLen = FIXED_DIST;
  } else {
    w.bits(2, 2);
    for (let i = 0; i < dyn.header.length; i += 2) w.bits(dyn.header[i], dyn.header[i + 1]);
    litLen = dyn.litLen; distLen = dyn.distLen;
  }
  const lc = codesFrom(litLen);
  const dc = codesFrom(distLen);
  for (let i = a; i < b; i++) {
    const d = lz.dist[i];
    if (d === 0) { const s = lz.litlen[i]; w.bits(lc[s], litLen[s]); continue; }
    const l = lz.litlen[i];
    const c = LEN_CODE[l];
    w.bits(lc[257 + c], litLen[257 + c]);
    if (LEXT[c]) w.bits(l - LBASE[c], LEXT[c]);
    const dcode = DIST_CODE[d];
    w.bits(dc[dcode], distLen[dcode]);
    if (DEXT[dcode]) w.bits(d - DBASE[dcode], DEXT[dcode]);
  }
  w.bits(lc[256], litLen[256]);
}

/** Split points (item indices) of `lz`, recursively where splitting saves bits. */
function splitPoints(lz: Lz, a: number, b: number, depth: number, out: number[]): void {
  if (depth > 5 || b - a < 2000) return;
  const whole = blockBits(lz, a, b);
  let best = -1;
  let bestBits = whole;
  const tries = 24;
  for (let t = 1; t < tries; t++) {
    const s = a + Math.floor(((b - a) * t) / tries);
    const c = blockBits(lz, a, s) + blockBits(lz, s, b);
    if (c < bestBits) { bestBits = c; best = s; }
  }
  if (best < 0 || whole - bestBits < 200) return;
  // refine around the best sample
  let step = Math.floor((b - a) / tries / 2);
  while (step >= 64) {
    for (const s of [best - step, best + step]) {
      if (s <= a || s >= b) continue;
      const c = blockBits(lz, a, s) + blockBits(lz, s, b);
      if (c < bestBits) { bestBits = c; best = s; }
    }
    step >>= 1;
  }
  splitPoints(lz, a, best, depth + 1, out);
  out.push(best);
  splitPoints(lz, best, b, depth + 1, out);
}

export interface OptimalOptions { iterations?: number }

/** Raw DEFLATE of `data`, optimised for size. */
export function deflateOptimal(data: Uint8Array, o: OptimalOptions = {}): Uint8Array {
  const w = new BitWriter();
  if (data.length === 0) {
    w.bits(1, 1); w.bits(1, 2); w.bits(0, 7); // final fixed block, end-of-block (code 0000000)
    return w.finish();
  }
  const iterations = o.iterations ?? 6;
  const m = findMatches(data);
  // global parse, iterated on its own statistics
  let lz = parse(data, m, 0, data.length, null);
  for (let it = 0; it < iterations; it++) lz = parse(data, m, 0, data.length, statsOf(lz, 0, lz.n));
  const cuts: number[] = [];
  splitPoints(lz, 0, lz.n, 0, cuts);
  const bounds = [0, ...cuts.map((c) => lz.pos[c]), data.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k], to = bounds[k + 1];
    // re-parse the block with its own statistics; keep the cheapest
    const ia = cuts.length === 0 ? 0 : k === 0 ? 0 : cuts[k - 1];
    const ib = k === cuts.length ? lz.n : cuts[k];
    let blk: Lz = { litlen: lz.litlen.subarray(ia, ib), dist: lz.dist.subarray(ia, ib), n: ib - ia, pos: lz.pos.subarray(ia, ib) };
    let bits = blockBits(blk, 0, blk.n);
    for (let it = 0; it < iterations; it++) {
      const next = parse(data, m, from, to, statsOf(blk, 0, blk.n));
      const nb = blockBits(next, 0, next.n);
      if (nb >= bits) break;
      blk = next; bits = nb;
    }
    writeBlock(w, blk, 0, blk.n, k + 2 === bounds.length, data, from, to);
  }
  return w.finish();
}
