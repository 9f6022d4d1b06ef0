// `talc image …` and `talc flash-file …`: offline tools for flash images and
// flash files.  Each command is a function of (argv after the command name,
// io) answering an exit status: 0 ok, 1 refused/failed, 2 usage.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { FI_HEADER_BYTES, FI_FLAG_SNAPSHOT, FI_WORD_BITS_OFF, FL_DECODER_RAM_BYTES } from "../../vm-as/flash/layout.js";
import { IH_WORD_BITS } from "../../vm-as/layout.js";
import { Board, BoardError, loadBoard } from "./board.js";
import { DeviceError, FlashDevice } from "./device.js";
import {
  FlashImageError, FlashImageHeader, isFlashImage, isVmImage, packImage, packStats, readHeader,
  readVmImage, verifyImage,
} from "./format.js";
import { FlashFault, SimFlash } from "./simflash.js";

export interface CommandIO {
  stdout(s: Uint8Array | string): void;
  stderr(s: Uint8Array | string): void;
  cwd: string;
}

/** A failure reported as one line on stderr with exit status 1. */
class Failure extends Error {}

const hex = (n: number, w = 8): string => "0x" + (n >>> 0).toString(16).padStart(w, "0");

function readInput(io: CommandIO, file: string): Uint8Array {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new Failure(`${file}: no such file`);
  return new Uint8Array(readFileSync(path));
}

function board(name: string): Board {
  try { return loadBoard(name); } catch (e) { throw new Failure((e as Error).message); }
}

/** The simulated board for an image's word size (VM or flash image): sim (32-bit VM) or sim16 (16-bit VM). */
function simBoardFor(bytes: Uint8Array): string {
  const bits = isVmImage(bytes) ? bytes[IH_WORD_BITS] : isFlashImage(bytes) ? bytes[FI_WORD_BITS_OFF] : 32;
  return bits === 16 ? "sim16" : "sim";
}

