// Flash image files (.tfi): pack a plain VM image, read and verify one.
// Layout: vm-as/flash/layout.ts (FI_*), prose: docs/IMAGE-FORMAT.md.
// Checks and messages mirror vm-as/flash/slot.ts, in the same order.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { deflateRawSync, gzipSync, inflateRawSync, constants as zc } from "node:zlib";
import { deflateSync as fflateDeflate } from "fflate";
import {
  CODEC_DEFLATE, DISPATCH_SWITCH, FE_BOARD, FE_CODEC, FE_DISPATCH, FE_EXPANDED_SIZE, FE_HEADER_CRC,
  FE_INFLATE, FE_INNER, FE_MAGIC, FE_NO_ROOM, FE_PAYLOAD_CRC, FE_SHA256, FE_SIZES, FE_TRUNCATED,
  FE_VERSION, FE_WORD_BITS, FI_BOARD_ID_OFF, FI_BOARD_NAME_BYTES, FI_BOARD_NAME_OFF, FI_CODEC_OFF,
  FI_DISPATCH_OFF, FI_EXPANDED_BYTES_OFF, FI_FLAGS_OFF, FI_HEADER_BYTES, FI_HEADER_BYTES_OFF,
  FI_HEADER_CRC_OFF, FI_HEAP_WANTED_OFF, FI_MAGIC, FI_MAGIC_OFF, FI_MAX_EXPANDED, FI_PAYLOAD_BYTES_OFF,
  FI_PAYLOAD_CRC_OFF, FI_SERIAL_OFF, FI_SHA256_OFF, FI_VERSION, FI_VERSION_OFF, FI_WORD_BITS_OFF,
  flashErrorMessage,
} from "../../vm-as/flash/layout.js";
import {
  IH_HEADER_BYTES, IH_HEAP_USED, IH_HEAP_WANTED, IH_MAGIC, IH_OBJECT_COUNT, IH_VERSION, IH_WORD_BITS,
  IMAGE_HEADER_BYTES, IMAGE_MAGIC,
} from "../../vm-as/layout.js";
import type { Board } from "./board.js";
import { deflateOptimal } from "./deflate.js";
import { crc32 } from "./crc32.js";

/** A refused image: `code` is an FE_* code, the message starts with flashErrorMessage(code). */
export class FlashImageError extends Error {
  constructor(readonly code: number, detail: string) {
    super(detail === "" ? flashErrorMessage(code) : `${flashErrorMessage(code)}: ${detail}`);
  }
}

export interface FlashImageHeader {
  version: number;
  wordBits: number;
  dispatch: number;
  headerBytes: number;
  codec: number;
  flags: number;
  boardId: number;
  boardName: string;
  payloadBytes: number;
  expandedBytes: number;
  payloadCrc: number;
  heapWanted: number;
  sha256: Uint8Array;
  serial: number;
  headerCrc: number;
}

/** Facts about a plain VM image ("TALC"). */
export interface VmImageInfo {
  version: number;
  wordBits: number;
  objectCount: number;
  heapUsed: number;
  heapWanted: number;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

/** Check a plain VM image's own header: magic, word size, lengths. */
export function readVmImage(raw: Uint8Array): VmImageInfo {
  if (raw.length < IMAGE_HEADER_BYTES) throw new FlashImageError(FE_INNER, `${raw.length} bytes is shorter than a VM image header`);
  const v = view(raw);
  if (v.getUint32(IH_MAGIC, true) !== IMAGE_MAGIC) throw new FlashImageError(FE_INNER, "no TALC magic");
  const wordBits = v.getUint8(IH_WORD_BITS);
  if (wordBits !== 32 && wordBits !== 16) throw new FlashImageError(FE_INNER, `word size ${wordBits}`);
  const hb = v.getUint32(IH_HEADER_BYTES, true);
  const used = v.getUint32(IH_HEAP_USED, true);
  if (hb !== IMAGE_HEADER_BYTES || hb + used !== raw.length) {
    throw new FlashImageError(FE_INNER, `VM image header accounts for ${hb + used} bytes, found ${raw.length}`);
  }
  return {
    version: v.getUint16(IH_VERSION, true),
    wordBits,
    objectCount: v.getUint32(IH_OBJECT_COUNT, true),
    heapUsed: used,
    heapWanted: v.getUint32(IH_HEAP_WANTED, true),
  };
}

export function isFlashImage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && view(bytes).getUint32(0, true) === FI_MAGIC;
}

