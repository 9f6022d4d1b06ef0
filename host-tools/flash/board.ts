// Board descriptions (boards/<name>/board.json): flash geometry, slots, RAM.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../classpath.js";
import { BR_SECTORS, DEFAULT_MAX_ATTEMPTS } from "../../vm-as/flash/layout.js";
import { crc32 } from "./crc32.js";

export interface Slot { offset: number; size: number }

export interface Board {
  name: string;
  /** CRC-32 of the name's ASCII bytes: the board id in flash image headers. */
  id: number;
  wordBits: number;
  flashSize: number;
  sectorSize: number;
  bootOffset: number;
  slots: [Slot, Slot];
  maxBootAttempts: number;
  ramSize: number;
  uartBaud: number;
}

export class BoardError extends Error {}

export function boardsDir(): string {
  return join(packageRoot(), "boards");
}

export function boardNames(): string[] {
  const dir = boardsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, "board.json"))).sort();
}

export function boardId(name: string): number {
  return crc32(new TextEncoder().encode(name));
}

function num(v: unknown, what: string, file: string): number {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v)) n = parseInt(v.slice(2), 16);
  else if (typeof v === "string" && /^[0-9]+$/.test(v)) n = parseInt(v, 10);
  else throw new BoardError(`${file}: ${what} must be a number or "0x…" string`);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new BoardError(`${file}: ${what} out of range`);
  return n;
}

function obj(v: unknown, what: string, file: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BoardError(`${file}: ${what} must be an object`);
  return v as Record<string, unknown>;
}

/** Parse and check a board description (the same rules as flash_setup). */
export function parseBoard(json: unknown, file: string): Board {
  const b = obj(json, "the board", file);
  const name = b.name;
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,16}$/.test(name)) {
    throw new BoardError(`${file}: name must be 1-16 characters [A-Za-z0-9_.-]`);
  }
  const flash = obj(b.flash, "flash", file);
  const boot = obj(b.bootRecord, "bootRecord", file);
  const slots = b.slots;
  if (!Array.isArray(slots) || slots.length !== 2) throw new BoardError(`${file}: slots must list exactly 2 slots`);
  const s = slots.map((x, i) => {
    const o = obj(x, `slots[${i}]`, file);
    return { offset: num(o.offset, `slots[${i}].offset`, file), size: num(o.size, `slots[${i}].size`, file) };
  });
  const board: Board = {
    name,
    id: boardId(name),
    wordBits: b.wordBits === undefined ? 32 : num(b.wordBits, "wordBits", file),
    flashSize: num(flash.size, "flash.size", file),
    sectorSize: num(flash.sectorSize, "flash.sectorSize", file),
    bootOffset: num(boot.offset, "bootRecord.offset", file),
    slots: [s[0], s[1]],
    maxBootAttempts: b.maxBootAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : num(b.maxBootAttempts, "maxBootAttempts", file),
    ramSize: num(obj(b.ram, "ram", file).size, "ram.size", file),
    uartBaud: b.uart === undefined ? 115200 : num(obj(b.uart, "uart", file).baud, "uart.baud", file),
  };
  const sec = board.sectorSize;
  if (sec < 256 || (sec & (sec - 1)) !== 0) throw new BoardError(`${file}: flash.sectorSize must be a power of two >= 256`);
  if (board.wordBits !== 32 && board.wordBits !== 16) throw new BoardError(`${file}: wordBits must be 32 or 16`);
  if (board.slots[0].size !== board.slots[1].size) throw new BoardError(`${file}: both slots must have the same size`);
  const regions: [string, number, number][] = [
    ["bootRecord", board.bootOffset, BR_SECTORS * sec],
    ["slots[0]", board.slots[0].offset, board.slots[0].size],
    ["slots[1]", board.slots[1].offset, board.slots[1].size],
  ];
  for (const [what, off, size] of regions) {
    if (off % sec !== 0 || size % sec !== 0 || size === 0) throw new BoardError(`${file}: ${what} must be sector aligned`);
    if (off + size > board.flashSize) throw new BoardError(`${file}: ${what} ends beyond the flash`);
  }
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) {
      const [a, ao, as] = regions[i];
      const [c, co, cs] = regions[j];
      if (ao < co + cs && co < ao + as) throw new BoardError(`${file}: ${a} overlaps ${c}`);
    }
  }
  if (board.maxBootAttempts < 1 || board.maxBootAttempts > 100) throw new BoardError(`${file}: maxBootAttempts must be 1..100`);
  return board;
}

/** Load boards/<name>/board.json. */
export function loadBoard(name: string): Board {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new BoardError(`unknown board '${name}'`);
  const file = join(boardsDir(), name, "board.json");
  if (!existsSync(file)) {
    throw new BoardError(`unknown board '${name}' (known: ${boardNames().join(", ") || "none"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new BoardError(`${file}: ${(e as Error).message}`);
  }
  return parseBoard(json, file);
}
