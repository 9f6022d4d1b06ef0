// Requests and replies over a Transport: sequence numbers, a deadline on
// every wait, retries, and the device's unsolicited events (announce,
// console output, program exit).  Commands: vm-as/device/protocol.ts.
import {
  PROTO_VERSION, SEQ_NONE, T_REPLY, T_ERROR, T_EV_ANNOUNCE, T_EV_CONSOLE, T_EV_EXIT,
  T_HELLO, T_ERASE, T_WRITE, T_READ, T_HASH, T_SUMS, T_SET_ACTIVE, T_BOOT, T_RESET,
  T_CONSOLE_IN, T_EVAL, E_VERSION, HASH_CRC32, MAX_SUMS, RESET_RUN, MAX_PAYLOAD,
} from "../../vm-as/device/protocol.js";
import { encodeFrame, FrameDecoder, type Frame } from "./frame.js";
import type { Transport } from "./transport.js";
import { parseInfo, errorName, type DeviceInfo } from "./info.js";

/** The device refused a request (T_ERROR with this request's seq). */
export class DeviceError extends Error {
  constructor(readonly code: number, readonly requestType: number, readonly text: string) {
    super(`device refused: ${errorName(code)}: ${text}`);
  }
}

export type Outcome =
  | { kind: "reply"; payload: Uint8Array }
  | { kind: "error"; error: DeviceError }
  | { kind: "line" }      // a frame was lost or corrupted on the line (ours, most likely)
  | { kind: "timeout" }
  | { kind: "reset"; info: DeviceInfo | null }  // the device announced a reboot
  | { kind: "closed" };

interface Pending { seq: number; type: number; done: (o: Outcome) => void; timer: NodeJS.Timeout }

export interface ClientOptions {
  /** Line rate, for deadlines that grow with the bytes in flight. */
  baud: number;
  /** Log of protocol events (retries, resyncs) for -v. */
  log?: (s: string) => void;
}

export interface ConsoleOutput { fd: number; data: Uint8Array }

export class DeviceClient {
  private decoder = new FrameDecoder();
  private seq = 0;
  private pending: Pending[] = [];   // oldest first
  private announceListeners: ((i: DeviceInfo | null, raw: Uint8Array) => void)[] = [];
  private consoleListeners: ((c: ConsoleOutput) => void)[] = [];
  private exitListeners: ((status: number) => void)[] = [];
  readonly stats = { sent: 0, received: 0, lineErrors: 0, retries: 0, timeouts: 0, bytesOut: 0 };
  lastAnnounce: DeviceInfo | null = null;
  announces = 0;
  /** Protocol version of well-formed frames of another version seen (a newer or older device). */
  foreignVersion: number | null = null;

  constructor(readonly link: Transport, readonly opts: ClientOptions) {
    link.onData((c) => this.decoder.push(c, (r) => {
      if (r.kind === "frame") this.onFrame(r.frame);
      else this.onLineError();
    }));
    link.onClose(() => {
      const all = this.pending.splice(0);
      for (const p of all) { clearTimeout(p.timer); p.done({ kind: "closed" }); }
    });
  }

  /** Seconds per byte on the line (10 bits per byte). */
  get byteTime(): number { return 10 / this.opts.baud; }

  onAnnounce(l: (i: DeviceInfo | null, raw: Uint8Array) => void): void { this.announceListeners.push(l); }
  onConsole(l: (c: ConsoleOutput) => void): void { this.consoleListeners.push(l); }
  onExit(l: (status: number) => void): void { this.exitListeners.push(l); }

  private log(s: string): void { this.opts.log?.(s); }

  private onLineError(): void {
    this.stats.lineErrors++;
    const p = this.pending[0];
    if (p) this.settle(p, { kind: "line" });
  }

  private settle(p: Pending, o: Outcome): void {
    const i = this.pending.indexOf(p);
    if (i < 0) return;
    this.pending.splice(i, 1);
    clearTimeout(p.timer);
    p.done(o);
  }

