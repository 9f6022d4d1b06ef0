// Shared types of the `talc` commands: the I/O a command may use, the
// command-table row, and the error that carries an exit status.
//
// Invariants:
// - A command never calls process.exit and never writes to process.stdout /
//   process.stderr directly: all output goes through CliIO, so tests run the
//   CLI in-process and see every byte in order.
// - A command answers its exit status; an expected failure (bad file, corrupt
//   image, compile error) is a CliError (or a CompileError) thrown to cli.ts,
//   which prints it as one clear message.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";

/** Where the CLI writes and where it resolves relative paths. */
export interface CliIO {
  stdout(b: Uint8Array | string): void;
  stderr(b: Uint8Array | string): void;
  /** Directory against which relative paths and the class path resolve. */
  cwd: string;
}

/** An expected failure: printed as `talc: <message>`, exit status `status`. */
export class CliError extends Error {
  readonly status: number;
  constructor(message: string, status = 1) {
    super(message);
    this.name = "CliError";
    this.status = status;
  }
}

/** Exit statuses used by the CLI itself (the program's own come from the VM). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;   // runtime/compile/image errors (spec 5.6)
export const EXIT_USAGE = 2;     // bad command line
export const EXIT_INTERNAL = 70; // a bug in Talc (sysexits EX_SOFTWARE)

/**
 * One row of the command table (style.md #10).
 * `define` adds the command's arguments and options to its commander
 * Command; `run` receives the parsed positionals and options.
 */
export interface CommandDef {
  name: string;
  summary: string;
  /** Options (long form) that take a value: used to rewrite `-cp` safely. */
  valueOptions: readonly string[];
  /** True: options are recognised only before the first positional (talc run). */
  passThrough: boolean;
  /** True: the command takes its raw arguments and parses them itself. */
  rawArguments?: boolean;
  define(cmd: Command): void;
  run(io: CliIO, args: string[], opts: Record<string, unknown>): Promise<number>;
}

/** Text → UTF-8 helper for commands that print. */
export function line(io: CliIO, text: string): void {
  io.stdout(text.endsWith("\n") ? text : text + "\n");
}

/** Read a file the user named; a failure is one clear CliError. */
export function readUserFile(io: CliIO, path: string, what: string): Uint8Array {
  try {
    return readFileSync(resolve(io.cwd, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new CliError(`cannot read ${what} '${path}': ${why}`);
  }
}


/**
 * The message of an error from the VM host or the builder, without the
 * "talc: " prefix they may already carry (cli.ts adds it once).
 */
export function plainMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^talc: /, "");
}
