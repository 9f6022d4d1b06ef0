// The command line itself: help, usage errors, option parsing.  No program
// runs here except where an option must reach the VM.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../host-tools/commands/index.js";
import { parseSize, rewriteClassPathFlag } from "../../host-tools/commands/options.js";
import { talc, lines } from "./helpers.js";

describe("talc --help", () => {
  it("prints the command list on stdout, status 0", async () => {
    const r = await talc(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Usage: talc/);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });

  it.each(COMMANDS.map((c) => c.name))("talc %s --help prints its usage on stdout, status 0", async (name) => {
    const r = await talc([name, "--help"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    // image and flash-file parse their own arguments (host-tools/flash) and name themselves.
    expect(r.stdout).toMatch(new RegExp(`^Usage: (talc )?${name} `));
    expect(r.stdout).toContain("--help");
  });

  it("talc image / flash-file receive their arguments untouched", async () => {
    const r = await talc(["image", "info", "--bogus-option-of-theirs"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--bogus-option-of-theirs");
  });

  it("talc run --help names the class path, heap and stack options", async () => {
    const r = await talc(["run", "--help"]);
    for (const o of ["-cp", "--heap", "--stack", "--debug-vm"]) expect(r.stdout).toContain(o);
  });

  it("-h is --help", async () => {
    const a = await talc(["build", "-h"]);
    const b = await talc(["build", "--help"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it("--version prints the version", async () => {
    const r = await talc(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("usage errors: one line and a hint on stderr, status 2", () => {
  const cases: [string, string[], RegExp][] = [
    ["no command", [], /^Usage: talc/],
    ["unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["unknown option of run", ["run", "--bogus", "Hello"], /unknown option '--bogus'/],
    ["unknown option of inspect", ["inspect", "--bogus", "x.img"], /unknown option '--bogus'/],
    ["run without <main>", ["run"], /missing required argument 'main'/],
    ["run -cp without its value", ["run", "-cp"], /argument missing/],
    ["build without -o", ["build", "Hello"], /required option '-o, --output <file>'/],
    ["build without <main>", ["build", "-o", "x.img"], /missing required argument 'main'/],
    ["disasm without <main>", ["disasm"], /missing required argument 'main'/],
    ["disasm with too many arguments", ["disasm", "Hello", "run", "extra"], /too many arguments/],
    ["inspect without an image", ["inspect"], /missing required argument 'image'/],
    ["a heap size that is not a size", ["run", "--heap", "lots", "Hello"], /--heap.*'lots' is invalid/],
    ["--board without --flash", ["run", "--board", "sim", "Hello"], /--board needs --flash/],
    ["a zero stack size", ["run", "--stack", "0", "Hello"], /--stack.*'0' is invalid/],
  ];
  it.each(cases)("%s", async (_what, argv, message) => {
    const r = await talc(argv);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const errLines = lines(r.stderr);
    expect(errLines).toHaveLength(2);
    expect(errLines[0]).toMatch(message);
    expect(errLines[1]).toMatch(/--help/);
  });
});

describe("option parsing helpers", () => {
  it("parseSize accepts bytes, k, m, g and rejects the rest", () => {
    expect(parseSize("65536")).toBe(65536);
    expect(parseSize("512k")).toBe(512 * 1024);
    expect(parseSize("64m")).toBe(64 * 1024 * 1024);
    expect(parseSize("64MiB")).toBe(64 * 1024 * 1024);
    expect(parseSize("1g")).toBe(1024 * 1024 * 1024);
    for (const bad of ["", "m", "-1", "0", "1.5m", "12q", "3g"]) expect(() => parseSize(bad), bad).toThrow();
  });

  it("-cp is rewritten only where it is an option", () => {
    const v = ["--classpath", "--heap", "--stack"];
    expect(rewriteClassPathFlag(["-cp", "a:b", "Main", "-cp", "x"], v, true)).toEqual(["--classpath", "a:b", "Main", "-cp", "x"]);
    expect(rewriteClassPathFlag(["--heap", "1m", "-cp", "d", "M"], v, true)).toEqual(["--heap", "1m", "--classpath", "d", "M"]);
    // A value that happens to be "-cp" stays a value.
    expect(rewriteClassPathFlag(["--heap", "-cp", "M"], v, true)).toEqual(["--heap", "-cp", "M"]);
    // After "--" nothing is an option.
    expect(rewriteClassPathFlag(["--", "-cp", "d"], v, true)).toEqual(["--", "-cp", "d"]);
    // Without pass-through (talc build) options may follow the positional.
    expect(rewriteClassPathFlag(["Main", "-cp", "d", "-o", "x"], ["--classpath", "-o"], false)).toEqual(["Main", "--classpath", "d", "-o", "x"]);
  });
});
