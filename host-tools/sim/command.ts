// talc sim [--dispatch all|NAME[,NAME…]] [--model FILE|mcu|pipelined] [--json FILE] [--svg FILE]
//          [-cp DIR[:DIR…]] [--heap SIZE] [--stack SIZE] [--max-sends N] [--show-output] [--bits 16]
//          Main|path/Main.som|app.img [args…]
//
// Runs the program once on the traced VM build and replays its sends through
// each dispatch technique (docs/DISPATCH.md).  Options only before <main>;
// everything after it goes to the program.  A source program is first built
// into an image in memory, exactly as `talc build` would.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { IH_HEAP_WANTED, IMAGE_HEADER_BYTES } from "../../vm-as/layout.js";
import { buildClassPath, findClassFile, mainClassName } from "../classpath.js";
import { buildImage } from "../image/builder.js";
import { parseSize } from "../commands/options.js";
import type { CliIO, CommandDef } from "../commands/context.js";
import { DEFAULT_MODEL, MODEL_PRESETS, loadModel, type CycleModel } from "./model.js";
import { TECHNIQUES, TECHNIQUE_NAMES, imageDispatch, techniqueByName, type TechniqueDef } from "./dispatch.js";
import { runLab } from "./lab.js";
import { formatJson, formatSvg, formatText } from "./report.js";
import { check16, formatCheck16 } from "./check16.js";

const USAGE = `Usage: talc sim [options] <main> [args...]

Run a program once on the traced VM and replay every send through each
dispatch technique under a cycle model (docs/DISPATCH.md).

  <main>                  class name, path/Main.som or app.img
Options:
  --dispatch <list>       all (default, or the image's recorded technique) or
                          comma-separated names: ${TECHNIQUE_NAMES.join(", ")}
  --model <file|preset>   cycle model: a JSON file or a preset (${Object.keys(MODEL_PRESETS).join(", ")}; default mcu)
  --json <file>           write the report as JSON
  --svg <file>            write a chart (SVG)
  -cp, --classpath <dirs> class path (':'-separated)
  --heap <size>           heap (both semispaces), e.g. 64m
  --stack <size>          frame stack, e.g. 4m
  --max-sends <n>         stop when the program makes more sends (default 20000000)
  --show-output           print the program's output on stderr
  --bits 16               run on the 16-bit VM instead and check every send's
                          computed entry and method against technique 1
                          (copy-down); a mismatch is an error (check16.ts);
                          source programs only; heap 1m and stack 56k unless given
  -h, --help              this text
`;

class UsageError extends Error {}

interface SimArgs {
  dispatch?: string;
  model: CycleModel;
  json?: string;
  svg?: string;
  classpath?: string;
  heap?: number;
  stack: number;
  maxSends: number;
  showOutput: boolean;
  bits: 16 | 32;
  main: string;
  args: string[];
}

