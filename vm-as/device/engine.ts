// Device protocol engine: UART bytes in, frames out, flash commands.
//
// Byte-driven and allocation-free: the board copies received UART bytes
// into the scratch buffer (dev_scratch) and calls dev_feed(len); replies and
// events leave through the uart_write import.  Framing, message layouts and
// error codes: vm-as/device/protocol.ts and docs/PROTOCOL.md.
//
// Invariants:
//  * Nothing from the wire is trusted: every length, offset and count is
//    checked against the buffer and the flash geometry before use, with
//    64-bit arithmetic where a sum could wrap.
//  * A frame is executed only if it decoded as COBS, fits MAX_FRAME, its
//    CRC-32 matches and its version is PROTO_VERSION; anything else is
//    answered with T_ERROR and never reaches the flash.
//  * Erase and write touch only the writable slot: the slot that is not
//    running, not named active by the boot record and not the fallback of a
//    trial image.  The boot record is only changed through slots_setActive
//    (vm-as/flash), after it verified the image.
//
// Static RAM (all memory.data): RX frame MAX_FRAME, reply + event frames
// 2 * MAX_FRAME, COBS output MAX_WIRE, scratch SCRATCH, flash compare buffer
// CMP, console input ring CIN, texts ~0.3 KiB — about 9.5 KiB in all (the
// CRC-32 table is vm-as/flash's).

import {
  PROTO_VERSION, FRAME_HEADER, FRAME_CRC, WRITE_CHUNK, MAX_PAYLOAD, MAX_FRAME, MAX_WIRE,
  SEQ_NONE, T_REPLY, T_HELLO, T_ERASE, T_WRITE, T_READ, T_HASH, T_SUMS, T_SET_ACTIVE,
  T_BOOT, T_RESET, T_CONSOLE_IN, T_EVAL, T_ERROR, T_EV_ANNOUNCE, T_EV_CONSOLE, T_EV_EXIT,
  RESET_RUN, RESET_HOLD, HASH_CRC32, HASH_SHA256, MAX_SUMS,
  INFO_PROTO, INFO_STATE, INFO_ACTIVE_SLOT, INFO_RUNNING_SLOT, INFO_VM_VERSION,
  INFO_IMAGE_VERSION, INFO_FLASH_SIZE, INFO_SECTOR, INFO_MAX_PAYLOAD, INFO_SLOT_SIZE,
  INFO_SLOT_A, INFO_SLOT_B, INFO_BOOT_RECORD, INFO_IMAGE_CRC, INFO_IMAGE_LENGTH,
  INFO_BOOT_RESULT, INFO_BAUD, INFO_WRITABLE_SLOT, INFO_FIXED, INFO_MAX_TEXT, SLOT_NONE,
  DS_HOLD, DS_RUNNING, DS_EXITED,
  E_CRC, E_TOO_LONG, E_SHORT, E_VERSION, E_UNKNOWN, E_ARGS, E_RANGE, E_PROTECTED,
  E_ALIGN, E_NOT_ERASED, E_FLASH, E_VERIFY, E_BUSY, E_UNSUPPORTED, E_STATE,
} from "./protocol";
import { crc32_begin, crc32_update } from "../flash/crc32";
import { uart_write, flash_read, flash_erase, flash_program, board_reset, board_boot, board_eval } from "./board";
import { slots_setActive, slots_errorText, slots_errorTextLength, slots_sha256, slots_sha256Supported, slots_scan, slots_imageLength, recActive, recFallback } from "./slots";

// ---- Static buffers ---------------------------------------------------------
const SCRATCH: i32 = 4096;         // host <-> engine bytes (dev_scratch)
const CMP: i32 = 256;              // flash compare / hash chunk
const CIN: i32 = 256;              // console input ring (power of two)
const NAME_MAX: i32 = 32;

const rxBuf: usize = memory.data(MAX_FRAME + 4, 4);
const replyBuf: usize = memory.data(MAX_FRAME + 4, 4);
const eventBuf: usize = memory.data(MAX_FRAME + 4, 4);
const wireBuf: usize = memory.data(MAX_WIRE + 4, 4);
const scratchBuf: usize = memory.data(SCRATCH, 16);
const cmpBuf: usize = memory.data(CMP, 4);
const cinBuf: usize = memory.data(CIN, 4);
const nameBuf: usize = memory.data(NAME_MAX, 4);
const msgBuf: usize = memory.data(INFO_MAX_TEXT, 4);

