// SHA-256 (FIPS 180-4) over bytes in linear memory: the identity of an
// expanded image.  Static RAM: round constants 256 B, message schedule 256 B,
// state 32 B, block buffer 64 B.
//
// Usage: sha256_begin(); sha256_update(ptr, len) ...; sha256_end(out32).

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W: usize = memory.data(256, 4);     // message schedule, 64 u32
const H: usize = memory.data(32, 4);      // state, 8 u32
const BLOCK: usize = memory.data(64, 4);  // partial block
let blockFill: u32 = 0;
let totalBytes: u64 = 0;

export const SHA256_RAM_BYTES: i32 = 256 + 256 + 32 + 64;

export function sha256_begin(): void {
  store<u32>(H, 0x6a09e667); store<u32>(H + 4, 0xbb67ae85);
  store<u32>(H + 8, 0x3c6ef372); store<u32>(H + 12, 0xa54ff53a);
  store<u32>(H + 16, 0x510e527f); store<u32>(H + 20, 0x9b05688c);
  store<u32>(H + 24, 0x1f83d9ab); store<u32>(H + 28, 0x5be0cd19);
  blockFill = 0;
  totalBytes = 0;
}

// Compress one 64-byte block at p (big-endian words).
function sha256_block(p: usize): void {
  for (let i: usize = 0; i < 16; i++) store<u32>(W + (i << 2), bswap<u32>(load<u32>(p + (i << 2))));
  for (let i: usize = 16; i < 64; i++) {
    const w15 = load<u32>(W + ((i - 15) << 2));
    const w2 = load<u32>(W + ((i - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (i << 2), load<u32>(W + ((i - 16) << 2)) + s0 + load<u32>(W + ((i - 7) << 2)) + s1);
  }
  let a = load<u32>(H), b = load<u32>(H + 4), c = load<u32>(H + 8), d = load<u32>(H + 12);
  let e = load<u32>(H + 16), f = load<u32>(H + 20), g = load<u32>(H + 24), h = load<u32>(H + 28);
  for (let i: usize = 0; i < 64; i++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u32>(K + (i << 2)) + load<u32>(W + (i << 2));
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(H, load<u32>(H) + a); store<u32>(H + 4, load<u32>(H + 4) + b);
  store<u32>(H + 8, load<u32>(H + 8) + c); store<u32>(H + 12, load<u32>(H + 12) + d);
  store<u32>(H + 16, load<u32>(H + 16) + e); store<u32>(H + 20, load<u32>(H + 20) + f);
  store<u32>(H + 24, load<u32>(H + 24) + g); store<u32>(H + 28, load<u32>(H + 28) + h);
}

export function sha256_update(ptr: usize, len: u32): void {
  totalBytes += <u64>len;
  let p = ptr;
  let n = len;
  if (blockFill > 0) {
    while (n > 0 && blockFill < 64) { store<u8>(BLOCK + blockFill, load<u8>(p)); blockFill++; p++; n--; }
    if (blockFill < 64) return;
    sha256_block(BLOCK);
    blockFill = 0;
  }
  while (n >= 64) { sha256_block(p); p += 64; n -= 64; }
  while (n > 0) { store<u8>(BLOCK + blockFill, load<u8>(p)); blockFill++; p++; n--; }
}

// Writes the 32-byte digest at out.
export function sha256_end(out: usize): void {
  const bits = totalBytes << 3;
  store<u8>(BLOCK + blockFill, 0x80);
  blockFill++;
  if (blockFill > 56) {
    while (blockFill < 64) { store<u8>(BLOCK + blockFill, 0); blockFill++; }
    sha256_block(BLOCK);
    blockFill = 0;
  }
  while (blockFill < 56) { store<u8>(BLOCK + blockFill, 0); blockFill++; }
  store<u32>(BLOCK + 56, bswap<u32>(<u32>(bits >>> 32)));
  store<u32>(BLOCK + 60, bswap<u32>(<u32>bits));
  sha256_block(BLOCK);
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(H + (i << 2))));
  blockFill = 0;
}
