// A simulated board's UART on a real pseudo-terminal.  socat creates the pty
// (link at `ttyPath`) and connects it to a unix socket this process serves:
//
//   host (serialport) ─ pty ─ socat ─ unix socket ─ SimBoard (paced UART)
//
// socat exits when the host closes the tty (EIO on the pty master); it is
// restarted at once, so the same path serves the next session.  Bytes the
// board sends while no host is attached are lost, as on a real UART.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { existsSync, mkdtempSync, rmSync, lstatSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimBoard } from "./simboard.js";

export function socatAvailable(): boolean {
  const r = spawnSync("socat", ["-V"], { stdio: "ignore" });
  return r.status === 0;
}

export class SimPty {
  private server: Server | null = null;
  private socat: ChildProcess | null = null;
  private conn: Socket | null = null;
  private dir: string;
  private sock: string;
  private stopping = false;
  private socatStarted = 0;
  /** The current socat already served a session (it exits when that ends). */
  private socatUsed = false;
  /** Host sessions served so far. */
  sessions = 0;

  constructor(private board: SimBoard, readonly ttyPath: string, private log: (s: string) => void = () => {}) {
    this.dir = mkdtempSync(join(tmpdir(), "talc-sim-"));
    this.sock = join(this.dir, "uart.sock");
  }

  /** Start serving; resolves once the tty path exists. */
  async start(): Promise<void> {
    if (!socatAvailable()) throw new Error("socat is not installed (apt-get install socat): the simulated board needs it for its pseudo-terminal");
    this.removeStaleLink();
    this.server = createServer((s) => this.onConnection(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.sock, () => resolve());
    });
    this.spawnSocat();
    const deadline = Date.now() + 5000;
    while (!existsSync(this.ttyPath)) {
      if (Date.now() > deadline) throw new Error(`socat did not create ${this.ttyPath}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private removeStaleLink(): void {
    try {
      if (lstatSync(this.ttyPath).isSymbolicLink()) unlinkSync(this.ttyPath);
      else throw new Error(`${this.ttyPath} exists and is not a symbolic link; choose another --link path`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  private spawnSocat(): void {
    if (this.stopping) return;
    const p = spawn("socat", [`PTY,link=${this.ttyPath},raw,echo=0,wait-slave,pty-interval=0.01`, `UNIX-CONNECT:${this.sock}`], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr?.on("data", (d: Buffer) => { err += d.toString(); });
    p.on("exit", (code) => {
      if (this.socat === p) this.socat = null;
      if (this.stopping) return;
      if (code !== 0 && err) this.log(`socat: ${err.trim()}`);
      setTimeout(() => this.spawnSocat(), 20);
    });
    this.socat = p;
    this.socatStarted = Date.now();
    this.socatUsed = false;
  }

  private onConnection(s: Socket): void {
    this.socatUsed = true;
    if (this.conn) this.conn.destroy();
    this.conn = s;
    this.sessions++;
    this.log(`host attached (session ${this.sessions})`);
    this.board.attach((b) => { if (this.conn === s && !s.destroyed) s.write(b); });
    s.on("data", (d: Buffer) => this.board.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    const gone = () => {
      if (this.conn === s) { this.conn = null; this.board.attach(null); this.log("host detached"); }
    };
    s.on("close", gone);
    s.on("error", gone);
  }

  /** Resolves when no host session is attached and a fresh socat waits for
   *  the next one (a host that reopens at once could catch the old pty). */
  async idle(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.conn !== null || this.socat === null || this.socatUsed
      || this.socatStarted > Date.now() - 50 || !existsSync(this.ttyPath)) {
      if (Date.now() > deadline) throw new Error("the simulated board's pty did not become free");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.conn?.destroy();
    const p = this.socat;
    if (p && p.exitCode === null) {
      await new Promise<void>((resolve) => { p.once("exit", () => resolve()); p.kill("SIGTERM"); });
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
    try { if (lstatSync(this.ttyPath).isSymbolicLink()) unlinkSync(this.ttyPath); } catch { /* gone */ }
  }
}
