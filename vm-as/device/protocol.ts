// Talc device protocol: framing, message types, error codes.
//
// Portable subset of AssemblyScript: compiled by both `tsc` (host tools:
// host-tools/serial) and `asc` (the device engine, vm-as/device/engine.ts).
// docs/PROTOCOL.md is the prose version of this file; any change to the
// encoding here bumps PROTO_VERSION.
//
// ---- Wire ------------------------------------------------------------------
//
//   ... 00 | COBS(frame) | 00 | COBS(frame) | 00 ...
//
// Every frame is COBS-encoded (no 0x00 inside) and ends with one 0x00
// delimiter.  A sender may emit extra 0x00 bytes (empty frames are ignored),
// so a host starts with a 0x00 to end whatever garbage the device has seen.
//
// ---- Frame (after COBS decoding, little-endian) ----------------------------
//
//   0      1      2             4                    4+n          8+n
//  +------+------+-------------+---- ... -----------+------------+
//  | ver  | type | seq (u16)   | payload (n bytes)  | CRC-32     |
//  +------+------+-------------+---- ... -----------+------------+
//                                                     over bytes 0 .. 4+n
//
//  ver   PROTO_VERSION; a frame of another version is answered with
//        ERR_VERSION (payload names the device's version) and not executed.
//  type  request (0x01-0x3f, host -> device), its answer (type | T_REPLY),
//        T_ERROR, or an event (0x60-0x7f, device -> host, unsolicited).
//  seq   chosen by the host; the device echoes it in the answer.  Events
//        carry SEQ_NONE, as do errors for frames whose seq is unknown.
//  n     0 .. MAX_PAYLOAD.  CRC-32 is the IEEE/zlib one (reflected 0xEDB88320,
//        init and final xor 0xFFFFFFFF).
//
// Invariants of the device side: a frame is executed only if its length,
// CRC, version, type and payload length all check; a frame longer than
// MAX_FRAME is dropped whole (answered ERR_TOO_LONG) without being stored;
// erase and write touch only the inactive slot.

export const PROTO_VERSION: i32 = 1;

export const FRAME_HEADER: i32 = 4;     // ver, type, seq
export const FRAME_CRC: i32 = 4;
export const WRITE_CHUNK: i32 = 1024;   // data bytes per WRITE / READ
export const MAX_PAYLOAD: i32 = 1040;   // WRITE: 4 offset + 1024 data, plus slack
export const MAX_FRAME: i32 = FRAME_HEADER + MAX_PAYLOAD + FRAME_CRC; // decoded bytes
// COBS adds at most one byte per 254 bytes plus one, then the delimiter.
// (`| 0`: integer division in both tsc and asc.)
export function cobsMaxEncoded(n: i32): i32 { return n + ((n / 254) | 0) + 2; }
export const MAX_WIRE: i32 = MAX_FRAME + ((MAX_FRAME / 254) | 0) + 2;

export const SEQ_NONE: i32 = 0xffff;
export const T_REPLY: i32 = 0x80;

// ---- Requests (host -> device) ---------------------------------------------
// payload in [brackets]; the reply (type | T_REPLY) payload after "->".
export const T_HELLO: i32 = 0x01;      // [u8 host version] -> INFO (below)
export const T_ERASE: i32 = 0x02;      // [u32 offset, u32 length] sector-aligned, inactive slot -> []
export const T_WRITE: i32 = 0x03;      // [u32 offset, data 1..WRITE_CHUNK] inactive slot, idempotent -> [u32 offset]
export const T_READ: i32 = 0x04;       // [u32 offset, u16 length <= WRITE_CHUNK] -> [u32 offset, data]
export const T_HASH: i32 = 0x05;       // [u8 algo, u32 offset, u32 length] -> [u8 algo, digest]
export const T_SUMS: i32 = 0x06;       // [u32 offset, u32 block, u16 count <= MAX_SUMS] -> [u32 CRC-32]*count
export const T_SET_ACTIVE: i32 = 0x07; // [u8 slot] verify the slot's image, make it the trial boot -> []
export const T_BOOT: i32 = 0x08;       // [] start the active image (after RESET_HOLD) -> []
export const T_RESET: i32 = 0x09;      // [u8 mode] -> [] then the board resets and announces itself
export const T_CONSOLE_IN: i32 = 0x0a; // [bytes] program input -> [u16 accepted]
export const T_EVAL: i32 = 0x0b;       // [class file of the DoIt class] -> [u8 status, UTF-8 text] (sent when done)
export const T_LAST_REQUEST: i32 = 0x0b;

export const T_ERROR: i32 = 0x7f;      // [u8 code, u8 request type, UTF-8 text]