  private onFrame(f: Frame): void {
    this.stats.received++;
    if (f.version !== PROTO_VERSION) {
      this.foreignVersion = f.version;
      this.log(`frame with protocol version ${f.version} ignored`);
      return;
    }
    if (f.type === T_EV_ANNOUNCE) {
      let info: DeviceInfo | null = null;
      try { info = parseInfo(f.payload); } catch { info = null; }
      this.lastAnnounce = info;
      this.announces++;
      for (const p of this.pending.slice()) this.settle(p, { kind: "reset", info });
      for (const l of this.announceListeners) l(info, f.payload);
      return;
    }
    if (f.type === T_EV_CONSOLE) {
      if (f.payload.length < 1) return;
      const c = { fd: f.payload[0]!, data: f.payload.subarray(1) };
      for (const l of this.consoleListeners) l(c);
      return;
    }
    if (f.type === T_EV_EXIT) {
      if (f.payload.length < 4) return;
      const status = new DataView(f.payload.buffer, f.payload.byteOffset, 4).getInt32(0, true);
      for (const l of this.exitListeners) l(status);
      return;
    }
    if (f.type === T_ERROR) {
      const code = f.payload[0] ?? 0;
      const reqType = f.payload[1] ?? 0;
      const text = new TextDecoder().decode(f.payload.subarray(2));
      if (f.seq === SEQ_NONE) { this.log(`device: ${text}`); this.onLineError(); return; }
      const p = this.pending.find((q) => q.seq === f.seq);
      if (p) this.settle(p, { kind: "error", error: new DeviceError(code, reqType, text) });
      return;
    }
    const p = this.pending.find((q) => q.seq === f.seq);
    if (p && f.type === (p.type | T_REPLY)) this.settle(p, { kind: "reply", payload: f.payload });
  }

  /** Send one request and wait for its outcome (no retry). */
  exchange(type: number, payload: Uint8Array, timeoutMs: number): Promise<Outcome> {
    if (payload.length > MAX_PAYLOAD) throw new Error(`${requestName(type)} payload of ${payload.length} bytes exceeds the protocol's ${MAX_PAYLOAD}`);
    this.seq = (this.seq + 1) & 0xffff;
    if (this.seq === SEQ_NONE) this.seq = 0;
    const seq = this.seq;
    const frame = encodeFrame(type, seq, payload);
    return new Promise<Outcome>((resolve) => {
      if (!this.link.isOpen) { resolve({ kind: "closed" }); return; }
      const p: Pending = {
        seq, type, done: resolve,
        timer: setTimeout(() => { this.stats.timeouts++; this.settle(p, { kind: "timeout" }); }, timeoutMs),
      };
      this.pending.push(p);
      this.stats.sent++;
      this.stats.bytesOut += frame.length;
      this.link.write(frame).catch(() => this.settle(p, { kind: "closed" }));
    });
  }

  /** Deadline for a request of `outBytes` whose reply is `inBytes`, behind `queued` bytes. */
  deadline(outBytes: number, inBytes: number, queued = 0): number {
    return 400 + 2000 * this.byteTime * (outBytes + inBytes + queued + 40);
  }

  /**
   * A request with retries: resent after a timeout or a line error, up to
   * `retries` times.  A device refusal throws DeviceError; a reboot of the
   * device throws ResetError (callers decide whether to start over).
   */
  async call(type: number, payload: Uint8Array, o: { retries?: number; timeoutMs?: number; replyBytes?: number; retryOnReset?: boolean } = {}): Promise<Uint8Array> {
    const retries = o.retries ?? 5;
    const timeout = o.timeoutMs ?? this.deadline(payload.length + 16, (o.replyBytes ?? 16) + 16);
    for (let attempt = 0; ; attempt++) {
      const r = await this.exchange(type, payload, timeout);
      switch (r.kind) {
        case "reply": return r.payload;
        case "error": throw r.error;
        case "reset":
          if (!o.retryOnReset || attempt >= retries) throw new ResetError(r.info);
          break;
        case "closed": throw new LinkClosedError();
        default:
          if (attempt >= retries) {
            throw new TimeoutError(`no answer from the device to ${requestName(type)} after ${attempt + 1} attempts`);
          }
          this.stats.retries++;
          this.log(`${requestName(type)}: ${r.kind === "timeout" ? "timed out" : "line error"}, retrying`);
      }
    }
  }