// ---- Geometry and boot state (set by the board) -----------------------------
let flashSize: u32 = 0;
let sectorSize: u32 = 0;
let slotSize: u32 = 0;
let slotA: u32 = 0;
let slotB: u32 = 0;
let bootRecord: u32 = 0;
let baud: u32 = 0;
let nameLen: i32 = 0;
let vmVersion: i32 = 0;
let imageVersion: i32 = 0;

let devState: i32 = DS_HOLD;
let activeSlot: i32 = SLOT_NONE;    // boot record: active slot
let fallbackSlot: i32 = SLOT_NONE;  // boot record: fallback of a trial
let runningSlot: i32 = SLOT_NONE;
let imageCrc: u32 = 0;
let imageLength: u32 = 0;
let bootResult: i32 = 0;
let msgLen: i32 = 0;

// ---- Receiver (streaming COBS decoder) -------------------------------------
let rxLen: i32 = 0;        // decoded bytes in rxBuf
let cobsLeft: i32 = 0;     // data bytes left in the current COBS block
let cobsCode: i32 = 0;     // code byte of the current block (0 = none yet)
let rxOverflow: bool = false;

// ---- Eval and console input ---------------------------------------------------
let evalBusy: bool = false;
let evalSeq: i32 = 0;
let cinHead: i32 = 0;      // next byte to read
let cinCount: i32 = 0;

// Statistics (dev_stat): frames ok, frames refused.
let framesOk: u32 = 0;
let framesBad: u32 = 0;

// ============================================================================
// Board API (exports)
// ============================================================================

/** Set the flash geometry; answers 0, or -1 when it is inconsistent. */
export function dev_init(fsize: u32, sector: u32, ssize: u32, a: u32, b: u32, br: u32, baudRate: u32): i32 {
  crc32_begin();   // fills the table
  if (sector == 0 || fsize == 0 || ssize == 0 || ssize % sector != 0) return -1;
  if (a % sector != 0 || b % sector != 0) return -1;
  if (<u64>a + ssize > fsize || <u64>b + ssize > fsize) return -1;
  if (a < b ? <u64>a + ssize > b : <u64>b + ssize > a) return -1;
  flashSize = fsize; sectorSize = sector; slotSize = ssize;
  activeSlot = 0; fallbackSlot = 1;   // nothing writable until dev_setBoot read the record
  slotA = a; slotB = b; bootRecord = br; baud = baudRate;
  rxLen = 0; cobsLeft = 0; cobsCode = 0; rxOverflow = false;
  evalBusy = false; cinHead = 0; cinCount = 0;
  return 0;
}

/** Buffer of SCRATCH bytes the board fills before dev_feed / dev_console /
 *  dev_setBoot / dev_evalDone / dev_setName. */
export function dev_scratch(): usize { return scratchBuf; }
export function dev_scratchSize(): i32 { return SCRATCH; }

/** Board name (scratch, len <= 32) and versions reported in INFO. */
export function dev_setName(len: i32, vm: i32, image: i32): void {
  if (len < 0) len = 0;
  if (len > NAME_MAX) len = NAME_MAX;
  memory.copy(nameBuf, scratchBuf, len);
  nameLen = len;
  vmVersion = vm & 0xffff;
  imageVersion = image & 0xffff;
}

/** Boot outcome, reported by INFO/ANNOUNCE; the message text is in scratch.
 *  Reads the boot record and the running slot's image header (vm-as/flash
 *  must be set up) to report the image's length and CRC-32. */
export function dev_setBoot(state: i32, running: i32, result: i32, textLen: i32): void {
  devState = state;
  readRecord();
  runningSlot = running == 0 || running == 1 ? running : SLOT_NONE;
  imageCrc = 0; imageLength = 0;
  if (runningSlot != SLOT_NONE) {
    const base = runningSlot == 0 ? slotA : slotB;
    imageLength = slots_imageLength(runningSlot);
    const c = crcFlash(base, imageLength);
    imageCrc = c < 0 ? 0 : <u32>c;
  }
  bootResult = result;
  if (textLen < 0) textLen = 0;
  if (textLen > INFO_MAX_TEXT) textLen = INFO_MAX_TEXT;
  memory.copy(msgBuf, scratchBuf, textLen);
  msgLen = textLen;
}

