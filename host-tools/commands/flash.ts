// talc image …, talc flash-file …: the flash engineer's offline tools
// (host-tools/flash/commands.ts), which parse their own arguments.  cli.ts
// hands them everything after the command name untouched.
import type { Command } from "commander";
import { imageCommand, flashFileCommand } from "../flash/commands.js";
import type { CliIO, CommandDef } from "./context.js";

function raw(name: string, summary: string, run: (argv: string[], io: CliIO) => Promise<number>): CommandDef {
  return {
    name,
    summary,
    valueOptions: [],
    passThrough: true,
    rawArguments: true,
    define(cmd: Command): void {
      cmd.usage("<subcommand> [options]  (see 'talc " + name + " --help')").argument("[args...]");
    },
    run: (io: CliIO, args: string[]) => run(args, io),
  };
}

export const imageToolCommand = raw("image", "flash images: pack, unpack, info", imageCommand);
export const flashFileToolCommand = raw("flash-file", "flash files for a board: create, write, info", flashFileCommand);