  /** Send the sync delimiter (ends any partial frame on the device). */
  async sync(): Promise<void> { await this.link.write(new Uint8Array([0, 0])); }

  async hello(retries = 5): Promise<DeviceInfo> {
    await this.sync();
    try {
      // generous deadline: a pty bridge may take a moment to notice a new session
      return parseInfo(await this.call(T_HELLO, Uint8Array.of(PROTO_VERSION), { retries, replyBytes: 300, timeoutMs: 1500, retryOnReset: true }));
    } catch (e) {
      if (e instanceof DeviceError && e.code === E_VERSION) {
        throw new VersionError(`protocol version mismatch: the device says "${e.text}" — use a talc and a firmware of the same release`);
      }
      if (e instanceof TimeoutError && this.foreignVersion !== null) {
        throw new VersionError(`protocol version mismatch: the device answers in protocol version ${this.foreignVersion}, this talc speaks version ${PROTO_VERSION} — use a talc and a firmware of the same release`);
      }
      throw e;
    }
  }

  /** HELLO that tolerates a reboot in between (answers the fresh info). */
  async helloAfterReset(retries = 5): Promise<DeviceInfo> {
    for (let i = 0; ; i++) {
      try { return await this.hello(retries); } catch (e) {
        if (!(e instanceof ResetError) || i >= 3) throw e;
      }
    }
  }

  erase(offset: number, length: number): Promise<Uint8Array> {
    return this.call(T_ERASE, u32s(offset, length), { timeoutMs: 5000 });
  }

  writeFrame(offset: number, data: Uint8Array): Uint8Array {
    const p = new Uint8Array(4 + data.length);
    new DataView(p.buffer).setUint32(0, offset, true);
    p.set(data, 4);
    return p;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const p = new Uint8Array(6);
    const dv = new DataView(p.buffer);
    dv.setUint32(0, offset, true);
    dv.setUint16(4, length, true);
    const r = await this.call(T_READ, p, { replyBytes: length + 4 });
    return r.subarray(4);
  }

  async hash(algo: number, offset: number, length: number): Promise<Uint8Array> {
    const p = new Uint8Array(9);
    const dv = new DataView(p.buffer);
    p[0] = algo;
    dv.setUint32(1, offset, true);
    dv.setUint32(5, length, true);
    const r = await this.call(T_HASH, p, { timeoutMs: 10000, replyBytes: 40 });
    return r.subarray(1);
  }