/** Only the device state (program started, program exited). */
export function dev_setState(state: i32): void { devState = state; }

/** Send the ANNOUNCE event (after every boot attempt). */
export function dev_announce(): void {
  const n = putInfo(eventBuf + FRAME_HEADER);
  sendFrame(eventBuf, T_EV_ANNOUNCE, SEQ_NONE, n);
}

/** Program output: `len` bytes in scratch to fd 1 or 2, as CONSOLE events. */
export function dev_console(fd: i32, len: i32): void {
  if (len > SCRATCH) len = SCRATCH;
  const room = MAX_PAYLOAD - 1;
  let off = 0;
  while (off < len) {
    let n = len - off;
    if (n > room) n = room;
    store<u8>(eventBuf + FRAME_HEADER, fd);
    memory.copy(eventBuf + FRAME_HEADER + 1, scratchBuf + off, n);
    sendFrame(eventBuf, T_EV_CONSOLE, SEQ_NONE, 1 + n);
    off += n;
  }
}

/** The program finished with `status`. */
export function dev_exit(status: i32): void {
  devState = DS_EXITED;
  store<i32>(eventBuf + FRAME_HEADER, status);
  sendFrame(eventBuf, T_EV_EXIT, SEQ_NONE, 4);
}

/** An EVAL finished: status EVAL_OK/EVAL_ERROR, `len` bytes of text in scratch. */
export function dev_evalDone(status: i32, len: i32): void {
  if (!evalBusy) return;
  evalBusy = false;
  if (len < 0) len = 0;
  if (len > MAX_PAYLOAD - 1) len = MAX_PAYLOAD - 1;
  store<u8>(eventBuf + FRAME_HEADER, status);
  memory.copy(eventBuf + FRAME_HEADER + 1, scratchBuf, len);
  sendFrame(eventBuf, T_EVAL | T_REPLY, evalSeq, 1 + len);
}

/** Console input for the program: copies up to `cap` bytes to `ptr`. */
export function dev_consoleRead(ptr: usize, cap: i32): i32 {
  let n = 0;
  while (n < cap && cinCount > 0) {
    store<u8>(ptr + n, load<u8>(cinBuf + cinHead));
    cinHead = (cinHead + 1) & (CIN - 1);
    cinCount--; n++;
  }
  return n;
}

/** Frames accepted (which = 0) or refused (which = 1) since start. */
export function dev_stat(which: i32): u32 { return which == 0 ? framesOk : framesBad; }

/** Feed `len` received UART bytes from scratch. */
export function dev_feed(len: i32): void {
  if (len > SCRATCH) len = SCRATCH;
  for (let i = 0; i < len; i++) rxByte(load<u8>(scratchBuf + i));
}

// ============================================================================
// Receiver
// ============================================================================

// COBS, streaming: a code byte c (1..255) is followed by c-1 data bytes; a
// zero is implied between blocks unless the previous code was 255; 0x00 ends
// the frame.  Decoded bytes beyond MAX_FRAME are not stored (overflow flag).
function rxByte(b: i32): void {
  if (b == 0) {
    if (rxOverflow) refuse(E_TOO_LONG, SEQ_NONE, 0);
    else if (cobsLeft != 0) refuse(E_SHORT, SEQ_NONE, 0);
    else if (rxLen > 0) frameReceived(rxLen);
    rxLen = 0; cobsLeft = 0; cobsCode = 0; rxOverflow = false;
    return;
  }
  if (cobsLeft == 0) {
    if (cobsCode != 0 && cobsCode != 255) rxPut(0);
    cobsCode = b;
    cobsLeft = b - 1;
  } else {
    rxPut(b);
    cobsLeft--;
  }
}

function rxPut(b: i32): void {
  if (rxLen >= MAX_FRAME) { rxOverflow = true; return; }
  store<u8>(rxBuf + rxLen, b);
  rxLen++;
}

