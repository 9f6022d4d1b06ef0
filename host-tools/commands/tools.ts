// Tools that parse their own arguments; cli.ts hands them everything after
// the command name untouched:
//   talc image …, talc flash-file …            host-tools/flash/commands.ts (offline)
//   talc flash|monitor|repl|ports|device …     host-tools/serial/commands.ts (serial link)
import type { Command } from "commander";
import { imageCommand, flashFileCommand } from "../flash/commands.js";
import { SERIAL_COMMANDS } from "../serial/commands.js";
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

export const serialToolCommands: CommandDef[] = SERIAL_COMMANDS.map((c) => raw(c.name, c.summary, c.run));

export const imageToolCommand = raw("image", "flash images: pack, unpack, info", imageCommand);
export const flashFileToolCommand = raw("flash-file", "flash files for a board: create, write, boot, info", flashFileCommand);
