// Talc flash image format, boot record layout, error codes.
//
// Portable subset of AssemblyScript: compiled by `tsc` (host-tools/flash:
// pack, info, flash files) and by `asc` (vm-as/flash: the device's boot and
// update code).  Neither side re-types these numbers.  Any change to a layout
// below changes the on-flash format: bump FI_VERSION / BR_MAGIC.
// docs/IMAGE-FORMAT.md is the prose version of this file.
//
// All multi-byte fields are little-endian.
//
// ---- Flash image ("packed image", .tfi): header + payload ------------------
//
//   byte 0        4        6     7     8        10    11    12
//        +--------+--------+-----+-----+--------+-----+-----+
//        | "TFI1" | version|word |disp.| header |codec|flags|
//        | magic  |  u16   |bits | u8  | bytes  | u8  | u8  |
//        +--------+--------+-----+-----+--------+-----+-----+
//   12   | board id u32  (CRC-32 of the board name's ASCII bytes)     |
//   16   | board name, 16 bytes ASCII, NUL padded                     |
//   32   | payload bytes u32      (compressed length, after header)   |
//   36   | expanded bytes u32     (length of the plain VM image)      |
//   40   | CRC-32 of the payload u32                                  |
//   44   | heap bytes the image wants u32 (copied from the VM image)  |
//   48   | SHA-256 of the expanded image, 32 bytes                    |
//   80   | serial u32 (writer's counter, informational)               |
//   84   | reserved, 8 bytes, zero                                    |
//   92   | CRC-32 of header bytes 0..91 u32                           |
//   96   payload: raw DEFLATE stream (RFC 1951), `payload bytes` long
//
// The payload expands to the plain VM image (vm-as/layout.ts IH_*, "TALC").
export const FI_MAGIC: i32 = 0x31494654;   // "TFI1" read as u32 little-endian
export const FI_VERSION: i32 = 1;
export const FI_HEADER_BYTES: i32 = 96;
export const FI_MAGIC_OFF: i32 = 0;
export const FI_VERSION_OFF: i32 = 4;
export const FI_WORD_BITS_OFF: i32 = 6;
export const FI_DISPATCH_OFF: i32 = 7;
export const FI_HEADER_BYTES_OFF: i32 = 8;
export const FI_CODEC_OFF: i32 = 10;
export const FI_FLAGS_OFF: i32 = 11;
export const FI_BOARD_ID_OFF: i32 = 12;
export const FI_BOARD_NAME_OFF: i32 = 16;
export const FI_BOARD_NAME_BYTES: i32 = 16;
export const FI_PAYLOAD_BYTES_OFF: i32 = 32;
export const FI_EXPANDED_BYTES_OFF: i32 = 36;
export const FI_PAYLOAD_CRC_OFF: i32 = 40;
export const FI_HEAP_WANTED_OFF: i32 = 44;
export const FI_SHA256_OFF: i32 = 48;
export const FI_SERIAL_OFF: i32 = 80;
export const FI_HEADER_CRC_OFF: i32 = 92;

export const CODEC_DEFLATE: i32 = 1;       // raw DEFLATE (RFC 1951), no zlib/gzip wrapper
export const DISPATCH_SWITCH: i32 = 0;     // bytecode switch interpreter (32-bit images)
export const DISPATCH_COPYDOWN: i32 = 1;   // 16-bit copy-down dispatch (pending)
export const FI_FLAG_SNAPSHOT: i32 = 1;    // written by a running VM (flash_snapshot)

// Largest image the format accepts (sanity bound for a lying header).
export const FI_MAX_EXPANDED: i32 = 0x10000000; // 256 MiB

// ---- Boot record: a journal of 32-byte records in two erase sectors --------
//
//   byte 0        4        8      9      10       11       12         28
//        +--------+--------+------+------+--------+--------+----------+--------+
//        | "TBR1" |  seq   |active|state |attempts|fallback| reserved | CRC-32 |
//        | magic  |  u32   | slot |  u8  |   u8   |  slot  | 16 bytes | of 0..27|
//        +--------+--------+------+------+--------+--------+----------+--------+
//
// Records are appended into erased (0xFF) record places of the current
// sector; when it is full the other sector is erased and the journal goes on
// there.  The valid record (magic + CRC) with the highest seq is the state.
// A cut while programming leaves a record that fails its CRC (ignored); a cut
// while erasing the other sector leaves the newest record in place.
export const BR_MAGIC: i32 = 0x31524254;   // "TBR1"
export const BR_BYTES: i32 = 32;
export const BR_SECTORS: i32 = 2;
export const BR_MAGIC_OFF: i32 = 0;
export const BR_SEQ_OFF: i32 = 4;
export const BR_ACTIVE_OFF: i32 = 8;
export const BR_STATE_OFF: i32 = 9;
export const BR_ATTEMPTS_OFF: i32 = 10;
export const BR_FALLBACK_OFF: i32 = 11;
export const BR_CRC_OFF: i32 = 28;

