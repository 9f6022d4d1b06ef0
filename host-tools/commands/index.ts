// The command table of `talc` (style.md #10): one row per command, one file
// per command.  cli.ts builds the commander program from this list, in this
// order (the order of `talc --help`).
import type { CommandDef } from "./context.js";
import { runCommand } from "./run.js";
import { buildCommand } from "./build.js";
import { disasmCommand } from "./disasm.js";
import { inspectCommand } from "./inspect.js";
import { imageToolCommand, flashFileToolCommand, serialToolCommands } from "./tools.js";
import { simCommandDef } from "../sim/command.js";

export const COMMANDS: readonly CommandDef[] = [
  runCommand,
  buildCommand,
  disasmCommand,
  inspectCommand,
  simCommandDef,
  imageToolCommand,
  flashFileToolCommand,
  ...serialToolCommands,
];