export function isVmImage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && view(bytes).getUint32(0, true) === IMAGE_MAGIC;
}

/**
 * Raw DEFLATE at the best ratio available: the optimising encoder
 * (./deflate.ts), zlib -9 and fflate -9; the smallest output that inflates
 * back to `raw` (checked with zlib) wins.  `effort: "fast"` skips the
 * optimising encoder (tests that pack many throw-away images).
 */
export function deflateBest(raw: Uint8Array, effort: "best" | "fast" = "best"): { payload: Uint8Array; encoder: string } {
  const candidates: { payload: Uint8Array; encoder: string }[] = [
    { payload: new Uint8Array(deflateRawSync(raw, { level: 9, memLevel: 9, windowBits: 15, strategy: zc.Z_DEFAULT_STRATEGY })), encoder: "zlib -9" },
    { payload: fflateDeflate(raw, { level: 9, mem: 12 }), encoder: "fflate -9" },
  ];
  if (effort === "best") candidates.unshift({ payload: deflateOptimal(raw), encoder: "talc optimal" });
  candidates.sort((a, b) => a.payload.length - b.payload.length);
  for (const c of candidates) {
    const back = inflateRawSync(c.payload);
    if (back.length === raw.length && Buffer.compare(back, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)) === 0) return c;
  }
  throw new Error("internal error: no DEFLATE encoder round-tripped the image");
}

export interface PackOptions { serial?: number; dispatch?: number; effort?: "best" | "fast" }

/** Pack a plain VM image for `board`. */
export function packImage(raw: Uint8Array, board: Board, opts: PackOptions = {}): Uint8Array {
  const info = readVmImage(raw);
  if (info.wordBits !== board.wordBits) {
    throw new FlashImageError(FE_WORD_BITS, `image is ${info.wordBits}-bit, board ${board.name} runs a ${board.wordBits}-bit VM`);
  }
  const { payload } = deflateBest(raw, opts.effort ?? "best");
  const out = new Uint8Array(FI_HEADER_BYTES + payload.length);
  const v = view(out);
  v.setUint32(FI_MAGIC_OFF, FI_MAGIC, true);
  v.setUint16(FI_VERSION_OFF, FI_VERSION, true);
  v.setUint8(FI_WORD_BITS_OFF, info.wordBits);
  v.setUint8(FI_DISPATCH_OFF, opts.dispatch ?? DISPATCH_SWITCH);
  v.setUint16(FI_HEADER_BYTES_OFF, FI_HEADER_BYTES, true);
  v.setUint8(FI_CODEC_OFF, CODEC_DEFLATE);
  v.setUint8(FI_FLAGS_OFF, 0);
  v.setUint32(FI_BOARD_ID_OFF, board.id, true);
  out.set(new TextEncoder().encode(board.name).subarray(0, FI_BOARD_NAME_BYTES), FI_BOARD_NAME_OFF);
  v.setUint32(FI_PAYLOAD_BYTES_OFF, payload.length, true);
  v.setUint32(FI_EXPANDED_BYTES_OFF, raw.length, true);
  v.setUint32(FI_PAYLOAD_CRC_OFF, crc32(payload), true);
  v.setUint32(FI_HEAP_WANTED_OFF, info.heapWanted, true);
  out.set(createHash("sha256").update(raw).digest(), FI_SHA256_OFF);
  v.setUint32(FI_SERIAL_OFF, (opts.serial ?? 1) >>> 0, true);
  out.set(payload, FI_HEADER_BYTES);
  sealHeader(out);
  return out;
}

/** Recompute the header CRC-32 (after editing a header field). */
export function sealHeader(img: Uint8Array): void {
  view(img).setUint32(FI_HEADER_CRC_OFF, crc32(img.subarray(0, FI_HEADER_CRC_OFF)), true);
}

