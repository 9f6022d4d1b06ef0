// The `talc` command line: parses argv with commander and dispatches to the
// command table (host-tools/commands/index.ts).
//
//   main(argv, io) → exit status        (argv without "node" and the script)
//
// Invariants:
// - Never calls process.exit and never throws to its caller: every outcome
//   is an exit status, every message goes through `io`.
// - Status 0 success (and --help), 1 failure of the program or its input
//   (spec 5.6), 2 bad command line, 70 internal error (a Talc bug).
// - A bad command line gives one error line plus a usage hint on stderr.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { CliError, EXIT_INTERNAL, EXIT_USAGE, plainMessage, type CliIO, type CommandDef } from "./commands/context.js";
import { rewriteClassPathFlag } from "./commands/options.js";

export type { CliIO } from "./commands/context.js";

const VERSION = "0.1.0";

/** A compile error from host-tools/compiler (matched structurally: no import cycle). */
interface FormattableError extends Error {
  format(): string;
}

function isFormattable(e: unknown): e is FormattableError {
  return e instanceof Error && e.name === "CompileError" && typeof (e as Partial<FormattableError>).format === "function";
}

function buildProgram(io: CliIO, result: { status: number }): Command {
  const program = new Command("talc");
  // Settings first: subcommands inherit them when they are created.
  program
    .description("Talc: a Smalltalk (SOM) virtual machine for microcontrollers")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s.startsWith("error: ") ? "talc: " + s : s),
    })
    .showHelpAfterError("Try 'talc --help'.")
    .addHelpCommand(false);
  for (const def of COMMANDS) addCommand(program, def, io, result);
  program.addHelpText("after", "\nRun 'talc <command> --help' for a command's options.\n");
  return program;
}

function addCommand(program: Command, def: CommandDef, io: CliIO, result: { status: number }): void {
  const cmd = program.command(def.name).description(def.summary);
  cmd.showHelpAfterError(`Try 'talc ${def.name} --help'.`);
  if (def.passThrough) cmd.passThroughOptions();
  def.define(cmd);
  cmd.action(async (...params: unknown[]) => {
    // commander passes the positionals, then the options bag, then the command.
    const positionals: string[] = [];
    for (const p of params.slice(0, -2)) {
      if (Array.isArray(p)) positionals.push(...(p as string[]));
      else if (typeof p === "string") positionals.push(p);
    }
    result.status = await def.run(io, positionals, cmd.opts<Record<string, unknown>>());
  });
}

/** Rewrite `-cp` for the command named in argv[0] (see options.ts). */
function preprocess(argv: readonly string[]): string[] {
  if (argv.length === 0) return [];
  const def = COMMANDS.find((c) => c.name === argv[0]);
  if (def === undefined) return argv.slice();
  return [argv[0], ...rewriteClassPathFlag(argv.slice(1), def.valueOptions, def.passThrough)];
}

/** Run the `talc` command line; answers the exit status. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const result = { status: 0 };
  try {
    if (argv.length === 0) {
      io.stderr("Usage: talc <command> [options]   (commands: " + COMMANDS.map((c) => c.name).join(", ") + ")\n");
      io.stderr("Try 'talc --help'.\n");
      return EXIT_USAGE;
    }
    // Tools that parse their own arguments get them untouched.
    const raw = COMMANDS.find((c) => c.name === argv[0] && c.rawArguments === true);
    if (raw !== undefined) return await raw.run(io, argv.slice(1), {});
    const program = buildProgram(io, result);
    await program.parseAsync(preprocess(argv), { from: "user" });
    return result.status;
  } catch (e) {
    return report(e, io);
  }
}

/** Turn anything thrown into one clear message and a status. */
function report(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    // Help and version were printed already (exit code 0); errors were
    // printed by outputError with the usage hint.
    return e.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (e instanceof CliError) {
    io.stderr(`talc: ${e.message}\n`);
    return e.status;
  }
  if (e instanceof Error && e.name === "TalcError") {
    // An expected failure reported by the VM host or the image builder.
    io.stderr(`talc: ${plainMessage(e)}\n`);
    return 1;
  }
  if (isFormattable(e)) {
    const text = e.format();
    io.stderr(text.endsWith("\n") ? text : text + "\n");
    return 1;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr(`talc: internal error: ${msg.split("\n")[0]}\n`);
  return EXIT_INTERNAL;
}
