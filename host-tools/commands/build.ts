// talc build [-cp DIR[:DIR…]] [--heap SIZE] [-v] <main> -o app.img
//
// Bootstraps the kernel, links <main> and the classes it names into the
// image's library (host-tools/image/builder.ts) and writes the snapshot.
// Prints nothing on success unless -v.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { buildClassPath, findClassFile, mainClassName } from "../classpath.js";
import { readImage, summarizeImage } from "../image/inspect.js";
import { plan16, write16, formatPlan16 } from "../image/image16.js";
import { buildImage } from "./engine.js";
import { withImageDispatch, techniqueByName, TECHNIQUE_NAMES } from "../sim/dispatch.js";
import { CliError, line, type CliIO, type CommandDef } from "./context.js";
import { classPathOption, heapOption, DEFAULT_HEAP_BYTES } from "./options.js";

interface BuildOptions {
  classpath?: string;
  heap?: number;
  output: string;
  verbose?: boolean;
  dispatch?: string;
  bits?: string;
  lean?: boolean;
}

export const buildCommand: CommandDef = {
  name: "build",
  summary: "build an image (.img) holding the kernel and a program",
  valueOptions: ["--classpath", "--heap", "-o", "--output", "--dispatch", "--bits"],
  passThrough: false,
  define(cmd: Command): void {
    cmd
      .usage("[options] <main> -o <file>")
      .argument("<main>", "main class name or path/Main.som")
      .requiredOption("-o, --output <file>", "image file to write")
      .addOption(classPathOption())
      .addOption(heapOption())
      .option("-v, --verbose", "print what was written")
      .option("--dispatch <name>", `send dispatch technique recorded in the image (talc sim; docs/DISPATCH.md): ${TECHNIQUE_NAMES.join(", ")}`)
      .option("--bits <n>", "object memory: 32 (default) or 16 (docs/16-BIT.md)")
      .option("--lean", "link only the classes the program names, not those the kernel names (smaller image; a device without a compiler cannot load the others later)")
      .addHelpText("after", "\nExample:\n  talc build examples/Hello.som -o hello.img && talc run hello.img\n");
  },
  async run(io: CliIO, positionals: string[], opts: Record<string, unknown>): Promise<number> {
    const main = positionals[0];
    const o = opts as unknown as BuildOptions;
    const classPath = buildClassPath(o.classpath, main, io.cwd);
    const name = mainClassName(main);
    if (findClassFile(name, classPath) === null) {
      throw new CliError(`class '${name}' not found: no ${name}.som in ${classPath.join(":")}`);
    }
    if (o.bits !== undefined && o.bits !== "16" && o.bits !== "32") throw new CliError(`error: --bits must be 16 or 32, not '${o.bits}'\nTry 'talc build --help'.`, 2);
    let image = await buildImage({ classPath, main: name, heapBytes: o.heap ?? DEFAULT_HEAP_BYTES, stderr: (b) => io.stderr(b), linkNamedClasses: true, linkKernelClosure: o.lean !== true });
    if (o.bits === "16") {
      // lay the image out in 16-bit memory; refuse it when it does not fit the 16-bit limits
      const plan = plan16(readImage(image));
      if (plan.errors.length > 0) throw new CliError(`cannot build a 16-bit image for ${name}:\n` + plan.errors.map((e) => `  ${e}`).join("\n"));
      image = write16(readImage(image), plan).bytes;
      if (o.verbose === true) io.stdout(formatPlan16(plan));
    }
    if (o.dispatch !== undefined && techniqueByName(o.dispatch) === undefined) {
      throw new CliError(`error: unknown --dispatch '${o.dispatch}' (known: ${TECHNIQUE_NAMES.join(", ")})\nTry 'talc build --help'.`, 2);
    }
    const file = o.dispatch === undefined ? image : withImageDispatch(image, o.dispatch);
    const out = resolve(io.cwd, o.output);
    try {
      writeFileSync(out, file);
    } catch (e) {
      throw new CliError(`cannot write image '${o.output}': ${(e as Error).message}`);
    }
    if (o.verbose === true && o.bits !== "16") {
      const s = summarizeImage(readImage(image), image.length);
      line(io, `wrote ${o.output}: ${image.length} bytes, ${s.header.objectCount} objects, ` +
        `${s.bound.length} bound + ${s.library.length} library classes, entry ${s.entry ?? "(none)"}`);
    }
    return 0;
  },
};
