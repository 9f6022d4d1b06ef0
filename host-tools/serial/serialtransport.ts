// Transport over a serial port (or pseudo-terminal) with the serialport
// package.  Opening retries briefly while the path does not exist yet (a
// simulated board recreates its pty link between sessions).
import { SerialPort } from "serialport";
import { BaseTransport } from "./transport.js";

export class SerialTransport extends BaseTransport {
  private constructor(private port: SerialPort) {
    super();
    port.on("data", (d: Buffer) => this.emitData(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    port.on("close", (err?: Error | null) => this.emitClose(err ?? undefined));
    port.on("error", (err: Error) => this.emitClose(err));
  }

  /** Open `path` at `baudRate`; retries for up to `waitMs` while it is missing or busy. */
  static async open(path: string, baudRate: number, waitMs = 3000): Promise<SerialTransport> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const port = await new Promise<SerialPort>((resolve, reject) => {
          const p = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
          p.open((err) => (err ? reject(err) : resolve(p)));
        });
        // A pty whose other end is going away (a bridge between sessions)
        // opens but fails the first write: probe with a frame delimiter,
        // which the protocol ignores, and reopen if it fails.
        const ok = await new Promise<boolean>((resolve) => {
          port.write(Buffer.from([0]), (err) => {
            if (err) { resolve(false); return; }
            port.drain((e) => resolve(!e));
          });
        });
        if (!ok) {
          await new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r()));
          throw new Error("the port failed its first write");
        }
        return new SerialTransport(port);
      } catch (e) {
        const msg = (e instanceof Error ? e.message : String(e)).replace(/^Error: /, "");
        if (Date.now() >= deadline) throw new Error(`cannot open serial port ${path}: ${msg}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.open) { reject(new Error("serial port closed")); return; }
      this.port.write(Buffer.from(data.buffer, data.byteOffset, data.length), (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.port.isOpen) { this.emitClose(); resolve(); return; }
      this.port.close(() => { this.emitClose(); resolve(); });
    });
  }
}