/** Run a commander program with io; map errors to exit statuses. */
async function run(program: Command, argv: string[], io: CommandIO): Promise<number> {
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      // help shown because no command was given: a usage error unless asked for
      if (e.code === "commander.help") return e.exitCode === 0 ? 0 : 2;
      return 2;
    }
    if (e instanceof Failure || e instanceof FlashImageError || e instanceof DeviceError
        || e instanceof BoardError || e instanceof FlashFault) {
      io.stderr(`${program.name()}: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === "string" && typeof err.message === "string") {
      io.stderr(`${program.name()}: ${err.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    status = 0;
  }
}

// exit status of an action that reports a refusal itself (info)
let status = 0;

// ---- talc image ---------------------------------------------------------------

function headerLines(h: FlashImageHeader): string[] {
  return [
    `format:          Talc flash image v${h.version} (header ${h.headerBytes} bytes)`,
    `board:           ${h.boardName} (id ${hex(h.boardId)})`,
    `word size:       ${h.wordBits}-bit, dispatch ${h.dispatch === 0 ? "switch" : h.dispatch}`,
    `codec:           ${h.codec === 1 ? "raw DEFLATE" : h.codec}${h.flags & FI_FLAG_SNAPSHOT ? " (device snapshot)" : ""}`,
    `serial:          ${h.serial}`,
    `expanded bytes:  ${h.expandedBytes}`,
    `payload bytes:   ${h.payloadBytes}`,
    `payload CRC-32:  ${hex(h.payloadCrc)}`,
    `SHA-256:         ${Buffer.from(h.sha256).toString("hex")}`,
    `heap wanted:     ${h.heapWanted}`,
  ];
}

function statLines(raw: Uint8Array, packed: Uint8Array): { lines: string[]; json: Record<string, number> } {
  const s = packStats(raw, packed);
  return {
    lines: [
      `raw bytes:       ${s.rawBytes}`,
      `packed bytes:    ${s.packedBytes} (header ${FI_HEADER_BYTES} + payload ${s.payloadBytes}), ${(100 * s.ratio).toFixed(1)}% of raw`,
      `gzip -9 bytes:   ${s.gzip9Bytes} (packed/gzip -9 = ${s.ratioVsGzip.toFixed(3)})`,
      `decoder RAM:     ${FL_DECODER_RAM_BYTES} bytes static + the expanded image (${s.rawBytes} bytes; the output is the window)`,
    ],
    json: { ...s, decoderRamBytes: FL_DECODER_RAM_BYTES },
  };
}

export async function imageCommand(argv: string[], io: CommandIO): Promise<number> {
  const program = new Command("talc image")
    .description("pack, unpack and inspect Talc flash images (.tfi)")
    .showHelpAfterError("(run with --help for usage)");

  program.command("pack")
    .description("compress a VM image (.img, from `talc build`) into a flash image for a board")
    .argument("<image>", "plain VM image")
    .requiredOption("-o, --output <file>", "flash image to write (.tfi)")
    .option("-b, --board <name>", "board (boards/<name>/board.json; default sim, sim16 for a 16-bit image)")
    .option("--serial <n>", "serial number stored in the header", "1")
    .option("-q, --quiet", "print nothing on success")
    .action((input: string, o: { output: string; board?: string; serial: string; quiet?: boolean }) => {
      const raw = readInput(io, input);
      if (isFlashImage(raw)) throw new Failure(`${input}: already a flash image`);
      const b = board(o.board ?? simBoardFor(raw));
      const serial = Number(o.serial);
      if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw new Failure(`--serial must be an integer 0..4294967295`);
      let packed: Uint8Array;
      try { packed = packImage(raw, b, { serial }); } catch (e) {
        if (e instanceof FlashImageError) throw new Failure(`${input}: ${e.message}`);
        throw e;
      }
      writeFileSync(resolve(io.cwd, o.output), packed);
      if (!o.quiet) {
        const s = packStats(raw, packed);
        io.stdout(`${o.output}: ${s.rawBytes} -> ${s.packedBytes} bytes (${(100 * s.ratio).toFixed(1)}%), gzip -9 ${s.gzip9Bytes} (packed/gzip = ${s.ratioVsGzip.toFixed(3)}), board ${b.name}\n`);
      }
    });

  program.command("unpack")
    .description("verify a flash image and write the plain VM image it holds")
    .argument("<flash-image>", "flash image (.tfi)")
    .requiredOption("-o, --output <file>", "plain VM image to write (.img)")
    .option("-b, --board <name>", "also check the image is for this board")
    .action((input: string, o: { output: string; board?: string }) => {
      const bytes = readInput(io, input);
      const b = o.board !== undefined ? board(o.board) : undefined;
      let raw: Uint8Array;
      try { raw = verifyImage(bytes, { board: b, maxPayload: b ? undefined : bytes.length }).raw; } catch (e) {
        if (e instanceof FlashImageError) throw new Failure(`${input}: ${e.message}`);
        throw e;
      }
      writeFileSync(resolve(io.cwd, o.output), raw);
    });

  program.command("info")
    .description("show and verify a flash image (.tfi) or a plain VM image (.img): sizes, ratio vs gzip -9, decoder RAM")
    .argument("<file>", "flash image or plain VM image")
    .option("-b, --board <name>", "check against this board (default: the board named in the header, for .img: sim, sim16 for a 16-bit image)")
    .option("--json", "print JSON")
    .action((input: string, o: { board?: string; json?: boolean }) => {
      const bytes = readInput(io, input);
      if (isVmImage(bytes)) {
        let info;
        try { info = readVmImage(bytes); } catch (e) {
          if (e instanceof FlashImageError) throw new Failure(`${input}: ${e.message}`);
          throw e;
        }
        const b = board(o.board ?? simBoardFor(bytes));
        let packed: Uint8Array;
        try { packed = packImage(bytes, b); } catch (e) {
          if (e instanceof FlashImageError) throw new Failure(`${input}: ${e.message}`);
          throw e;
        }
        const st = statLines(bytes, packed);
        if (o.json) {
          io.stdout(JSON.stringify({ file: input, kind: "vm-image", wordBits: info.wordBits, objects: info.objectCount, ...st.json }, null, 2) + "\n");
        } else {
          io.stdout([`${input}: plain VM image v${info.version}, ${info.wordBits}-bit, ${info.objectCount} objects`,
            `packed for board ${b.name}:`, ...st.lines].join("\n") + "\n");
        }
        return;
      }
      let h: FlashImageHeader;
      try { h = readHeader(bytes); } catch (e) {
        if (e instanceof FlashImageError) throw new Failure(`${input}: ${e.message}`);
        throw e;
      }
      let b: Board | undefined;
      if (o.board !== undefined) b = board(o.board);
      else {
        try { b = loadBoard(h.boardName); } catch { b = undefined; }
      }
      const lines = [`${input}:`, ...headerLines(h)];
      try {
        const { raw } = verifyImage(bytes, { board: b, maxPayload: b ? undefined : Math.max(bytes.length, 1) });
        const st = statLines(raw, bytes);
        if (o.json) {
          io.stdout(JSON.stringify({ file: input, kind: "flash-image", valid: true, board: h.boardName, wordBits: h.wordBits, serial: h.serial, ...st.json }, null, 2) + "\n");
        } else {
          io.stdout([...lines, ...st.lines, `verified:        yes${b ? ` (board ${b.name})` : " (board unknown here: not checked)"}`].join("\n") + "\n");
        }
      } catch (e) {
        if (!(e instanceof FlashImageError)) throw e;
        if (o.json) io.stdout(JSON.stringify({ file: input, kind: "flash-image", valid: false, error: e.message }, null, 2) + "\n");
        else io.stdout(lines.join("\n") + "\n");
        io.stderr(`talc image: ${input}: ${e.message}\n`);
        status = 1;
      }
    });

  return run(program, argv, io);
}

// ---- talc flash-file ------------------------------------------------------

function openFlash(io: CommandIO, file: string, b: Board): SimFlash {
  try {
    return SimFlash.openFile(resolve(io.cwd, file), b.flashSize, b.sectorSize);
  } catch (e) {
    if (e instanceof FlashFault) throw new Failure(e.message);
    throw e;
  }
}

/** A plain image is packed for the board; a flash image is verified (board, sizes, CRC, SHA-256). */
function imageForBoard(io: CommandIO, file: string, b: Board): Uint8Array {
  const bytes = readInput(io, file);
  try {
    if (isVmImage(bytes)) return packImage(bytes, b);
    verifyImage(bytes, { board: b });
    return bytes;
  } catch (e) {
    if (e instanceof FlashImageError) throw new Failure(`${file}: ${e.message}`);
    throw e;
  }
}

export async function flashFileCommand(argv: string[], io: CommandIO): Promise<number> {
  const program = new Command("talc flash-file")
    .description("create, write and inspect flash files (a board's whole flash as a plain file)")
    .showHelpAfterError("(run with --help for usage)");

  program.command("create")
    .description("create an erased flash file (all 0xFF) of the board's flash size")
    .argument("<file>", "flash file to create")
    .option("-b, --board <name>", "board", "sim")
    .option("-f, --force", "overwrite an existing file")
    .action((file: string, o: { board: string; force?: boolean }) => {
      const b = board(o.board);
      const path = resolve(io.cwd, file);
      if (existsSync(path) && !o.force) throw new Failure(`${file} exists (use --force to erase it)`);
      writeFileSync(path, new Uint8Array(b.flashSize).fill(0xff));
    });

  program.command("write")
    .description("write an image into the inactive slot (update protocol: it boots on trial and must be confirmed)")
    .argument("<file>", "flash file")
    .argument("<image>", "flash image (.tfi) or plain VM image (.img, packed on the fly)")
    .option("-b, --board <name>", "board (sim16 for 16-bit images)", "sim")
    .action((file: string, image: string, o: { board: string }) => {
      const b = board(o.board);
      const img = imageForBoard(io, image, b);
      const flash = openFlash(io, file, b);
      try {
        const slot = FlashDevice.open(flash, b).update(img);
        io.stdout(`${image} -> ${file} slot ${slot} (${img.length} bytes); boots next on trial\n`);
      } finally {
        flash.close();
      }
    });

  program.command("boot")
    .description("boot the flash file like the device: choose, verify and expand the image (counts as a boot attempt)")
    .argument("<file>", "flash file")
    .option("-b, --board <name>", "board", "sim")
    .option("-o, --output <file>", "write the expanded VM image here")
    .option("--no-confirm", "do not confirm the booted image (as if the VM failed)")
    .action((file: string, o: { board: string; output?: string; confirm: boolean }) => {
      const b = board(o.board);
      const flash = openFlash(io, file, b);
      try {
        const dev = FlashDevice.open(flash, b);
        const { image, slot } = dev.boot();
        if (o.confirm) dev.confirm();
        if (o.output !== undefined) writeFileSync(resolve(io.cwd, o.output), image);
        io.stdout(`booted slot ${slot}: ${image.length} bytes${o.confirm ? ", confirmed" : ""}\n`);
      } finally {
        flash.close();
      }
    });

  program.command("info")
    .description("show the boot record and verify both slots")
    .argument("<file>", "flash file")
    .option("-b, --board <name>", "board", "sim")
    .option("--json", "print JSON")
    .action((file: string, o: { board: string; json?: boolean }) => {
      const b = board(o.board);
      const flash = openFlash(io, file, b);
      try {
        // a copy: info never writes
        const dev = FlashDevice.open(flash.copy(), b);
        const rec = dev.record();
        const slots = [0, 1].map((s) => {
          const off = b.slots[s].offset;
          let header: FlashImageHeader | null = null;
          try { header = readHeader(flash.bytes.subarray(off, off + FI_HEADER_BYTES)); } catch { header = null; }
          try {
            const raw = dev.verifySlot(s);
            return { slot: s, valid: true, bytes: raw.length, serial: header?.serial ?? 0, packed: header ? header.payloadBytes + FI_HEADER_BYTES : 0, error: "" };
          } catch (e) {
            if (!(e instanceof DeviceError)) throw e;
            return { slot: s, valid: false, bytes: 0, serial: 0, packed: 0, error: e.message };
          }
        });
        if (o.json) {
          io.stdout(JSON.stringify({ file, board: b.name, record: rec, slots }, null, 2) + "\n");
          return;
        }
        const lines = [`${file}: board ${b.name}, flash ${b.flashSize} bytes, sector ${b.sectorSize}`];
        if (!rec.found) lines.push("boot record:  none (fresh flash)");
        else {
          lines.push(`boot record:  seq ${rec.seq}, active slot ${rec.active}, ${rec.state}` +
            (rec.state === "trial" ? `, ${rec.attempts}/${b.maxBootAttempts} attempts, fallback slot ${rec.fallback ?? "none"}` : ""));
        }
        for (const s of slots) {
          lines.push(`slot ${s.slot} @ ${hex(b.slots[s.slot].offset)}: ` +
            (s.valid ? `valid image, serial ${s.serial}, ${s.packed} bytes packed, ${s.bytes} expanded` : s.error));
        }
        lines.push(`device RAM:   decoder ${FL_DECODER_RAM_BYTES} bytes static, writer ${dev.writerRamBytes()} bytes`);
        io.stdout(lines.join("\n") + "\n");
      } finally {
        flash.close();
      }
    });

  return run(program, argv, io);
}

