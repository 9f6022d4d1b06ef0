#!/usr/bin/env node
// `talc` executable: runs the compiled CLI (dist/host-tools/cli.js) with
// synchronous writes, so no output is lost at exit (spec A.5), and sets the
// exit status without calling process.exit.
import { writeSync } from "node:fs";

/** fds whose reader has gone (EPIPE): later output to them is dropped. */
const closed = new Set();

/** Write all of `data` to fd, waiting out EAGAIN (non-blocking pipes); a closed pipe ends output quietly. */
function writeAll(fd, data) {
  if (closed.has(fd)) return;
  const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (e.code === "EPIPE") {
        closed.add(fd);
        return;
      }
      throw e;
    }
  }
}

let main;
try {
  ({ main } = await import("../dist/host-tools/cli.js"));
} catch (e) {
  writeAll(2, `talc: cannot load the compiled host tools (${e.message.split("\n")[0]}); run 'npm run build' first\n`);
  process.exitCode = 70;
}
if (main !== undefined) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (b) => writeAll(1, b),
    stderr: (b) => writeAll(2, b),
    cwd: process.cwd(),
  });
}
