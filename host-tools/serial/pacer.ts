// Paces a byte stream at a UART's rate: bytes pushed in come out no faster
// than `bytesPerSecond` (10 bits per byte: 115200 baud = 11 520 bytes/s), in
// small batches.  Idle time does not bank credit, as on a real line.
//
// Invariant: while busy, bytes delivered since `t0` <= elapsed * rate.

export class Pacer {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private t0 = 0;
  private sent = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  /** rate 0 = unpaced (delivered on the next tick). */
  constructor(private rate: number, private deliver: (chunk: Uint8Array) => void) {}

  get pending(): number { return this.queued; }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.queue.push(chunk.slice());
    this.queued += chunk.length;
    if (!this.busy) {
      this.busy = true;
      this.t0 = performance.now();
      this.sent = 0;
      this.schedule(this.rate === 0 ? 0 : 1);
    }
  }

  /** Drop everything not yet delivered (a reset, a cable pulled). */
  clear(): void {
    this.queue = [];
    this.queued = 0;
    this.busy = false;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; this.pump(); }, ms);
  }

  private pump(): void {
    if (!this.busy) return;
    let allowed = this.rate === 0
      ? this.queued
      : Math.floor(((performance.now() - this.t0) / 1000) * this.rate) - this.sent;
    if (allowed > this.queued) allowed = this.queued;
    if (allowed > 0) {
      const out = new Uint8Array(allowed);
      let n = 0;
      while (n < allowed) {
        const head = this.queue[0]!;
        const take = Math.min(head.length, allowed - n);
        out.set(head.subarray(0, take), n);
        n += take;
        if (take === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(take);
      }
      this.queued -= allowed;
      this.sent += allowed;
      this.deliver(out);
    }
    if (this.queued > 0 && this.busy) this.schedule(this.rate === 0 ? 0 : 2);
    else this.busy = false;
  }
}