function frameReceived(len: i32): void {
  if (len < FRAME_HEADER + FRAME_CRC) { refuse(E_SHORT, SEQ_NONE, 0); return; }
  const body = len - FRAME_CRC;
  const want = load<u32>(rxBuf + body);
  const got = ~crc32_update(crc32_begin(), rxBuf, <u32>body);
  if (want != got) { refuse(E_CRC, SEQ_NONE, 0); return; }
  const ver = <i32>load<u8>(rxBuf);
  const type = <i32>load<u8>(rxBuf + 1);
  const seq = <i32>load<u16>(rxBuf + 2);
  if (ver != PROTO_VERSION) {
    // "protocol version N, device speaks 1"
    let n = putText(replyBuf + FRAME_HEADER + 2, 0, "frame has protocol version ");
    n = putDec(replyBuf + FRAME_HEADER + 2, n, ver);
    n = putText(replyBuf + FRAME_HEADER + 2, n, ", this device speaks version ");
    n = putDec(replyBuf + FRAME_HEADER + 2, n, PROTO_VERSION);
    sendError(E_VERSION, type, seq, n);
    return;
  }
  const p = rxBuf + FRAME_HEADER;
  const n = body - FRAME_HEADER;
  framesOk++;
  switch (type) {
    case T_HELLO: cmdHello(seq, n); break;
    case T_ERASE: cmdErase(seq, p, n); break;
    case T_WRITE: cmdWrite(seq, p, n); break;
    case T_READ: cmdRead(seq, p, n); break;
    case T_HASH: cmdHash(seq, p, n); break;
    case T_SUMS: cmdSums(seq, p, n); break;
    case T_SET_ACTIVE: cmdSetActive(seq, p, n); break;
    case T_BOOT: cmdBoot(seq, n); break;
    case T_RESET: cmdReset(seq, p, n); break;
    case T_CONSOLE_IN: cmdConsoleIn(seq, p, n); break;
    case T_EVAL: cmdEval(seq, p, n); break;
    default: framesOk--; refuse(E_UNKNOWN, seq, type);
  }
}

// ============================================================================
// Commands.  Each validates its payload fully before acting.
// ============================================================================

function cmdHello(seq: i32, n: i32): void {
  if (n < 1) { refuse(E_ARGS, seq, T_HELLO); return; }
  reply(T_HELLO, seq, putInfo(replyBuf + FRAME_HEADER));
}

function cmdErase(seq: i32, p: usize, n: i32): void {
  if (n != 8) { refuse(E_ARGS, seq, T_ERASE); return; }
  const off = load<u32>(p);
  const len = load<u32>(p + 4);
  if (len == 0 || <u64>off + len > flashSize) { refuse(E_RANGE, seq, T_ERASE); return; }
  if (off % sectorSize != 0 || len % sectorSize != 0) { refuse(E_ALIGN, seq, T_ERASE); return; }
  if (!writable(off, len)) { refuse(E_PROTECTED, seq, T_ERASE); return; }
  for (let s = off; s < off + len; s += sectorSize) {
    if (flash_erase(s) != 0) { refuse(E_FLASH, seq, T_ERASE); return; }
  }
  reply(T_ERASE, seq, 0);
}

// Idempotent: equal bytes answer OK without programming; bytes that only
// need bits cleared are programmed; anything else is E_NOT_ERASED.
function cmdWrite(seq: i32, p: usize, n: i32): void {
  const len = n - 4;
  if (len < 1 || len > WRITE_CHUNK) { refuse(E_ARGS, seq, T_WRITE); return; }
  const off = load<u32>(p);
  const data = p + 4;
  if (<u64>off + len > flashSize) { refuse(E_RANGE, seq, T_WRITE); return; }
  if (!writable(off, len)) { refuse(E_PROTECTED, seq, T_WRITE); return; }
  let same = true;
  for (let done = 0; done < len; done += CMP) {
    let k = len - done;
    if (k > CMP) k = CMP;
    if (flash_read(off + done, cmpBuf, k) != 0) { refuse(E_FLASH, seq, T_WRITE); return; }
    for (let i = 0; i < k; i++) {
      const have = <u32>load<u8>(cmpBuf + i);
      const want = <u32>load<u8>(data + done + i);
      if (have != want) {
        same = false;
        if ((have & want) != want) { refuse(E_NOT_ERASED, seq, T_WRITE); return; }
      }
    }
  }
  if (!same && flash_program(off, data, len) != 0) { refuse(E_FLASH, seq, T_WRITE); return; }
  store<u32>(replyBuf + FRAME_HEADER, off);
  reply(T_WRITE, seq, 4);
}