/** Read a flash image header: magic, version, header CRC (nothing board-specific). */
export function readHeader(bytes: Uint8Array): FlashImageHeader {
  if (bytes.length >= 4 && !isFlashImage(bytes)) {
    const m = view(bytes).getUint32(0, true);
    throw new FlashImageError(FE_MAGIC, isVmImage(bytes) ? "this is a plain VM image (pack it with `talc image pack`)"
      : m === 0xffffffff ? "slot is erased" : `found 0x${hex(m)}`);
  }
  if (bytes.length < FI_HEADER_BYTES) throw new FlashImageError(FE_TRUNCATED, `${bytes.length} bytes, the header alone is ${FI_HEADER_BYTES}`);
  const v = view(bytes);
  const version = v.getUint16(FI_VERSION_OFF, true);
  if (version !== FI_VERSION) {
    throw new FlashImageError(FE_VERSION, `image has format version ${version}, this VM reads version ${FI_VERSION} (re-pack the image with this talc)`);
  }
  const stored = v.getUint32(FI_HEADER_CRC_OFF, true);
  const computed = crc32(bytes.subarray(0, FI_HEADER_CRC_OFF));
  if (stored !== computed) throw new FlashImageError(FE_HEADER_CRC, `stored 0x${hex(stored)}, computed 0x${hex(computed)}`);
  const nameBytes = bytes.subarray(FI_BOARD_NAME_OFF, FI_BOARD_NAME_OFF + FI_BOARD_NAME_BYTES);
  const end = nameBytes.indexOf(0);
  return {
    version,
    wordBits: v.getUint8(FI_WORD_BITS_OFF),
    dispatch: v.getUint8(FI_DISPATCH_OFF),
    headerBytes: v.getUint16(FI_HEADER_BYTES_OFF, true),
    codec: v.getUint8(FI_CODEC_OFF),
    flags: v.getUint8(FI_FLAGS_OFF),
    boardId: v.getUint32(FI_BOARD_ID_OFF, true),
    boardName: new TextDecoder().decode(end < 0 ? nameBytes : nameBytes.subarray(0, end)),
    payloadBytes: v.getUint32(FI_PAYLOAD_BYTES_OFF, true),
    expandedBytes: v.getUint32(FI_EXPANDED_BYTES_OFF, true),
    payloadCrc: v.getUint32(FI_PAYLOAD_CRC_OFF, true),
    heapWanted: v.getUint32(FI_HEAP_WANTED_OFF, true),
    sha256: bytes.slice(FI_SHA256_OFF, FI_SHA256_OFF + 32),
    serial: v.getUint32(FI_SERIAL_OFF, true),
    headerCrc: stored,
  };
}

export interface CheckTarget {
  /** The board the image must be for (omit: any board). */
  board?: Board;
  /** Word size of the VM that will run it (default: the board's; no board either: any, the
   *  header's own — the expanded image must still agree with the header). */
  wordBits?: number;
  /** Largest payload accepted (default: the board's slot size minus the header). */
  maxPayload?: number;
  /** RAM for the expanded image (default: the board's RAM). */
  room?: number;
}

/** The checks of vm-as/flash/slot.ts on a header, in the same order. */
export function checkHeader(h: FlashImageHeader, t: CheckTarget): void {
  const wordBits = t.wordBits ?? t.board?.wordBits ?? h.wordBits;
  if (h.wordBits !== wordBits) throw new FlashImageError(FE_WORD_BITS, `image is ${h.wordBits}-bit, this VM is ${wordBits}-bit`);
  if (h.dispatch !== DISPATCH_SWITCH) throw new FlashImageError(FE_DISPATCH, `technique ${h.dispatch}`);
  if (t.board !== undefined && h.boardId !== t.board.id) {
    throw new FlashImageError(FE_BOARD, `image is for board '${h.boardName}' (id 0x${hex(h.boardId)}), this board is '${t.board.name}' (id 0x${hex(t.board.id)})`);
  }
  if (h.codec !== CODEC_DEFLATE) throw new FlashImageError(FE_CODEC, `codec ${h.codec}`);
  if (h.headerBytes !== FI_HEADER_BYTES) throw new FlashImageError(FE_SIZES, `header bytes expected ${FI_HEADER_BYTES}, found ${h.headerBytes}`);
  const maxPayload = t.maxPayload ?? (t.board ? t.board.slots[0].size - FI_HEADER_BYTES : 0xffffffff);
  if (h.payloadBytes === 0 || h.payloadBytes > maxPayload) {
    throw new FlashImageError(FE_SIZES, `payload of ${h.payloadBytes} bytes does not fit a slot of ${maxPayload + FI_HEADER_BYTES}`);
  }
  if (h.expandedBytes < IMAGE_HEADER_BYTES || h.expandedBytes > FI_MAX_EXPANDED || h.expandedBytes > h.payloadBytes * 1032) {
    throw new FlashImageError(FE_SIZES, `expanded size ${h.expandedBytes} impossible for a payload of ${h.payloadBytes}`);
  }
  const room = t.room ?? t.board?.ramSize;
  if (room !== undefined && h.expandedBytes > room) {
    throw new FlashImageError(FE_NO_ROOM, `image needs ${h.expandedBytes} bytes, ${room} available`);
  }
}