  async crc(offset: number, length: number): Promise<number> {
    const d = await this.hash(HASH_CRC32, offset, length);
    return new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true);
  }

  /** CRC-32 of `count` blocks of `block` bytes from `offset`. */
  async sums(offset: number, block: number, count: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i += MAX_SUMS) {
      const n = Math.min(MAX_SUMS, count - i);
      const p = new Uint8Array(10);
      const dv = new DataView(p.buffer);
      dv.setUint32(0, offset + i * block, true);
      dv.setUint32(4, block, true);
      dv.setUint16(8, n, true);
      const r = await this.call(T_SUMS, p, { timeoutMs: 10000, replyBytes: 4 * n });
      if (r.length !== 4 * n) throw new Error(`device answered ${r.length} bytes of checksums, expected ${4 * n}`);
      const rv = new DataView(r.buffer, r.byteOffset, r.length);
      for (let k = 0; k < n; k++) out.push(rv.getUint32(4 * k, true));
    }
    return out;
  }

  setActive(slot: number): Promise<Uint8Array> {
    return this.call(T_SET_ACTIVE, Uint8Array.of(slot), { timeoutMs: 10000, retries: 3 });
  }

  boot(): Promise<Uint8Array> { return this.call(T_BOOT, new Uint8Array(0)); }

  /**
   * Ask for a reset and answer the device's INFO after it: its ANNOUNCE, or,
   * when that is lost on the line, a HELLO answered after the reset (any
   * answer that arrives after the RESET reply comes from the new boot).
   */
  async reset(mode = RESET_RUN, waitMs = 15000): Promise<DeviceInfo | null> {
    const deadline = Date.now() + waitMs;
    const before = this.announces;
    const announced = this.waitAnnounce(waitMs, before).catch(() => null);
    let replied = false;
    for (let attempt = 0; attempt < 6 && this.announces === before && !replied; attempt++) {
      const r = await this.exchange(T_RESET, Uint8Array.of(mode), this.deadline(20, 20));
      if (r.kind === "reply") replied = true;
      else if (r.kind === "reset") break;
      else if (r.kind === "error") throw r.error;
      else if (r.kind === "closed") throw new LinkClosedError();
    }
    if (this.announces > before) return this.lastAnnounce;
    // Give the announce a moment, then ask.
    const quick = await Promise.race([announced, new Promise<"late">((res) => setTimeout(() => res("late"), 2000))]);
    if (quick !== "late" && quick !== null) return quick;
    if (this.announces > before) return this.lastAnnounce;
    while (Date.now() < deadline) {
      try {
        return await this.hello(3);
      } catch (e) {
        if (e instanceof ResetError) return e.info ?? this.lastAnnounce;
        if (!(e instanceof TimeoutError)) throw e;
      }
    }
    throw new TimeoutError(`the device did not come back within ${waitMs / 1000} s after a reset`);
  }

  /** Resolves with the next ANNOUNCE after the `after`-th, or rejects after `ms`. */
  waitAnnounce(ms: number, after = this.announces): Promise<DeviceInfo | null> {
    return new Promise((resolve, reject) => {
      if (this.announces > after) { resolve(this.lastAnnounce); return; }
      const timer = setTimeout(() => reject(new TimeoutError(`the device did not announce itself within ${ms / 1000} s`)), ms);
      this.onAnnounce((info) => { clearTimeout(timer); resolve(info); });
    });
  }

  async consoleIn(data: Uint8Array): Promise<number> {
    const r = await this.call(T_CONSOLE_IN, data);
    return new DataView(r.buffer, r.byteOffset, 2).getUint16(0, true);
  }

  /** Evaluate a compiled DoIt class file; answers [status, text]. */
  async eval(classFile: Uint8Array, timeoutMs = 30000): Promise<{ ok: boolean; text: string }> {
    if (classFile.length > MAX_PAYLOAD) {
      throw new EvalTooLargeError(`the compiled expression (${classFile.length} bytes) does not fit one frame (${MAX_PAYLOAD} bytes); split it into smaller expressions`);
    }
    const r = await this.call(T_EVAL, classFile, { retries: 1, timeoutMs: timeoutMs + this.deadline(classFile.length, 0) });
    return { ok: r[0] === 0, text: new TextDecoder().decode(r.subarray(1)) };
  }

  async close(): Promise<void> { await this.link.close(); }
}

export class TimeoutError extends Error {}
export class VersionError extends Error {}
export class EvalTooLargeError extends Error {}
export class LinkClosedError extends Error { constructor() { super("the serial link closed"); } }
export class ResetError extends Error {
  constructor(readonly info: DeviceInfo | null) { super("the device reset"); }
}

function u32s(...v: number[]): Uint8Array {
  const p = new Uint8Array(4 * v.length);
  const dv = new DataView(p.buffer);
  v.forEach((x, i) => dv.setUint32(4 * i, x >>> 0, true));
  return p;
}

export function requestName(t: number): string {
  const names: Record<number, string> = {
    [T_HELLO]: "HELLO", [T_ERASE]: "ERASE", [T_WRITE]: "WRITE", [T_READ]: "READ", [T_HASH]: "HASH",
    [T_SUMS]: "SUMS", [T_SET_ACTIVE]: "SET_ACTIVE", [T_BOOT]: "BOOT", [T_RESET]: "RESET",
    [T_CONSOLE_IN]: "CONSOLE_IN", [T_EVAL]: "EVAL",
  };
  return names[t] ?? `request 0x${t.toString(16)}`;
}