// ---- Events (device -> host, seq = SEQ_NONE) -------------------------------
export const T_EV_ANNOUNCE: i32 = 0x60; // INFO, sent after every reset/boot attempt
export const T_EV_CONSOLE: i32 = 0x61;  // [u8 fd (1 out, 2 err), bytes]
export const T_EV_EXIT: i32 = 0x62;     // [i32 exit status] the program finished

export const RESET_RUN: i32 = 0;   // reset and boot the active image
export const RESET_HOLD: i32 = 1;  // reset, verify, but do not start the program (BOOT starts it)

export const HASH_CRC32: i32 = 0;
export const HASH_SHA256: i32 = 1;
export const MAX_SUMS: i32 = 256;  // 4 * 256 = 1024 reply bytes

export const EVAL_OK: i32 = 0;     // text = printString of the value
export const EVAL_ERROR: i32 = 1;  // text = the error message

// ---- INFO payload (HELLO reply, ANNOUNCE event) ----------------------------
//
//   0  u8  protocol version        20 u32 slot size
//   1  u8  device state (DS_*)     24 u32 slot 0 offset
//   2  u8  active slot (0/1, 255)  28 u32 slot 1 offset
//   3  u8  running slot (0/1, 255) 32 u32 boot-record offset
//   4  u16 VM version              36 u32 running image: CRC-32 of
//   6  u16 flash-image version     40 u32   its packed bytes (length)
//   8  u32 flash size              44 i32 boot result (0 ok, < 0 reason)
//  12  u32 erase sector size       48 u32 baud rate
//  16  u32 max payload             52 u8  writable slot (erase/write/SET_ACTIVE
//                                         go there; 255: none), 3 bytes zero
//                                      56 u8 board name length, the name, then
//                                         u8 length + boot message text
export const INFO_PROTO: i32 = 0;
export const INFO_STATE: i32 = 1;
export const INFO_ACTIVE_SLOT: i32 = 2;
export const INFO_RUNNING_SLOT: i32 = 3;
export const INFO_VM_VERSION: i32 = 4;
export const INFO_IMAGE_VERSION: i32 = 6;
export const INFO_FLASH_SIZE: i32 = 8;
export const INFO_SECTOR: i32 = 12;
export const INFO_MAX_PAYLOAD: i32 = 16;
export const INFO_SLOT_SIZE: i32 = 20;
export const INFO_SLOT_A: i32 = 24;
export const INFO_SLOT_B: i32 = 28;
export const INFO_BOOT_RECORD: i32 = 32;
export const INFO_IMAGE_CRC: i32 = 36;
export const INFO_IMAGE_LENGTH: i32 = 40;
export const INFO_BOOT_RESULT: i32 = 44;
export const INFO_BAUD: i32 = 48;
export const INFO_WRITABLE_SLOT: i32 = 52;
export const INFO_FIXED: i32 = 56;  // then u8 n + board name, u8 n + boot message
export const INFO_MAX_TEXT: i32 = 200;

export const SLOT_NONE: i32 = 255;

// Device state reported in INFO (not the boot record's state).
export const DS_HOLD: i32 = 0;      // reset with RESET_HOLD: image verified, program not started
export const DS_RUNNING: i32 = 1;   // program running
export const DS_EXITED: i32 = 2;    // program finished
export const DS_NO_IMAGE: i32 = 3;  // no slot holds a valid image (boot message says why)
export const DS_FAILED: i32 = 4;    // the image did not load (boot message says why)

// ---- Error codes (T_ERROR payload byte 0) ----------------------------------
export const E_CRC: i32 = 1;          // frame CRC mismatch
export const E_TOO_LONG: i32 = 2;     // frame longer than MAX_FRAME
export const E_SHORT: i32 = 3;        // frame shorter than header + CRC, or bad COBS
export const E_VERSION: i32 = 4;      // wrong protocol version (text names both)
export const E_UNKNOWN: i32 = 5;      // unknown request type
export const E_ARGS: i32 = 6;         // payload length/fields invalid for the request
export const E_RANGE: i32 = 7;        // offset/length outside the flash
export const E_PROTECTED: i32 = 8;    // erase/write outside the inactive slot
export const E_ALIGN: i32 = 9;        // erase not sector-aligned
export const E_NOT_ERASED: i32 = 10;  // write would need to set bits: erase first
export const E_FLASH: i32 = 11;       // the flash driver reported a failure
export const E_VERIFY: i32 = 12;      // SET_ACTIVE: the slot holds no valid image (text says why)
export const E_BUSY: i32 = 13;        // an EVAL is already running
export const E_UNSUPPORTED: i32 = 14; // this board cannot do that (text says why)
export const E_STATE: i32 = 15;       // not possible in the current boot state