function cmdRead(seq: i32, p: usize, n: i32): void {
  if (n != 6) { refuse(E_ARGS, seq, T_READ); return; }
  const off = load<u32>(p);
  const len = <u32>load<u16>(p + 4);
  if (len == 0 || len > <u32>WRITE_CHUNK) { refuse(E_ARGS, seq, T_READ); return; }
  if (<u64>off + len > flashSize) { refuse(E_RANGE, seq, T_READ); return; }
  store<u32>(replyBuf + FRAME_HEADER, off);
  if (flash_read(off, replyBuf + FRAME_HEADER + 4, len) != 0) { refuse(E_FLASH, seq, T_READ); return; }
  reply(T_READ, seq, 4 + len);
}

function cmdHash(seq: i32, p: usize, n: i32): void {
  if (n != 9) { refuse(E_ARGS, seq, T_HASH); return; }
  const algo = <i32>load<u8>(p);
  const off = load<u32>(p + 1);
  const len = load<u32>(p + 5);
  if (<u64>off + len > flashSize) { refuse(E_RANGE, seq, T_HASH); return; }
  const out = replyBuf + FRAME_HEADER;
  store<u8>(out, algo);
  if (algo == HASH_CRC32) {
    const c = crcFlash(off, len);
    if (c == -1) { refuse(E_FLASH, seq, T_HASH); return; }
    store<u32>(out + 1, <u32>c);
    reply(T_HASH, seq, 5);
  } else if (algo == HASH_SHA256) {
    if (!slots_sha256Supported()) { refuseText(E_UNSUPPORTED, seq, T_HASH, "SHA-256 is not built into this device"); return; }
    if (slots_sha256(off, len, out + 1) != 0) { refuse(E_FLASH, seq, T_HASH); return; }
    reply(T_HASH, seq, 33);
  } else {
    refuse(E_ARGS, seq, T_HASH);
  }
}

function cmdSums(seq: i32, p: usize, n: i32): void {
  if (n != 10) { refuse(E_ARGS, seq, T_SUMS); return; }
  const off = load<u32>(p);
  const block = load<u32>(p + 4);
  const count = <i32>load<u16>(p + 8);
  if (block == 0 || count == 0 || count > MAX_SUMS) { refuse(E_ARGS, seq, T_SUMS); return; }
  if (<u64>off + <u64>block * <u64>count > <u64>flashSize) { refuse(E_RANGE, seq, T_SUMS); return; }
  const out = replyBuf + FRAME_HEADER;
  for (let i = 0; i < count; i++) {
    const c = crcFlash(off + <u32>i * block, block);
    if (c == -1) { refuse(E_FLASH, seq, T_SUMS); return; }
    store<u32>(out + (<usize>i << 2), <u32>c);
  }
  reply(T_SUMS, seq, count * 4);
}

function cmdSetActive(seq: i32, p: usize, n: i32): void {
  if (n != 1) { refuse(E_ARGS, seq, T_SET_ACTIVE); return; }
  const slot = <i32>load<u8>(p);
  if (slot != 0 && slot != 1) { refuse(E_ARGS, seq, T_SET_ACTIVE); return; }
  if (!slotWritable(slot)) {
    refuseText(E_STATE, seq, T_SET_ACTIVE, "that slot is running, active or the fallback; write the other slot");
    return;
  }
  const r = slots_setActive(slot);
  if (r < 0) {
    const k = slots_errorTextLength();
    const out = replyBuf + FRAME_HEADER + 2;
    let m = k > INFO_MAX_TEXT ? INFO_MAX_TEXT : k;
    memory.copy(out, slots_errorText(), m);
    sendError(E_VERIFY, T_SET_ACTIVE, seq, m);
    return;
  }
  readRecord();
  reply(T_SET_ACTIVE, seq, 0);
}

function cmdBoot(seq: i32, n: i32): void {
  if (n != 0) { refuse(E_ARGS, seq, T_BOOT); return; }
  if (devState != DS_HOLD) { refuseText(E_STATE, seq, T_BOOT, "the program is not held (boot it with reset --hold first)"); return; }
  if (board_boot() < 0) { refuseText(E_STATE, seq, T_BOOT, "the image could not be started"); return; }
  devState = DS_RUNNING;
  reply(T_BOOT, seq, 0);
}

