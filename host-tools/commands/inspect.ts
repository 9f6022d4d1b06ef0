// talc inspect app.img — what an image holds: header, objects, classes and
// methods, bytes per section.  A corrupt image is one clear error naming the
// file offset and the reason (host-tools/image/inspect.ts does the checking).
import { basename } from "node:path";
import type { Command } from "commander";
import { readImage, summarizeImage, formatSummary, ImageFormatError } from "../image/inspect.js";
import { isImage16, read16, formatSummary16 } from "../image/image16.js";
import { CliError, readUserFile, type CliIO, type CommandDef } from "./context.js";

export const inspectCommand: CommandDef = {
  name: "inspect",
  summary: "describe an image: header, classes, methods, bytes per section",
  valueOptions: [],
  passThrough: false,
  define(cmd: Command): void {
    cmd.argument("<image>", "image file written by 'talc build'");
  },
  async run(io: CliIO, positionals: string[]): Promise<number> {
    const path = positionals[0];
    const bytes = readUserFile(io, path, "image");
    try {
      if (isImage16(bytes)) io.stdout(formatSummary16(read16(bytes), basename(path)));
      else io.stdout(formatSummary(summarizeImage(readImage(bytes), bytes.length), basename(path)));
    } catch (e) {
      if (e instanceof ImageFormatError) throw new CliError(`corrupt image '${path}': ${e.message}`);
      throw e;
    }
    return 0;
  },
};
