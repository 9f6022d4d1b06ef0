// The INFO payload (HELLO reply, ANNOUNCE event) and error frames, decoded.
import {
  INFO_PROTO, INFO_STATE, INFO_ACTIVE_SLOT, INFO_RUNNING_SLOT, INFO_VM_VERSION, INFO_IMAGE_VERSION,
  INFO_FLASH_SIZE, INFO_SECTOR, INFO_MAX_PAYLOAD, INFO_SLOT_SIZE, INFO_SLOT_A, INFO_SLOT_B,
  INFO_BOOT_RECORD, INFO_IMAGE_CRC, INFO_IMAGE_LENGTH, INFO_BOOT_RESULT, INFO_BAUD, INFO_WRITABLE_SLOT, INFO_FIXED,
  SLOT_NONE, DS_HOLD, DS_RUNNING, DS_EXITED, DS_NO_IMAGE, DS_FAILED,
  E_CRC, E_TOO_LONG, E_SHORT, E_VERSION, E_UNKNOWN, E_ARGS, E_RANGE, E_PROTECTED, E_ALIGN,
  E_NOT_ERASED, E_FLASH, E_VERIFY, E_BUSY, E_UNSUPPORTED, E_STATE,
} from "../../vm-as/device/protocol.js";

export interface DeviceInfo {
  protocol: number;
  state: number;
  activeSlot: number | null;
  runningSlot: number | null;
  /** Where the next image goes (null: none until a reset). */
  writableSlot: number | null;
  vmVersion: number;
  imageVersion: number;
  flashSize: number;
  sectorSize: number;
  maxPayload: number;
  slotSize: number;
  slotOffsets: [number, number];
  bootRecord: number;
  imageCrc: number;
  imageLength: number;
  bootResult: number;
  baud: number;
  board: string;
  message: string;
}

export function parseInfo(p: Uint8Array): DeviceInfo {
  if (p.length < INFO_FIXED + 2) throw new Error(`device info too short (${p.length} bytes)`);
  const dv = new DataView(p.buffer, p.byteOffset, p.length);
  const slot = (v: number) => (v === SLOT_NONE ? null : v);
  const dec = new TextDecoder();
  let n = INFO_FIXED;
  const nameLen = p[n++]!;
  const board = dec.decode(p.subarray(n, n + nameLen)); n += nameLen;
  const msgLen = p[n++] ?? 0;
  const message = dec.decode(p.subarray(n, n + msgLen));
  return {
    protocol: p[INFO_PROTO]!,
    state: p[INFO_STATE]!,
    activeSlot: slot(p[INFO_ACTIVE_SLOT]!),
    runningSlot: slot(p[INFO_RUNNING_SLOT]!),
    writableSlot: slot(p[INFO_WRITABLE_SLOT]!),
    vmVersion: dv.getUint16(INFO_VM_VERSION, true),
    imageVersion: dv.getUint16(INFO_IMAGE_VERSION, true),
    flashSize: dv.getUint32(INFO_FLASH_SIZE, true),
    sectorSize: dv.getUint32(INFO_SECTOR, true),
    maxPayload: dv.getUint32(INFO_MAX_PAYLOAD, true),
    slotSize: dv.getUint32(INFO_SLOT_SIZE, true),
    slotOffsets: [dv.getUint32(INFO_SLOT_A, true), dv.getUint32(INFO_SLOT_B, true)],
    bootRecord: dv.getUint32(INFO_BOOT_RECORD, true),
    imageCrc: dv.getUint32(INFO_IMAGE_CRC, true),
    imageLength: dv.getUint32(INFO_IMAGE_LENGTH, true),
    bootResult: dv.getInt32(INFO_BOOT_RESULT, true),
    baud: dv.getUint32(INFO_BAUD, true),
    board,
    message,
  };
}

export function stateName(s: number): string {
  switch (s) {
    case DS_HOLD: return "held (not started)";
    case DS_RUNNING: return "running";
    case DS_EXITED: return "program finished";
    case DS_NO_IMAGE: return "no valid image";
    case DS_FAILED: return "image failed to load";
  }
  return `state ${s}`;
}

export function slotName(s: number | null): string {
  return s === null ? "none" : String(s);
}

export function describeInfo(i: DeviceInfo): string {
  const hex = (v: number) => "0x" + v.toString(16).padStart(8, "0");
  const lines = [
    `board          ${i.board}  (protocol ${i.protocol}, VM ${i.vmVersion}, flash image format ${i.imageVersion})`,
    `state          ${stateName(i.state)}${i.message ? ": " + i.message : ""}`,
    `slots          active ${slotName(i.activeSlot)}, running ${slotName(i.runningSlot)}, writable ${slotName(i.writableSlot)}`,
    `running image  ${i.imageLength} bytes, CRC-32 ${hex(i.imageCrc)}`,
    `flash          ${i.flashSize} bytes, sector ${i.sectorSize}, boot record at ${hex(i.bootRecord)}`,
    `slot layout    0 at ${hex(i.slotOffsets[0])}, 1 at ${hex(i.slotOffsets[1])}, ${i.slotSize} bytes each`,
    `uart           ${i.baud} baud, frames up to ${i.maxPayload} payload bytes`,
  ];
  return lines.join("\n") + "\n";
}

export function errorName(code: number): string {
  switch (code) {
    case E_CRC: return "CRC mismatch";
    case E_TOO_LONG: return "frame too long";
    case E_SHORT: return "malformed frame";
    case E_VERSION: return "protocol version mismatch";
    case E_UNKNOWN: return "unknown request";
    case E_ARGS: return "invalid arguments";
    case E_RANGE: return "out of range";
    case E_PROTECTED: return "protected range";
    case E_ALIGN: return "misaligned";
    case E_NOT_ERASED: return "not erased";
    case E_FLASH: return "flash failure";
    case E_VERIFY: return "image verification failed";
    case E_BUSY: return "busy";
    case E_UNSUPPORTED: return "unsupported";
    case E_STATE: return "wrong state";
  }
  return `error ${code}`;
}