function cmdReset(seq: i32, p: usize, n: i32): void {
  if (n != 1) { refuse(E_ARGS, seq, T_RESET); return; }
  const mode = <i32>load<u8>(p);
  if (mode != RESET_RUN && mode != RESET_HOLD) { refuse(E_ARGS, seq, T_RESET); return; }
  reply(T_RESET, seq, 0);
  board_reset(mode);
}

function cmdConsoleIn(seq: i32, p: usize, n: i32): void {
  let k = 0;
  while (k < n && cinCount < CIN) {
    store<u8>(cinBuf + ((cinHead + cinCount) & (CIN - 1)), load<u8>(p + k));
    cinCount++; k++;
  }
  store<u16>(replyBuf + FRAME_HEADER, <u16>k);
  reply(T_CONSOLE_IN, seq, 2);
}

function cmdEval(seq: i32, p: usize, n: i32): void {
  if (n < 1) { refuse(E_ARGS, seq, T_EVAL); return; }
  if (evalBusy) { refuse(E_BUSY, seq, T_EVAL); return; }
  if (devState != DS_RUNNING && devState != DS_EXITED) {
    refuseText(E_STATE, seq, T_EVAL, "no image is loaded (boot the device first)");
    return;
  }
  evalBusy = true;
  evalSeq = seq;
  if (board_eval(p, n) < 0) {
    evalBusy = false;
    refuseText(E_UNSUPPORTED, seq, T_EVAL, "this board's VM cannot evaluate expressions yet");
  }
  // The reply is sent by dev_evalDone.
}

// ============================================================================
// Helpers
// ============================================================================

function readRecord(): void {
  if (slots_scan()) {
    activeSlot = recActive == 0 || recActive == 1 ? recActive : SLOT_NONE;
    fallbackSlot = recFallback == 0 || recFallback == 1 ? recFallback : SLOT_NONE;
  } else {
    // unreadable journal: protect both slots
    activeSlot = 0; fallbackSlot = 1;
  }
}

function slotWritable(s: i32): bool {
  return s != activeSlot && s != runningSlot && s != fallbackSlot;
}

/** The slot a new image goes to (the other one than the active slot when
 *  both are free), or SLOT_NONE. */
function writableSlot(): i32 {
  const pref = activeSlot == 0 ? 1 : activeSlot == 1 ? 0 : 0;
  if (slotWritable(pref)) return pref;
  if (slotWritable(1 - pref)) return 1 - pref;
  return SLOT_NONE;
}

/** [off, off+len) lies inside the writable slot. */
function writable(off: u32, len: u32): bool {
  const end = <u64>off + len;
  if (slotWritable(0) && off >= slotA && end <= <u64>slotA + slotSize) return true;
  if (slotWritable(1) && off >= slotB && end <= <u64>slotB + slotSize) return true;
  return false;
}

/** CRC-32 of a flash range, or -1 when the flash read fails. */
function crcFlash(off: u32, len: u32): i64 {
  let c: u32 = crc32_begin();
  let done: u32 = 0;
  while (done < len) {
    let k = len - done;
    if (k > <u32>CMP) k = <u32>CMP;
    if (flash_read(off + done, cmpBuf, k) != 0) return -1;
    c = crc32_update(c, cmpBuf, k);
    done += k;
  }
  return <i64>(~c);
}

function putInfo(out: usize): i32 {
  store<u8>(out + INFO_PROTO, PROTO_VERSION);
  store<u8>(out + INFO_STATE, devState);
  store<u8>(out + INFO_ACTIVE_SLOT, activeSlot);
  store<u8>(out + INFO_RUNNING_SLOT, runningSlot);
  store<u16>(out + INFO_VM_VERSION, <u16>vmVersion);
  store<u16>(out + INFO_IMAGE_VERSION, <u16>imageVersion);
  store<u32>(out + INFO_FLASH_SIZE, flashSize);
  store<u32>(out + INFO_SECTOR, sectorSize);
  store<u32>(out + INFO_MAX_PAYLOAD, MAX_PAYLOAD);
  store<u32>(out + INFO_SLOT_SIZE, slotSize);
  store<u32>(out + INFO_SLOT_A, slotA);
  store<u32>(out + INFO_SLOT_B, slotB);
  store<u32>(out + INFO_BOOT_RECORD, bootRecord);
  store<u32>(out + INFO_IMAGE_CRC, imageCrc);
  store<u32>(out + INFO_IMAGE_LENGTH, imageLength);
  store<i32>(out + INFO_BOOT_RESULT, bootResult);
  store<u32>(out + INFO_BAUD, baud);
  store<u32>(out + INFO_WRITABLE_SLOT, 0);
  store<u8>(out + INFO_WRITABLE_SLOT, writableSlot());
  let n = INFO_FIXED;
  store<u8>(out + n, nameLen); n++;
  memory.copy(out + n, nameBuf, nameLen); n += nameLen;
  store<u8>(out + n, msgLen); n++;
  memory.copy(out + n, msgBuf, msgLen); n += msgLen;
  return n;
}