export const BS_CONFIRMED: i32 = 1;  // active slot booted and was confirmed
export const BS_TRIAL: i32 = 2;      // active slot is new: `attempts` boots started, not confirmed
export const NO_SLOT: i32 = 0xff;    // fallback when there is none
export const SLOT_COUNT: i32 = 2;
export const DEFAULT_MAX_ATTEMPTS: i32 = 3;

// ---- Device RAM used by vm-as/flash (static memory, besides the output) ----
export const FL_READ_BUF: i32 = 512;     // flash read buffer (inflate input, CRC checks)
export const FL_PAGE_BUF: i32 = 256;     // program page buffer (updates)
export const FL_TEXT_BUF: i32 = 256;     // error text
// Static RAM of the boot path (verify + inflate + SHA-256), exact, in bytes:
//   inflate 2139 (read buffer 512, Huffman tables 1372, constant tables 255)
//   SHA-256 608, CRC-32 table 1024, slot header 96, digest 32,
//   boot record 32, error text 256.
// The expanded image itself is the only other memory: the output buffer is
// the DEFLATE window.  vm-as/flash/api.ts flash_decoderRamBytes() computes
// the same sum from the buffers' own sizes (a test compares them).
export const FL_DECODER_RAM_BYTES: i32 = 2139 + 608 + 1024 + 96 + 32 + 32 + 256;

// ---- Error codes (negative answers of the flash_* exports) -----------------
export const FE_NO_IMAGE: i32 = -1;
export const FE_TRUNCATED: i32 = -2;
export const FE_MAGIC: i32 = -3;
export const FE_HEADER_CRC: i32 = -4;
export const FE_VERSION: i32 = -5;
export const FE_WORD_BITS: i32 = -6;
export const FE_BOARD: i32 = -7;
export const FE_CODEC: i32 = -8;
export const FE_SIZES: i32 = -9;
export const FE_PAYLOAD_CRC: i32 = -10;
export const FE_INFLATE: i32 = -11;
export const FE_EXPANDED_SIZE: i32 = -12;
export const FE_SHA256: i32 = -13;
export const FE_INNER: i32 = -14;
export const FE_NO_ROOM: i32 = -15;
export const FE_SLOT_FULL: i32 = -16;
export const FE_STATE: i32 = -17;
export const FE_GEOMETRY: i32 = -18;
export const FE_DISPATCH: i32 = -19;
export const FE_IO: i32 = -20;
export const FE_LAST: i32 = -20;

// The fixed first part of every refusal; details (slot, expected/found
// values) follow after ": ".
export function flashErrorMessage(code: i32): string {
  switch (code) {
    case FE_NO_IMAGE: return "no bootable image in any slot";
    case FE_TRUNCATED: return "image truncated";
    case FE_MAGIC: return "not a Talc flash image (bad magic)";
    case FE_HEADER_CRC: return "image header corrupt (header CRC-32 mismatch)";
    case FE_VERSION: return "unsupported flash image format version";
    case FE_WORD_BITS: return "image word size does not match this VM";
    case FE_BOARD: return "image was packed for another board";
    case FE_CODEC: return "unknown payload codec";
    case FE_SIZES: return "image header sizes are inconsistent";
    case FE_PAYLOAD_CRC: return "payload corrupt (CRC-32 mismatch)";
    case FE_INFLATE: return "compressed payload is corrupt";
    case FE_EXPANDED_SIZE: return "expanded size differs from the header";
    case FE_SHA256: return "expanded image corrupt (SHA-256 mismatch)";
    case FE_INNER: return "payload is not a Talc VM image";
    case FE_NO_ROOM: return "not enough RAM for the expanded image";
    case FE_SLOT_FULL: return "image does not fit in the slot";
    case FE_STATE: return "flash update protocol violated";
    case FE_GEOMETRY: return "flash geometry not set up or invalid";
    case FE_DISPATCH: return "unsupported dispatch technique";
    case FE_IO: return "flash operation failed";
  }
  return "unknown flash error";
}