/** Verify a whole flash image (as the device does at boot) and answer the expanded VM image. */
export function verifyImage(bytes: Uint8Array, t: CheckTarget = {}): { header: FlashImageHeader; raw: Uint8Array } {
  const h = readHeader(bytes);
  checkHeader(h, t);
  const total = FI_HEADER_BYTES + h.payloadBytes;
  if (bytes.length < total) throw new FlashImageError(FE_TRUNCATED, `${bytes.length} bytes, the header announces ${total}`);
  if (bytes.length > total) throw new FlashImageError(FE_SIZES, `${bytes.length} bytes, the header announces ${total}`);
  const payload = bytes.subarray(FI_HEADER_BYTES, total);
  const crc = crc32(payload);
  if (crc !== h.payloadCrc) throw new FlashImageError(FE_PAYLOAD_CRC, `stored 0x${hex(h.payloadCrc)}, computed 0x${hex(crc)}`);
  let raw: Uint8Array;
  try {
    // one byte of headroom: a stream longer than announced is seen as such
    const r = inflateRawSync(payload, { maxOutputLength: h.expandedBytes + 1, info: true }) as unknown as
      { buffer: Buffer; engine: { bytesWritten: number } };
    raw = new Uint8Array(r.buffer);
    if (r.engine.bytesWritten !== payload.length) {
      throw new FlashImageError(FE_INFLATE, `stream ends after ${r.engine.bytesWritten} of ${payload.length} bytes`);
    }
  } catch (e) {
    if (e instanceof FlashImageError) throw e;
    const err = e as Error & { code?: string };
    if (err.code === "ERR_BUFFER_TOO_LARGE") throw new FlashImageError(FE_EXPANDED_SIZE, `expands beyond ${h.expandedBytes}`);
    if (err.code === "Z_BUF_ERROR") throw new FlashImageError(FE_TRUNCATED, "compressed stream ends early");
    throw new FlashImageError(FE_INFLATE, err.message);
  }
  if (raw.length !== h.expandedBytes) throw new FlashImageError(FE_EXPANDED_SIZE, `expected ${h.expandedBytes}, found ${raw.length}`);
  const sha = createHash("sha256").update(raw).digest();
  if (!sha.equals(Buffer.from(h.sha256))) throw new FlashImageError(FE_SHA256, "");
  const info = readVmImage(raw);
  if (info.wordBits !== h.wordBits) throw new FlashImageError(FE_INNER, `VM image is ${info.wordBits}-bit, flash header says ${h.wordBits}`);
  return { header: h, raw };
}

export interface PackStats {
  rawBytes: number;
  packedBytes: number;
  payloadBytes: number;
  gzip9Bytes: number;
  /** packed payload / gzip -9 output (< 1: smaller than gzip). */
  ratioVsGzip: number;
  /** packed / raw */
  ratio: number;
}

/** Size of `gzip -9 -n` output for `raw` (the gzip tool when installed, else zlib level 9). */
export function gzip9Size(raw: Uint8Array): { bytes: number; tool: "gzip" | "zlib" } {
  try {
    const out = execFileSync("gzip", ["-9", "-n", "-c"], { input: raw, maxBuffer: raw.length * 2 + 65536, stdio: ["pipe", "pipe", "ignore"] });
    return { bytes: out.length, tool: "gzip" };
  } catch {
    return { bytes: gzipSync(raw, { level: 9 }).length, tool: "zlib" };
  }
}

export function packStats(raw: Uint8Array, packed: Uint8Array): PackStats {
  const gz = gzip9Size(raw).bytes;
  return {
    rawBytes: raw.length,
    packedBytes: packed.length,
    payloadBytes: packed.length - FI_HEADER_BYTES,
    gzip9Bytes: gz,
    ratioVsGzip: packed.length / gz,
    ratio: packed.length / raw.length,
  };
}
