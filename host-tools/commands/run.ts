// talc run [-cp DIR[:DIR…]] [--heap SIZE] [--stack SIZE] [--debug-vm] [--stats] <main> [args…]
// talc run [--board NAME] --flash FILE [args…]      (boot a simulated board: boot.ts)
//
// Spec 3.14-3.15: options only before <main>; everything after <main> goes
// to the program verbatim.  <main> is a class name, a path to a .som file,
// or a built image (.img).  Nothing but the program's own output is printed.
import type { Command } from "commander";
import { buildClassPath, mainClassName } from "../classpath.js";
import type { TalcVM } from "./engine.js";
import { createVM } from "./vm.js";
import { bootFromFlash, heapWanted, DEFAULT_HEAP16_BYTES, STACK16_BYTES } from "./boot.js";
import { CliError, plainMessage, readUserFile, type CliIO, type CommandDef } from "./context.js";
import { isImage16, read16, plan16, write16 } from "../image/image16.js";
import { readImage } from "../image/inspect.js";
import { buildImage } from "./engine.js";
import { findClassFile } from "../classpath.js";
import { classPathOption, heapOption, stackOption, DEFAULT_HEAP_BYTES, DEFAULT_STACK_BYTES } from "./options.js";

interface RunOptions {
  board?: string;
  flash?: string;
  classpath?: string;
  heap?: number;
  stack?: number;
  debugVm?: boolean;
  stats?: boolean;
  bits?: string;
  lean?: boolean;
}

/**
 * Run a 16-bit image on the 16-bit VM build (build/talc16.wasm).  The VM
 * validates the image itself; a source program is first built in memory as
 * `talc build --bits 16` would (refused when it exceeds the 16-bit limits).
 */
async function runImage16(io: CliIO, bytes16: Uint8Array, what: string, classPath: string[], args: string[], o: RunOptions): Promise<number> {
  const heap = o.heap ?? DEFAULT_HEAP16_BYTES;
  const vm = await createVM(io, classPath, heap, STACK16_BYTES, false, undefined, o.debugVm === true ? "talc16.debug.wasm" : "talc16.wasm");
  try {
    vm.loadImage(bytes16);
  } catch (e) {
    throw new CliError(`cannot load image '${what}': ${plainMessage(e)}`);
  }
  const entry = vm.entry();
  if (entry === null) throw new CliError(`image '${what}' has no entry class (build it with 'talc build --bits 16 <Main> -o ${what}')`);
  vm.start([entry, ...args]);
  return finish(io, vm, o);
}

/** A 16-bit image whose header, tables and CRC check out (host-tools/image/image16.ts read16). */
function isReadable16(bytes: Uint8Array): boolean {
  try { read16(bytes); return true; } catch { return false; }
}

/** A well-formed 32-bit image (a damaged one goes to the 32-bit VM, which names what is wrong). */
function isReadable32(bytes: Uint8Array): boolean {
  try { readImage(bytes); return true; } catch { return false; }
}

/** The 16-bit image of a 32-bit one; refused with what to shrink when it exceeds the 16-bit limits. */
function to16(bytes32: Uint8Array, what: string): Uint8Array {
  const m = readImage(bytes32);
  const plan = plan16(m);
  if (plan.errors.length > 0) throw new CliError(`cannot run ${what} in 16-bit memory:\n` + plan.errors.map((e) => `  ${e}`).join("\n"));
  return write16(m, plan).bytes;
}

/** Run the started program to its end; with --stats, one summary line on stderr after it. */
async function finish(io: CliIO, vm: TalcVM, o: RunOptions): Promise<number> {
  const t0 = performance.now();
  const status = await vm.runToEnd();
  if (o.stats === true) {
    const ms = performance.now() - t0;
    io.stderr(`talc: ${vm.bytecodes} bytecodes, ${vm.sends} sends, ${vm.gcCount} collections, ` +
      `${vm.heapUsed} heap bytes in use, ${ms.toFixed(1)} ms, exit status ${status}\n`);
  }
  return status;
}

