// talc disasm [-cp DIR[:DIR…]] <main> [selector]
//
// Compiles one class (its superclasses are parsed from the class path for the
// field layout, as the VM host does when it loads the class) and prints the
// compiler's disassembly: per method the bytecodes with their source lines.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { buildClassPath, findClassFile, mainClassName } from "../classpath.js";
import { parseClass, compileClass, readClassFile, disassemble } from "./engine.js";
import { CliError, type CliIO, type CommandDef } from "./context.js";
import { classPathOption } from "./options.js";

interface DisasmOptions {
  classpath?: string;
}

interface SuperInfo {
  instanceFields: string[];
  classFields: string[];
}

/** Longest superclass chain followed before assuming a cycle. */
const MAX_SUPER_DEPTH = 256;

function readSource(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(`cannot read '${path}': ${(e as Error).message}`);
  }
}

/**
 * All fields (inherited first) of class `name`, found on the class path;
 * `chain` holds the subclasses being resolved (cycle detection).
 */
function fieldsOf(name: string, classPath: readonly string[], chain: string[]): SuperInfo {
  if (chain.includes(name) || chain.length > MAX_SUPER_DEPTH) {
    throw new CliError(`superclass cycle: ${[...chain, name].join(" -> ")}`);
  }
  const file = findClassFile(name, classPath);
  if (file === null) {
    throw new CliError(`superclass '${name}' of '${chain[chain.length - 1]}' not found: no ${name}.som in ${classPath.join(":")}`);
  }
  const ast = parseClass(readSource(file), file);
  const own: SuperInfo = {
    instanceFields: ast.instanceFields.map((d) => d.name),
    classFields: ast.classFields.map((d) => d.name),
  };
  const sup = superInfoFor(ast.name, ast.superName, ast.superIsNil, classPath, [...chain, name]);
  if (sup === null) return own;
  return {
    instanceFields: [...sup.instanceFields, ...own.instanceFields],
    classFields: [...sup.classFields, ...own.classFields],
  };
}

/** The SuperInfo the compiler needs for a class, or null when its superclass is nil. */
function superInfoFor(name: string, superName: string | null, superIsNil: boolean, classPath: readonly string[], chain: string[]): SuperInfo | null {
  if (superIsNil) return null;
  const sup = superName ?? "Object";
  if (sup === name && superName === null) return null; // `Object = ( … )` without `nil`
  return fieldsOf(sup, classPath, chain);
}

export const disasmCommand: CommandDef = {
  name: "disasm",
  summary: "compile a class and print its bytecodes with the source lines",
  valueOptions: ["--classpath"],
  passThrough: false,
  define(cmd: Command): void {
    cmd
      .argument("<main>", "class name or path/Main.som")
      .argument("[selector]", "only this method (e.g. run, at:put:, +)")
      .addOption(classPathOption())
      .addHelpText("after", "\nExamples:\n  talc disasm examples/Hello.som\n  talc disasm -cp examples Demo run\n");
  },
  async run(io: CliIO, positionals: string[], opts: Record<string, unknown>): Promise<number> {
    const [main, selector] = positionals;
    const o = opts as DisasmOptions;
    const classPath = buildClassPath(o.classpath, main, io.cwd);
    const name = mainClassName(main);
    const direct = main.endsWith(".som") ? resolve(io.cwd, main) : null;
    const file = direct ?? findClassFile(name, classPath);
    if (file === null) throw new CliError(`class '${name}' not found: no ${name}.som in ${classPath.join(":")}`);
    const source = readSource(file);
    // Shown in the listing: relative to the current directory when inside it.
    const rel = relative(io.cwd, file);
    const shown = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
    const ast = parseClass(source, shown);
    const sup = superInfoFor(ast.name, ast.superName, ast.superIsNil, classPath, [ast.name]);
    const model = readClassFile(compileClass(source, shown, sup));
    if (selector !== undefined) {
      const all = [...ast.instanceMethods, ...ast.classMethods].map((m) => m.selector);
      if (!all.includes(selector)) throw new CliError(`class '${ast.name}' has no method #${selector} (it has: ${all.map((s) => "#" + s).join(" ")})`);
    }
    const text = disassemble(model, source, selector);
    io.stdout(text.endsWith("\n") ? text : text + "\n");
    return 0;
  },
};
