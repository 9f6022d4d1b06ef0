// A simulated NOR flash: erase sets a sector to 0xFF, program can only clear
// bits (a 0→1 bit is an error, as on real flash).  Optionally backed by a
// file (every operation is written through, so the file keeps its bytes
// between runs like real flash), and optionally cut off after a number of
// operations (the power-cut harness).
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from "node:fs";

/** Thrown by an operation after the power was cut: the operation did not (fully) happen. */
export class PowerCut extends Error {
  constructor(readonly op: number) { super(`power cut at flash operation ${op}`); }
}

/** An operation real flash cannot do (programming a 0 bit to 1, misaligned erase, out of range). */
export class FlashFault extends Error {}

export interface CutPlan {
  /** Operations (erase or program) allowed before the cut; the next one is cut. */
  budget: number;
  /** How the cut operation is left: "none" (not started) or "half" (first half of its bytes done). */
  mode: "none" | "half";
}

export class SimFlash {
  /** Erase and program operations performed so far. */
  ops = 0;
  cut: CutPlan | null = null;
  private fd: number | null = null;

  constructor(readonly bytes: Uint8Array, readonly sectorSize: number) {
    if (bytes.length % sectorSize !== 0) throw new FlashFault(`flash size ${bytes.length} is not a multiple of the sector size ${sectorSize}`);
  }

  /** A fully erased flash. */
  static erased(size: number, sectorSize: number): SimFlash {
    return new SimFlash(new Uint8Array(size).fill(0xff), sectorSize);
  }

  /** Open a flash file of exactly `size` bytes; writes go through to the file. */
  static openFile(path: string, size: number, sectorSize: number): SimFlash {
    if (!existsSync(path)) throw new FlashFault(`${path}: no such flash file (create it with \`talc flash-file create\`)`);
    const fd = openSync(path, "r+");
    try {
      const len = fstatSync(fd).size;
      if (len !== size) throw new FlashFault(`${path}: flash file has ${len} bytes, the board's flash has ${size}`);
      const bytes = new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, bytes, got, size - got, got);
        if (n <= 0) throw new FlashFault(`${path}: short read`);
        got += n;
      }
      const f = new SimFlash(bytes, sectorSize);
      f.fd = fd;
      return f;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }

  copy(): SimFlash {
    return new SimFlash(this.bytes.slice(), this.sectorSize);
  }

  private persist(off: number, len: number): void {
    if (this.fd !== null) writeSync(this.fd, this.bytes, off, len, off);
  }

  private range(off: number, len: number, what: string): void {
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > this.bytes.length) {
      throw new FlashFault(`${what} of ${len} bytes at 0x${off.toString(16)} is outside the flash (${this.bytes.length} bytes)`);
    }
  }

  /** Count an operation; answers "cut" when this one is interrupted. */
  private tick(): "go" | "cut" {
    if (this.cut !== null && this.ops >= this.cut.budget) return "cut";
    this.ops++;
    return "go";
  }

  read(off: number, len: number): Uint8Array {
    this.range(off, len, "read");
    return this.bytes.subarray(off, off + len);
  }

  erase(sectorOff: number): void {
    this.range(sectorOff, this.sectorSize, "erase");
    if (sectorOff % this.sectorSize !== 0) throw new FlashFault(`erase at 0x${sectorOff.toString(16)} is not sector aligned`);
    if (this.tick() === "cut") {
      if (this.cut!.mode === "half") {
        this.bytes.fill(0xff, sectorOff, sectorOff + this.sectorSize / 2);
        this.persist(sectorOff, this.sectorSize / 2);
      }
      throw new PowerCut(this.ops);
    }
    this.bytes.fill(0xff, sectorOff, sectorOff + this.sectorSize);
    this.persist(sectorOff, this.sectorSize);
  }

  program(off: number, data: Uint8Array): void {
    this.range(off, data.length, "program");
    for (let i = 0; i < data.length; i++) {
      const old = this.bytes[off + i];
      if ((~old & data[i] & 0xff) !== 0) {
        throw new FlashFault(`program at 0x${(off + i).toString(16)} would set bits (0x${old.toString(16)} -> 0x${data[i].toString(16)}): erase first`);
      }
    }
    let n = data.length;
    let cutNow = false;
    if (this.tick() === "cut") {
      cutNow = true;
      n = this.cut!.mode === "half" ? data.length >> 1 : 0;
    }
    for (let i = 0; i < n; i++) this.bytes[off + i] &= data[i];
    if (n > 0) this.persist(off, n);
    if (cutNow) throw new PowerCut(this.ops);
  }
}