async function runImage(io: CliIO, path: string, args: string[], o: RunOptions): Promise<number> {
  const bytes = readUserFile(io, path, "image");
  // a well-formed 16-bit image runs on the 16-bit VM; anything else goes to the 32-bit VM, which names what is wrong
  if (isImage16(bytes) && isReadable16(bytes)) return runImage16(io, bytes, path, buildClassPath(o.classpath, path, io.cwd), args, o);
  if (o.bits === "16" && isReadable32(bytes)) {
    // a 32-bit image run in 16-bit memory: laid out as 'talc build --bits 16' would
    return runImage16(io, to16(bytes, `'${path}'`), path, buildClassPath(o.classpath, path, io.cwd), args, o);
  }
  // The VM is the authority on what it accepts: it validates the image itself.
  const heap = o.heap ?? Math.max(DEFAULT_HEAP_BYTES, heapWanted(bytes));
  const vm = await createVM(io, buildClassPath(o.classpath, path, io.cwd), heap, o.stack ?? DEFAULT_STACK_BYTES, o.debugVm === true);
  try {
    vm.loadImage(bytes);
  } catch (e) {
    throw new CliError(`cannot load image '${path}': ${plainMessage(e).replace(/^image refused: (?=image refused)/, "")}`);
  }
  const entry = vm.entry();
  if (entry === null) throw new CliError(`image '${path}' has no entry class (build it with 'talc build <Main> -o ${path}')`);
  vm.start([entry, ...args]);
  return finish(io, vm, o);
}

async function runSource(io: CliIO, main: string, args: string[], o: RunOptions): Promise<number> {
  if (o.bits === "16") {
    const classPath = buildClassPath(o.classpath, main, io.cwd);
    const name = mainClassName(main);
    if (findClassFile(name, classPath) === null) throw new CliError(`class '${name}' not found: no ${name}.som in ${classPath.join(":")}`);
    let bytes32: Uint8Array;
    try {
      bytes32 = await buildImage({ classPath, main: name, heapBytes: DEFAULT_HEAP_BYTES, stderr: (b) => io.stderr(b), linkNamedClasses: true, linkKernelClosure: o.lean !== true });
    } catch (e) {
      throw new CliError(plainMessage(e));
    }
    return runImage16(io, to16(bytes32, name), name, classPath, args, o);
  }
  const vm = await createVM(io, buildClassPath(o.classpath, main, io.cwd), o.heap ?? DEFAULT_HEAP_BYTES, o.stack ?? DEFAULT_STACK_BYTES, o.debugVm === true);
  try {
    vm.bootstrap();
  } catch (e) {
    throw new CliError(plainMessage(e));
  }
  vm.start([mainClassName(main), ...args]);
  return finish(io, vm, o);
}

export const runCommand: CommandDef = {
  name: "run",
  summary: "run a SOM program (class name, path/Main.som or app.img)",
  valueOptions: ["--classpath", "--heap", "--stack", "--flash", "--board", "--bits"],
  passThrough: true,
  define(cmd: Command): void {
    cmd
      .usage("[options] <main> [args...]\n       talc run [options] --flash <file> [args...]")
      .argument("[main]", "class name (Hello), source file (examples/Hello.som) or image (app.img)")
      .argument("[args...]", "program arguments, passed verbatim (even if they start with '-')")
      .addOption(classPathOption())
      .addOption(heapOption())
      .addOption(stackOption())
      .option("--debug-vm", "use the debug build of the VM (build/talc.debug.wasm)")
      .option("--bits <n>", "object memory: 32 (default) or 16 (docs/16-BIT.md)")
      .option("--lean", "with --bits 16: link only the classes the program names, not those the kernel names (smaller heap)")
      .option("--stats", "after the program, print bytecodes, sends, collections and time on stderr")
      .option("--flash <file>", "boot a simulated board from this flash file (see 'talc flash-file'); no <main>")
      .option("--board <name>", "board of the flash file: boards/<name>/board.json (default sim)")
      .addHelpText("after", "\nExamples:\n  talc run examples/Hello.som\n  talc run -cp lib:src Main arg1 -x\n  talc run --heap 8m app.img\n  talc run --board sim --flash board.flash -- -program-arg\n");
  },
  async run(io: CliIO, positionals: string[], opts: Record<string, unknown>): Promise<number> {
    const o = opts as RunOptions;
    if (o.board !== undefined && o.flash === undefined) throw new CliError("error: --board needs --flash <file>\nTry 'talc run --help'.", 2);
    if (o.flash !== undefined) return bootFromFlash(io, positionals, { ...o, flash: o.flash, board: o.board ?? "sim" });
    if (o.bits !== undefined && o.bits !== "16" && o.bits !== "32") throw new CliError(`error: --bits must be 16 or 32, not '${o.bits}'\nTry 'talc run --help'.`, 2);
    const [main, ...args] = positionals;
    if (main === undefined) throw new CliError("error: missing required argument 'main'\nTry 'talc run --help'.", 2);
    return main.endsWith(".img") ? runImage(io, main, args, o) : runSource(io, main, args, o);
  },
};
