// Host side of the framing in vm-as/device/protocol.ts: CRC-32, COBS,
// frame encode, and a streaming decoder that turns UART bytes into frames.
import {
  PROTO_VERSION, FRAME_HEADER, FRAME_CRC, MAX_FRAME,
} from "../../vm-as/device/protocol.js";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (zlib/IEEE). `crc` continues a previous result. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** COBS-encode `data` and append the 0x00 delimiter. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.floor(data.length / 254) + 2);
  let o = 1;
  let codeAt = 0;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0) {
      out[codeAt] = code; codeAt = o++; code = 1;
    } else {
      out[o++] = b; code++;
      if (code === 255) { out[codeAt] = code; codeAt = o++; code = 1; }
    }
  }
  out[codeAt] = code;
  out[o++] = 0;
  return out.subarray(0, o);
}

/** Decode one COBS frame (without its delimiter); null when malformed. */
export function cobsDecode(enc: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(enc.length);
  let n = 0;
  let i = 0;
  while (i < enc.length) {
    const code = enc[i++]!;
    if (code === 0) return null;
    if (i + code - 1 > enc.length) return null;
    for (let k = 1; k < code; k++) out[n++] = enc[i++]!;
    if (code !== 255 && i < enc.length) out[n++] = 0;
  }
  return out.subarray(0, n);
}

export interface Frame {
  version: number;
  type: number;
  seq: number;
  payload: Uint8Array;
}

/** Build the wire bytes of one frame (COBS + delimiter). `version` is for tests. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array, version = PROTO_VERSION): Uint8Array {
  const raw = new Uint8Array(FRAME_HEADER + payload.length + FRAME_CRC);
  const dv = new DataView(raw.buffer);
  raw[0] = version;
  raw[1] = type;
  dv.setUint16(2, seq, true);
  raw.set(payload, FRAME_HEADER);
  dv.setUint32(FRAME_HEADER + payload.length, crc32(raw.subarray(0, FRAME_HEADER + payload.length)), true);
  return cobsEncode(raw);
}

export type DecodeResult =
  | { kind: "frame"; frame: Frame }
  | { kind: "bad"; reason: string };

/** Streaming decoder: push bytes, get frames (and reasons for dropped ones). */
export class FrameDecoder {
  private buf = new Uint8Array(MAX_FRAME * 2 + 16);
  private len = 0;
  private overflow = false;

  push(chunk: Uint8Array, out: (r: DecodeResult) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b !== 0) {
        if (this.len < this.buf.length) this.buf[this.len++] = b;
        else this.overflow = true;
        continue;
      }
      if (this.overflow) out({ kind: "bad", reason: "oversized frame" });
      else if (this.len > 0) out(this.finish(this.buf.subarray(0, this.len)));
      this.len = 0;
      this.overflow = false;
    }
  }

  private finish(enc: Uint8Array): DecodeResult {
    const raw = cobsDecode(enc);
    if (!raw) return { kind: "bad", reason: "invalid COBS" };
    if (raw.length < FRAME_HEADER + FRAME_CRC) return { kind: "bad", reason: "short frame" };
    if (raw.length > MAX_FRAME) return { kind: "bad", reason: "oversized frame" };
    const body = raw.length - FRAME_CRC;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
    if (dv.getUint32(body, true) !== crc32(raw.subarray(0, body))) return { kind: "bad", reason: "CRC mismatch" };
    return {
      kind: "frame",
      frame: { version: raw[0]!, type: raw[1]!, seq: dv.getUint16(2, true), payload: raw.slice(FRAME_HEADER, body) },
    };
  }
}
