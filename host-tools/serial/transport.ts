// Byte links under the framing: open / read / write / close, nothing else
// (no framing, no timing).  Implementations: serial port (serialport, also
// works on pseudo-terminals), an in-memory pair for unit tests, and a
// fault-injecting wrapper.

/** A bidirectional byte link.  Bytes arrive through the `onData` listener. */
export interface Transport {
  write(data: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the link goes away (closed here or by the other end). */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

/** Shared listener plumbing for the implementations. */
export abstract class BaseTransport implements Transport {
  private dataListeners: ((c: Uint8Array) => void)[] = [];
  private closeListeners: ((err?: Error) => void)[] = [];
  protected open = true;

  get isOpen(): boolean { return this.open; }
  onData(l: (chunk: Uint8Array) => void): void { this.dataListeners.push(l); }
  onClose(l: (err?: Error) => void): void { this.closeListeners.push(l); }
  protected emitData(c: Uint8Array): void { for (const l of this.dataListeners) l(c); }
  protected emitClose(err?: Error): void {
    if (!this.open) return;
    this.open = false;
    for (const l of this.closeListeners) l(err);
  }
  abstract write(data: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;
}

/** One end of an in-memory link (see memoryPair). Delivery is asynchronous. */
export class MemoryTransport extends BaseTransport {
  peer: MemoryTransport | null = null;
  async write(data: Uint8Array): Promise<void> {
    if (!this.open) throw new Error("link closed");
    const copy = data.slice();
    const peer = this.peer;
    setImmediate(() => { if (peer && peer.open) peer.emitData(copy); });
  }
  /** Bytes as if they arrived from the other end (tests). */
  inject(data: Uint8Array): void { this.emitData(data); }
  async close(): Promise<void> {
    this.emitClose();
    const p = this.peer;
    if (p) setImmediate(() => p.emitClose());
  }
}

export function memoryPair(): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b; b.peer = a;
  return [a, b];
}

export interface FaultOptions {
  /** Probability per byte of dropping it (each direction). */
  drop?: number;
  /** Probability per byte of flipping a random bit. */
  corrupt?: number;
  /** Pseudo-random seed (deterministic runs). */
  seed?: number;
  /** Apply faults to bytes written (host -> device), read (device -> host), or both. */
  direction?: "tx" | "rx" | "both";
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Wraps a transport and drops / corrupts bytes on the way. */
export class FaultyTransport extends BaseTransport {
  readonly stats = { dropped: 0, corrupted: 0 };
  private rnd: () => number;
  constructor(private inner: Transport, private opts: FaultOptions) {
    super();
    this.rnd = prng(opts.seed ?? 1);
    const rx = opts.direction !== "tx";
    inner.onData((c) => this.emitData(rx ? this.mangle(c) : c));
    inner.onClose((e) => this.emitClose(e));
  }
  /** Change the fault rates on the fly (e.g. faults only during a transfer). */
  set(opts: Partial<FaultOptions>): void { Object.assign(this.opts, opts); }
  private mangle(c: Uint8Array): Uint8Array {
    const drop = this.opts.drop ?? 0;
    const corrupt = this.opts.corrupt ?? 0;
    if (drop === 0 && corrupt === 0) return c;
    const out: number[] = [];
    for (const b of c) {
      if (this.rnd() < drop) { this.stats.dropped++; continue; }
      if (this.rnd() < corrupt) { this.stats.corrupted++; out.push(b ^ (1 << Math.floor(this.rnd() * 8))); continue; }
      out.push(b);
    }
    return Uint8Array.from(out);
  }
  async write(data: Uint8Array): Promise<void> {
    const tx = this.opts.direction !== "rx";
    await this.inner.write(tx ? this.mangle(data) : data);
  }
  async close(): Promise<void> { await this.inner.close(); this.emitClose(); }
}