function parseArgs(argv: string[], cwd: string): SimArgs | "help" {
  let model: CycleModel = DEFAULT_MODEL;
  const o: Partial<SimArgs> = { stack: 4 * 1024 * 1024, maxSends: 20_000_000, showOutput: false, bits: 32 };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
    i += 2;
    return v;
  };
  while (i < argv.length) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return "help";
    if (a === "--") { i++; break; }
    if (!a.startsWith("-") || a === "-") break;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {   // --flag=value
      argv = [...argv.slice(0, i), a.slice(0, eq), a.slice(eq + 1), ...argv.slice(i + 1)];
      continue;
    }
    switch (a) {
      case "--dispatch": o.dispatch = value(a); checkTechniques(o.dispatch); break;
      case "--model": {
        const v = value(a);
        model = MODEL_PRESETS[v] ?? loadModel(resolve(cwd, v));
        break;
      }
      case "--json": o.json = value(a); break;
      case "--svg": o.svg = value(a); break;
      case "-cp": case "--classpath": o.classpath = value(a); break;
      case "--heap": o.heap = sizeArg(a, value(a)); break;
      case "--stack": o.stack = sizeArg(a, value(a)); break;
      case "--max-sends": {
        const v = value(a);
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-sends wants a positive integer, not '${v}'`);
        o.maxSends = n;
        break;
      }
      case "--show-output": o.showOutput = true; i++; break;
      case "--bits": {
        const v = value(a);
        if (v !== "16" && v !== "32") throw new UsageError(`--bits wants 16 or 32, not '${v}'`);
        o.bits = v === "16" ? 16 : 32;
        break;
      }
      default: throw new UsageError(`unknown option '${a}'`);
    }
  }
  const main = argv[i];
  if (main === undefined) throw new UsageError("missing required argument 'main'");
  return { ...o, model, main, args: argv.slice(i + 1) } as SimArgs;
}

function sizeArg(flag: string, v: string): number {
  try {
    return parseSize(v);
  } catch {
    throw new UsageError(`${flag} wants a size such as 64m, 512k or a byte count, not '${v}'`);
  }
}

function checkTechniques(spec: string): void {
  if (spec === "all") return;
  for (const n of spec.split(",")) {
    if (techniqueByName(n.trim()) === undefined) {
      throw new UsageError(`unknown dispatch technique '${n}' (known: all, ${TECHNIQUE_NAMES.join(", ")})`);
    }
  }
}

function chooseTechniques(spec: string | undefined, image: Uint8Array): readonly TechniqueDef[] {
  if (spec === undefined) {
    const recorded = imageDispatch(image);
    return recorded === null ? TECHNIQUES : [recorded];
  }
  if (spec === "all") return TECHNIQUES;
  return spec.split(",").map((n) => techniqueByName(n.trim())!);   // names checked by parseArgs
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^talc: /, "");
}

/** `talc sim …`: exit status 0, 1 (error) or 2 (usage). */
export async function simCommand(argv: string[], io: CliIO): Promise<number> {
  let a: SimArgs | "help";
  try {
    a = parseArgs(argv, io.cwd);
  } catch (e) {
    io.stderr(`talc sim: ${message(e)}\nTry 'talc sim --help'.\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  if (a === "help") {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const classPath = buildClassPath(a.classpath, a.main, io.cwd);
    let image: Uint8Array;
    let program: string;
    if (a.main.endsWith(".img")) {
      try {
        image = readFileSync(resolve(io.cwd, a.main));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(`cannot read image '${a.main}': ${code === "ENOENT" ? "no such file" : message(e)}`);
      }
      program = a.main;
    } else {
      program = mainClassName(a.main);
      if (findClassFile(program, classPath) === null) {
        throw new Error(`class '${program}' not found: no ${program}.som in ${classPath.join(":")}`);
      }
      image = await buildImage({
        classPath, main: program, heapBytes: a.bits === 16 ? 8 << 20 : a.heap ?? 64 * 1024 * 1024, stderr: (b) => io.stderr(b),
        linkNamedClasses: a.bits === 16 ? true : undefined,
      });
    }
    if (a.bits === 16) {
      if (a.main.endsWith(".img")) throw new Error("--bits 16 wants a source program (Main or path/Main.som), not an image");
      const r = check16({
        image, main: program, args: a.args, classPath,
        heapBytes: a.heap ?? 1 << 20, stackBytes: a.stack === 4 * 1024 * 1024 ? 56 * 1024 : a.stack, maxSends: a.maxSends,
      });
      if (a.showOutput) io.stderr(r.stdout + r.stderr);
      io.stdout(formatCheck16(program, r));
      if (r.exitStatus !== 0) io.stderr(`talc sim: note: the program ended with exit status ${r.exitStatus}\n`);
      return 0;
    }
    const techniques = chooseTechniques(a.dispatch, image);
    const wanted = image.length >= IMAGE_HEADER_BYTES
      ? new DataView(image.buffer, image.byteOffset, image.byteLength).getUint32(IH_HEAP_WANTED, true) : 0;
    const { report, recording } = runLab({
      image, program, args: a.args, classPath,
      heapBytes: a.heap ?? Math.max(64 * 1024 * 1024, wanted),
      stackBytes: a.stack, maxSends: a.maxSends, model: a.model, techniques,
    });
    if (a.showOutput) io.stderr(recording.stdout + recording.stderr);
    io.stdout(formatText(report));
    if (a.json !== undefined) writeOut(io, a.json, formatJson(report));
    if (a.svg !== undefined) writeOut(io, a.svg, formatSvg(report));
    if (report.run.exitStatus !== 0) {
      io.stderr(`talc sim: note: the program ended with exit status ${report.run.exitStatus}` +
        (a.showOutput ? "\n" : " (--show-output shows its output)\n"));
    }
    return 0;
  } catch (e) {
    io.stderr(`talc sim: ${message(e)}\n`);
    return 1;
  }
}

function writeOut(io: CliIO, path: string, text: string): void {
  try {
    writeFileSync(resolve(io.cwd, path), text);
  } catch (e) {
    throw new Error(`cannot write '${path}': ${message(e)}`);
  }
}

/** Row of the CLI command table (host-tools/commands/index.ts). */
export const simCommandDef: CommandDef = {
  name: "sim",
  summary: "measure send dispatch techniques on a program under a cycle model",
  valueOptions: [],
  passThrough: true,
  rawArguments: true,
  define(cmd: Command): void {
    cmd.usage("[options] <main> [args...]  (see 'talc sim --help')").argument("[args...]");
  },
  run: (io: CliIO, args: string[]) => simCommand(args, io),
};
