// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of
// flash image headers, payloads and boot records.  Same function as zlib's
// crc32 / gzip.  Static RAM: the 256-entry table, 1024 bytes.
//
// Usage: c = crc32_begin(); c = crc32_update(c, ptr, len) ...; crc32_end(c).

const CRC_TABLE: usize = memory.data(1024, 4);
let crcReady: bool = false;

function crc32_fillTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) ? (0xedb88320 ^ (c >>> 1)) : (c >>> 1);
    store<u32>(CRC_TABLE + (n << 2), c);
  }
  crcReady = true;
}

export function crc32_begin(): u32 {
  if (!crcReady) crc32_fillTable();
  return 0xffffffff;
}

export function crc32_update(crc: u32, ptr: usize, len: u32): u32 {
  let c = crc;
  const end = ptr + <usize>len;
  for (let p = ptr; p < end; p++) {
    c = load<u32>(CRC_TABLE + (((c ^ <u32>load<u8>(p)) & 0xff) << 2)) ^ (c >>> 8);
  }
  return c;
}

export function crc32_end(crc: u32): u32 {
  return crc ^ 0xffffffff;
}

// CRC-32 of one buffer.
export function crc32_of(ptr: usize, len: u32): u32 {
  return crc32_end(crc32_update(crc32_begin(), ptr, len));
}