function reply(type: i32, seq: i32, n: i32): void {
  sendFrame(replyBuf, type | T_REPLY, seq, n);
}

function refuse(code: i32, seq: i32, type: i32): void {
  const out = replyBuf + FRAME_HEADER + 2;
  let n = 0;
  switch (code) {
    case E_CRC: n = putText(out, 0, "frame CRC-32 mismatch (corrupted on the line)"); break;
    case E_TOO_LONG: n = putText(out, 0, "frame longer than the maximum, dropped"); break;
    case E_SHORT: n = putText(out, 0, "frame too short or not valid COBS"); break;
    case E_UNKNOWN: n = putText(out, 0, "unknown request type"); break;
    case E_ARGS: n = putText(out, 0, "invalid payload for this request"); break;
    case E_RANGE: n = putText(out, 0, "range outside the flash"); break;
    case E_PROTECTED: n = putText(out, 0, "range outside the writable (inactive) slot"); break;
    case E_ALIGN: n = putText(out, 0, "erase range not sector-aligned"); break;
    case E_NOT_ERASED: n = putText(out, 0, "flash not erased there (erase the sector first)"); break;
    case E_FLASH: n = putText(out, 0, "flash driver failure"); break;
    case E_BUSY: n = putText(out, 0, "an evaluation is already running"); break;
    default: n = putText(out, 0, "refused");
  }
  sendError(code, type, seq, n);
}

function refuseText(code: i32, seq: i32, type: i32, text: string): void {
  sendError(code, type, seq, putText(replyBuf + FRAME_HEADER + 2, 0, text));
}

/** T_ERROR with `textLen` bytes of text already at replyBuf + 6. */
function sendError(code: i32, type: i32, seq: i32, textLen: i32): void {
  framesBad++;
  store<u8>(replyBuf + FRAME_HEADER, code);
  store<u8>(replyBuf + FRAME_HEADER + 1, type);
  sendFrame(replyBuf, T_ERROR, seq, 2 + textLen);
}

/** ASCII text of a string literal at out + n; answers the new n. */
function putText(out: usize, n: i32, s: string): i32 {
  const k = s.length;
  for (let i = 0; i < k; i++) store<u8>(out + n + i, <u8>s.charCodeAt(i));
  return n + k;
}

function putDec(out: usize, n: i32, v: i32): i32 {
  if (v < 0) { store<u8>(out + n, 45); n++; v = -v; }
  let div = 1;
  while (v / div >= 10) div *= 10;
  while (div > 0) { store<u8>(out + n, 48 + (v / div) % 10); n++; div /= 10; }
  return n;
}

/** Fill header and CRC around `n` payload bytes at buf + 4, COBS-encode,
 *  write to the UART with a leading and a trailing delimiter. */
function sendFrame(buf: usize, type: i32, seq: i32, n: i32): void {
  store<u8>(buf, PROTO_VERSION);
  store<u8>(buf + 1, type);
  store<u16>(buf + 2, <u16>seq);
  const body = FRAME_HEADER + n;
  store<u32>(buf + body, ~crc32_update(crc32_begin(), buf, <u32>body));
  const len = body + FRAME_CRC;
  // COBS
  let o: usize = wireBuf;
  let codeAt: usize = o++;
  let code: i32 = 1;
  for (let i = 0; i < len; i++) {
    const b = <i32>load<u8>(buf + i);
    if (b == 0) {
      store<u8>(codeAt, code);
      codeAt = o++;
      code = 1;
    } else {
      store<u8>(o++, b);
      code++;
      if (code == 255) {
        store<u8>(codeAt, code);
        codeAt = o++;
        code = 1;
      }
    }
  }
  store<u8>(codeAt, code);
  store<u8>(o++, 0);
  uart_write(wireBuf, <i32>(o - wireBuf));
}
