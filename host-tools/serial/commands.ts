// `talc flash`, `talc monitor`, `talc repl`, `talc ports`, `talc device`:
// each a function of (argv after the command name, io) answering an exit
// status: 0 ok, 1 failed (one clear line on stderr), 2 usage.
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { SerialPort } from "serialport";
import cliProgress from "cli-progress";
import { RESET_RUN, RESET_HOLD, DS_EXITED, MAX_PAYLOAD } from "../../vm-as/device/protocol.js";
import { buildClassPath, mainClassName } from "../classpath.js";
import { classPathOption, parseSize, rewriteClassPathFlag } from "../commands/options.js";
import { BoardError, loadBoard } from "../flash/board.js";
import { FlashImageError, isFlashImage, isVmImage, packImage } from "../flash/format.js";
import { FlashFault } from "../flash/simflash.js";
import { DeviceClient, DeviceError, LinkClosedError, ResetError, TimeoutError, VersionError } from "./client.js";
import { FlashError, flashImage, type FlashProgress } from "./flasher.js";
import { describeInfo, slotName, stateName, type DeviceInfo } from "./info.js";
import { SerialTransport } from "./serialtransport.js";
import { SimBoard } from "./simboard.js";
import { SimPty } from "./simpty.js";
import { deviceModule } from "./devicewasm.js";
import { talcSimVm } from "./simvm.js";
import { compileDoIt } from "./doit.js";

export interface SerialIO {
  stdout(s: Uint8Array | string): void;
  stderr(s: Uint8Array | string): void;
  cwd: string;
  /** Console / REPL input (default process.stdin). */
  stdin?: Readable;
  /** Stops monitor, repl and device (default: SIGINT / SIGTERM). */
  signal?: AbortSignal;
  /** Show a progress bar (default: stderr is a terminal). */
  tty?: boolean;
}

/** A failure reported as one line on stderr with exit status 1. */
class Failure extends Error {}

const DEFAULT_BAUD = 115200;

function baudArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 300 || Number(v) > 4_000_000) throw new InvalidArgumentError("expected a baud rate such as 115200.");
  return Number(v);
}

const KNOWN_ERRORS = [Failure, VersionError, FlashError, FlashImageError, DeviceError, TimeoutError, LinkClosedError, ResetError, BoardError, FlashFault];

async function runProgram(program: Command, argv: string[], io: SerialIO, classPath = false): Promise<number> {
  let status = 0;
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) => write(s.startsWith("error: ") ? `${program.name()}: ${s.slice(7)}` : s),
  });
  program.showHelpAfterError(`Try '${program.name()} --help'.`);
  const args = classPath ? rewriteClassPathFlag(argv, ["--port", "--baud", "--classpath", "--heap"], false) : argv;
  try {
    program.action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      status = await (program as Command & { run: (c: Command) => Promise<number> }).run(cmd);
    });
    await program.parseAsync(args, { from: "user" });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version" ? 0 : 2;
    }
    if (KNOWN_ERRORS.some((k) => e instanceof k) || (e instanceof Error && e.name === "TalcError")) {
      io.stderr(`${program.name()}: ${(e as Error).message.replace(/^talc: /, "")}\n`);
      return 1;
    }
    if (e instanceof Error && e.name === "CompileError" && typeof (e as Error & { format?: () => string }).format === "function") {
      io.stderr((e as Error & { format: () => string }).format() + "\n");
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && typeof err.message === "string") {
      io.stderr(`${program.name()}: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}

function command(name: string, summary: string, run: (c: Command) => Promise<number>): Command {
  const c = new Command(`talc ${name}`).description(summary).helpOption("-h, --help", "print this help");
  (c as Command & { run: (c: Command) => Promise<number> }).run = run;
  return c;
}

/** Open the port and say HELLO; one clear error when nothing answers. */
async function connect(port: string, baud: number, io: SerialIO, verbose: boolean): Promise<{ client: DeviceClient; info: DeviceInfo }> {
  let link: SerialTransport;
  try {
    link = await SerialTransport.open(resolve(io.cwd, port), baud, 1500);
  } catch (e) {
    throw new Failure(`${(e as Error).message}${port.startsWith("/dev/") || existsSync(port) ? "" : " (see 'talc ports', or start a simulated board with 'talc device --board sim --flash FILE')"}`);
  }
  const client = new DeviceClient(link, { baud, log: verbose ? (s) => io.stderr(`[serial] ${s}\n`) : undefined });
  try {
    const info = await client.helloAfterReset(4);
    return { client, info };
  } catch (e) {
    await client.close().catch(() => {});
    if (e instanceof TimeoutError) throw new Failure(`no Talc device answers on ${port} at ${baud} baud (is the firmware running, and is the baud rate right?)`);
    throw e;
  }
}

/** Ends monitor / repl / device: io.signal, else Ctrl-C or SIGTERM.  Call
 *  `done()` when the command returns (removes the signal handlers). */
function stopSignal(io: SerialIO): { signal: AbortSignal; done(): void } {
  if (io.signal) return { signal: io.signal, done: () => {} };
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return { signal: ac.signal, done: () => { process.off("SIGINT", stop); process.off("SIGTERM", stop); } };
}

// ---- talc flash ------------------------------------------------------------

/** The packed image to flash, from a .tfi, a plain .img or a class (built here). */
async function imageFor(input: string, o: { classpath?: string; heap?: number }, io: SerialIO, boardName: string): Promise<{ image: Uint8Array; what: string }> {
  const path = resolve(io.cwd, input);
  const looksLikeFile = existsSync(path) && !input.endsWith(".som");
  if (looksLikeFile) {
    const bytes = new Uint8Array(readFileSync(path));
    if (isFlashImage(bytes)) return { image: bytes, what: basename(input) };
    if (isVmImage(bytes)) return { image: packImage(bytes, loadBoard(boardName)), what: `${basename(input)} (packed for ${boardName})` };
    throw new Failure(`${input}: neither a flash image (.tfi) nor a VM image (.img)`);
  }
  // A class name or a .som file: build an image (needs the compiler and the VM).
  const { buildImage } = await import("../image/builder.js");
  const main = mainClassName(input);
  const raw = await buildImage({
    classPath: buildClassPath(o.classpath, input.endsWith(".som") ? input : undefined, io.cwd),
    main,
    heapBytes: o.heap ?? 64 * 1024 * 1024,
  });
  return { image: packImage(raw, loadBoard(boardName)), what: `${main} (built and packed for ${boardName})` };
}

export async function flashCommand(argv: string[], io: SerialIO): Promise<number> {
  const program = command("flash", "write an image to a device over serial: only differing sectors, verified, then reboot into it", async (c) => {
    const o = c.opts<{ port: string; baud: number; classpath?: string; heap?: number; verbose?: boolean; progress: boolean; window: number; force?: boolean }>();
    const input = c.args[0]!;
    const { client, info } = await connect(o.port, o.baud, io, o.verbose === true);
    try {
      const { image, what } = await imageFor(input, o, io, info.board);
      const showBar = o.progress && (io.tty ?? process.stderr.isTTY === true);
      let bar: InstanceType<typeof cliProgress.SingleBar> | null = null;
      if (showBar) {
        bar = new cliProgress.SingleBar({
          format: "{phase} [{bar}] {percentage}% {value}/{total} bytes {rate} B/s",
          stream: { write: (s: string) => { io.stderr(s); return true; }, isTTY: true, cursorTo: process.stderr.cursorTo?.bind(process.stderr), clearLine: process.stderr.clearLine?.bind(process.stderr), moveCursor: process.stderr.moveCursor?.bind(process.stderr) } as unknown as NodeJS.WritableStream,
          hideCursor: false,
        }, cliProgress.Presets.shades_classic);
        bar.start(image.length, 0, { phase: "checking", rate: 0 });
      }
      const onProgress = (p: FlashProgress) => bar?.update(p.done, { phase: p.phase.padEnd(9), rate: Math.round(p.bytesPerSec) });
      let r;
      try {
        r = await flashImage(client, image, {
          progress: onProgress,
          window: o.window,
          force: o.force === true,
          log: o.verbose ? (s) => io.stderr(`[flash] ${s}\n`) : undefined,
        });
      } finally {
        bar?.stop();
      }
      if (r.alreadyRunning) {
        io.stdout(`${info.board} already runs ${what} (slot ${slotName(r.slot)}); nothing written (--force writes it again)\n`);
        return 0;
      }
      const lineRate = o.baud / 10;
      const rate = r.writeSeconds > 0 ? r.bytesWritten / r.writeSeconds : 0;
      io.stdout(`flashed ${what}: ${image.length} bytes to slot ${slotName(r.slot)} of ${info.board}\n`);
      if (r.sectorsSkipped > 0) io.stdout(`  ${r.sectorsSkipped} of ${r.sectors} sectors were already on the device (skipped${r.sectorsSkipped < r.sectors ? ", transfer resumed" : ""})\n`);
      if (r.bytesWritten > 0) {
        io.stdout(`  wrote ${r.bytesWritten} bytes in ${r.writeSeconds.toFixed(2)} s: ${Math.round(rate)} bytes/s, ${((100 * rate) / lineRate).toFixed(1)}% of the ${o.baud}-baud line (${lineRate} bytes/s)\n`);
      }
      io.stdout(`  verified (SHA-256), switched, rebooted: ${r.info?.message ?? "running"} (${r.totalSeconds.toFixed(2)} s in all)\n`);
      return 0;
    } finally {
      await client.close().catch(() => {});
    }
  });
  program
    .usage("--port PATH [options] <app.tfi|app.img|Main|path/Main.som>")
    .argument("<image>", "flash image (.tfi), VM image (.img, packed here) or main class (built and packed here)")
    .requiredOption("-p, --port <path>", "serial port (e.g. /dev/ttyUSB0, or the tty `talc device` printed)")
    .option("-b, --baud <n>", "baud rate", baudArg, DEFAULT_BAUD)
    .addOption(classPathOption())
    .option("--heap <size>", "heap for building the image", parseSize)
    .option("--window <n>", "write requests in flight", (v) => Math.max(1, Math.min(8, Number(v) | 0)), 3)
    .option("--force", "write even if the device already runs this image")
    .option("--no-progress", "no progress bar")
    .option("-v, --verbose", "log protocol events (retries, resyncs)");
  return runProgram(program, argv, io, true);
}

// ---- talc monitor ------------------------------------------------------------

function announceLine(i: DeviceInfo | null): string {
  if (!i) return "[device reset]\n";
  return `[device ${i.board} booted: ${stateName(i.state)}${i.message ? " — " + i.message : ""}]\n`;
}

export async function monitorCommand(argv: string[], io: SerialIO): Promise<number> {
  const program = command("monitor", "the program's console on a device: its output, your input", async (c) => {
    const o = c.opts<{ port: string; baud: number; reset?: boolean; exit?: boolean; timeout?: number; verbose?: boolean; info?: boolean }>();
    const { client, info } = await connect(o.port, o.baud, io, o.verbose === true);
    if (o.info) {
      io.stdout(describeInfo(info));
      await client.close().catch(() => {});
      return 0;
    }
    const { signal: stop, done } = stopSignal(io);
    let exitStatus: number | null = null;
    try {
      io.stderr(`[connected to ${info.board} on ${o.port}: ${stateName(info.state)}${info.message ? " — " + info.message : ""}; Ctrl-C to quit]\n`);
      client.onConsole((m) => (m.fd === 2 ? io.stderr(m.data) : io.stdout(m.data)));
      client.onAnnounce((i) => io.stderr(announceLine(i)));
      const finished = new Promise<void>((res) => {
        client.onExit((s) => { exitStatus = s; io.stderr(`[program exited with status ${s}]\n`); if (o.exit) res(); });
        client.link.onClose(() => res());
        stop.addEventListener("abort", () => res());
        if (o.timeout) setTimeout(res, o.timeout * 1000).unref();
      });
      const input = io.stdin ?? process.stdin;
      const rl = createInterface({ input, terminal: false });
      rl.on("line", (l) => { client.consoleIn(new TextEncoder().encode(l + "\n")).catch(() => {}); });
      if (o.reset) await client.reset(RESET_RUN);
      else if (o.exit && info.state === DS_EXITED) exitStatus = 0;
      if (!(o.exit && exitStatus !== null)) await finished;
      rl.close();
      return 0;
    } finally {
      done();
      await client.close().catch(() => {});
    }
  });
  program
    .usage("--port PATH [options]")
    .requiredOption("-p, --port <path>", "serial port")
    .option("-b, --baud <n>", "baud rate", baudArg, DEFAULT_BAUD)
    .option("--info", "print what the device reports (board, slots, running image) and quit")
    .option("--reset", "reset the device first (see the program from its start)")
    .option("--exit", "quit when the program exits")
    .option("--timeout <s>", "quit after this many seconds", (v) => Number(v))
    .option("-v, --verbose", "log protocol events");
  return runProgram(program, argv, io);
}

// ---- talc repl -----------------------------------------------------------------

export async function replCommand(argv: string[], io: SerialIO): Promise<number> {
  const program = command("repl", "evaluate SOM expressions on a device (compiled here, run there)", async (c) => {
    const o = c.opts<{ port: string; baud: number; verbose?: boolean }>();
    const { client, info } = await connect(o.port, o.baud, io, o.verbose === true);
    const interactive = io.tty ?? (process.stdin.isTTY === true && !io.stdin);
    let failures = 0;
    let stopDone = () => {};
    try {
      if (interactive) io.stderr(`[${info.board} on ${o.port}: ${stateName(info.state)}; an expression per line (statements separated by '.'), Ctrl-D to quit]\n`);
      client.onConsole((m) => (m.fd === 2 ? io.stderr(m.data) : io.stdout(m.data)));
      const rl = createInterface({ input: io.stdin ?? process.stdin, terminal: false });
      const { signal: stop, done } = stopSignal(io);
      stop.addEventListener("abort", () => rl.close());
      stopDone = done;
      if (interactive) io.stdout("talc> ");
      for await (const lineText of rl) {
        const expr = lineText.trim();
        if (expr === ":quit" || expr === ":q") break;
        if (expr !== "") {
          let classFile: Uint8Array | null = null;
          try {
            classFile = compileDoIt(expr).classFile;
          } catch (e) {
            failures++;
            const f = e as Error & { format?: () => string };
            io.stderr((typeof f.format === "function" ? f.format() : f.message) + "\n");
          }
          if (classFile && classFile.length > MAX_PAYLOAD) {
            failures++;
            io.stderr(`error: the compiled expression (${classFile.length} bytes) does not fit one frame (${MAX_PAYLOAD} bytes); split it into smaller expressions\n`);
          } else if (classFile) {
            const r = await client.eval(classFile);
            if (r.ok) io.stdout(r.text + "\n");
            else { failures++; io.stderr(`error: ${r.text}\n`); }
          }
        }
        if (interactive) io.stdout("talc> ");
      }
      return failures > 0 && !interactive ? 1 : 0;
    } finally {
      stopDone();
      await client.close().catch(() => {});
    }
  });
  program
    .usage("--port PATH [options]   (expressions on standard input)")
    .requiredOption("-p, --port <path>", "serial port")
    .option("-b, --baud <n>", "baud rate", baudArg, DEFAULT_BAUD)
    .option("-v, --verbose", "log protocol events");
  return runProgram(program, argv, io);
}

// ---- talc ports ----------------------------------------------------------------

export async function portsCommand(argv: string[], io: SerialIO): Promise<number> {
  const program = command("ports", "list serial ports", async () => {
    let ports: { path: string; manufacturer?: string; serialNumber?: string; vendorId?: string; productId?: string }[];
    try {
      ports = await SerialPort.list();
    } catch (e) {
      io.stdout(`this system cannot enumerate serial ports (${(e as Error).message.split("\n")[0]}); ` +
        "pass the port's path with --port, e.g. talc monitor --port /dev/ttyUSB0\n");
      return 0;
    }
    if (ports.length === 0) io.stdout("no serial ports found; pass a path with --port (a simulated board prints its tty path)\n");
    for (const p of ports) {
      const extra = [p.manufacturer, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : undefined, p.serialNumber].filter(Boolean).join(", ");
      io.stdout(`${p.path}${extra ? "  " + extra : ""}\n`);
    }
    return 0;
  });
  program.usage("");
  return runProgram(program, argv, io);
}

// ---- talc device -----------------------------------------------------------------

export async function deviceCommand(argv: string[], io: SerialIO): Promise<number> {
  const program = command("device", "run a simulated board: its VM boots from a flash file, its UART is a pseudo-terminal", async (c) => {
    const o = c.opts<{ board: string; flash: string; link?: string; baud?: number; hold?: boolean; vm: boolean; heap?: number; quiet?: boolean }>();
    if (o.board !== "sim") throw new Failure(`board '${o.board}' cannot be simulated here (only 'sim'; for mps2-an385 see firmware/README.md)`);
    const def = loadBoard(o.board);
    const flashPath = resolve(io.cwd, o.flash);
    const tty = resolve(io.cwd, o.link ?? join(tmpdir(), `talc-${def.name}-${process.pid}.tty`));
    const log = o.quiet ? () => {} : (s: string) => io.stderr(`[${def.name}] ${s}\n`);
    const board = new SimBoard({
      board: def, flashPath, device: deviceModule(), baud: o.baud ?? def.uartBaud,
      vm: o.vm ? talcSimVm(o.heap ?? Math.min(def.ramSize, 64 * 1024 * 1024)) : null,
      hold: o.hold === true, log,
    });
    const pty = new SimPty(board, tty, log);
    try {
      board.powerOn(o.hold ? RESET_HOLD : RESET_RUN);
      await pty.start();
      io.stdout(`${tty}\n`);
      log(`flash ${flashPath} (${def.flashSize} bytes), UART ${board.baud} baud on ${tty}; Ctrl-C to stop`);
      const { signal: stop, done } = stopSignal(io);
      await new Promise<void>((res) => { if (stop.aborted) res(); else stop.addEventListener("abort", () => res()); });
      done();
      log("stopped");
      return 0;
    } finally {
      await pty.stop();
      board.close();
    }
  });
  program
    .usage("--board sim --flash FILE [options]")
    .requiredOption("--board <name>", "board to simulate (boards/<name>/board.json)")
    .requiredOption("--flash <file>", "flash file (created erased if missing; keeps its bytes between runs)")
    .option("--link <path>", "path of the tty symlink (default: in the temp directory)")
    .option("-b, --baud <n>", "UART rate the board paces its bytes at (default: the board's)", baudArg)
    .option("--hold", "boot without starting the program (BOOT or a reset starts it)")
    .option("--no-vm", "verify and report images only, run nothing")
    .option("--heap <size>", "VM heap of the simulated board", parseSize)
    .option("-q, --quiet", "print only the tty path");
  return runProgram(program, argv, io);
}

/** Rows for the CLI engineer's command table (host-tools/commands). */
export const SERIAL_COMMANDS: readonly { name: string; summary: string; run: (argv: string[], io: SerialIO) => Promise<number> }[] = [
  { name: "flash", summary: "write an image to a device over serial (resumable, verified)", run: flashCommand },
  { name: "monitor", summary: "a device program's console", run: monitorCommand },
  { name: "repl", summary: "evaluate SOM expressions on a device", run: replCommand },
  { name: "ports", summary: "list serial ports", run: portsCommand },
  { name: "device", summary: "run a simulated board on a pseudo-terminal", run: deviceCommand },
];

