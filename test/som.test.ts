// The SOM test suite (spec sections 1-6): every program under
// test/som/programs runs through the CLI in-process, twice:
//   1. on Talc's own kernel library (kernel/, the implicit last class-path entry);
//   2. with the stand-in standard library (test/standin) first on the class path.
// Both runs must give exactly the expected stdout (NAME.out) and exit status
// (NAME.status, default 0); NAME.err, if present, holds substrings (one per
// line) that stderr must contain, except that a line `last: TEXT` means the
// last line of stderr must be exactly TEXT (spec 5.4: the message of a VM
// runtime error is the last line); NAME.args holds program arguments, one per
// line.
//
// Also: the SOM unit tests (test/som/unit, TestRunner main class) on both
// libraries, and class-path shadowing (test/som/shadow).
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { main, type CliIO } from "../host-tools/cli.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PROGRAMS = join(ROOT, "test/som/programs");
const UNIT = join(ROOT, "test/som/unit");
const SHADOW = join(ROOT, "test/som/shadow");
const STANDIN = join(ROOT, "test/standin");
const CP = join(ROOT, "test/som/cp");

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run `talc run -cp <cp> <mainFile> args…` in-process from the repository root. */
async function talcRun(cp: string[], mainFile: string, args: string[] = [], options: string[] = []): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const chunk = (b: Uint8Array | string): Buffer => (typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b));
  const io: CliIO = {
    stdout: (b) => void out.push(chunk(b)),
    stderr: (b) => void err.push(chunk(b)),
    cwd: ROOT,
  };
  const argv = ["run", ...options];
  if (cp.length > 0) argv.push("-cp", cp.map((d) => relative(ROOT, d) || ".").join(":"));
  argv.push(isAbsolute(mainFile) ? relative(ROOT, mainFile) : mainFile, ...args);
  const status = await main(argv, io);
  return { status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** A program is NAME.som with a NAME.out beside it (other .som files are helpers). */
function programNames(): string[] {
  return readdirSync(PROGRAMS)
    .filter((f) => f.endsWith(".som") && existsSync(join(PROGRAMS, f.slice(0, -4) + ".out")))
    .map((f) => f.slice(0, -4))
    .sort();
}

interface Expectation {
  stdout: string;
  status: number;
  err: string[];
  args: string[];
}

function expectationFor(name: string): Expectation {
  const base = join(PROGRAMS, name);
  const statusText = readOptional(base + ".status");
  const argsText = readOptional(base + ".args");
  return {
    stdout: readFileSync(base + ".out", "utf8"),
    status: statusText === undefined ? 0 : Number.parseInt(statusText.trim(), 10),
    err: (readOptional(base + ".err") ?? "").split("\n").filter((l) => l !== ""),
    args: argsText === undefined ? [] : argsText.split("\n").filter((l, i, a) => !(i === a.length - 1 && l === "")),
  };
}

function check(r: RunResult, e: Expectation): void {
  // Status last, so that a wrong output shows the most useful diff first.
  expect(r.stdout).toBe(e.stdout);
  for (const part of e.err) {
    if (part.startsWith("last: ")) expect(r.stderr.trimEnd().split("\n").pop()).toBe(part.slice(6));
    else expect(r.stderr).toContain(part);
  }
  expect({ status: r.status, stderr: r.status === e.status ? "" : r.stderr }).toEqual({ status: e.status, stderr: "" });
}

describe("SOM programs on Talc's kernel", () => {
  for (const name of programNames()) {
    it(name, async () => {
      const e = expectationFor(name);
      check(await talcRun([], join(PROGRAMS, name + ".som"), e.args), e);
    });
  }
});

describe("SOM programs on the stand-in library", () => {
  for (const name of programNames()) {
    it(name, async () => {
      const e = expectationFor(name);
      check(await talcRun([STANDIN], join(PROGRAMS, name + ".som"), e.args), e);
    });
  }
});

// With a small heap the collector runs often and moves everything: the same
// programs must give the same output (identity hashes, Sets, symbols survive).
const SMALL_HEAP_PROGRAMS = ["GcSmallHeap", "Closures", "NonLocalReturn", "IntegerBig", "HashtableBasics", "ReturnEdgeCases", "SymbolInterning", "EscapeFrameReuse", "DeepGc"];

describe("SOM programs with a small heap (--heap 512k)", () => {
  for (const name of SMALL_HEAP_PROGRAMS) {
    it(name, async () => {
      const e = expectationFor(name);
      check(await talcRun([], join(PROGRAMS, name + ".som"), e.args, ["--heap", "512k"]), e);
    });
  }
});

// The same programs built into an image (talc build) and run from it: the
// kernel and the program's classes go through snapshot and load.
// ClassLoading: classes named only by symbol literals are in the image, and
// binding a library class binds its library superclasses first.
const IMAGE_PROGRAMS = ["Closures", "IntegerBig", "DoubleBulk", "MiniBenchmarks", "Reflection", "SuperSends", "EscapedBlockOverride", "RunArgs", "ClassLoading"];

describe("SOM programs run from a built image", () => {
  for (const name of IMAGE_PROGRAMS) {
    it(name, async () => {
      const e = expectationFor(name);
      const dir = mkdtempSync(join(tmpdir(), "talc-som-"));
      try {
        const img = join(dir, name + ".img");
        const b = await main(["build", relative(ROOT, join(PROGRAMS, name + ".som")), "-o", img], {
          stdout: () => undefined,
          stderr: () => undefined,
          cwd: ROOT,
        });
        expect(b).toBe(0);
        check(await talcRun([], img, e.args), e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("SOM unit tests (TestRunner)", () => {
  for (const [label, cp] of [
    ["kernel", [UNIT]],
    ["stand-in", [STANDIN, UNIT]],
  ] as const) {
    it(`all *Test classes pass on the ${label} library`, async () => {
      const r = await talcRun([...cp], join(UNIT, "TestRunner.som"));
      const lines = r.stdout.trimEnd().split("\n");
      const summary = lines[lines.length - 1];
      expect(summary).toMatch(/^\d+ passed, 0 failed$/);
      // Every test class ran and the count is not trivially small.
      expect(Number.parseInt(summary, 10)).toBeGreaterThan(150);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  }

  it("a failing assertion is reported and gives status 1", async () => {
    const r = await talcRun([join(UNIT, "failing"), UNIT], join(UNIT, "TestRunner.som"), ["FailingTest"]);
    expect(r.stdout).toContain("FAIL FailingTest>>#testFails");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("1 passed, 1 failed");
    expect(r.status).toBe(1);
  });
});

describe("class path", () => {
  it("a class-path directory's own Vector shadows the kernel's", async () => {
    const r = await talcRun([SHADOW], join(SHADOW, "ShadowMain.som"));
    expect(r.stdout).toBe("shadow Vector\n3\n");
    expect(r.status).toBe(0);
  });

  it("an earlier directory's Vector shadows the stand-in library's", async () => {
    const r = await talcRun([SHADOW, STANDIN], join(SHADOW, "ShadowMain.som"));
    expect(r.stdout).toBe("shadow Vector\n3\n");
    expect(r.status).toBe(0);
  });

  it("directories are searched in order, the main file's directory after the -cp ones", async () => {
    const r = await talcRun([join(CP, "a"), join(CP, "b")], join(CP, "CpMain.som"));
    expect(r.stdout).toBe("A from a\nB from b\nC from b\nD from the main directory\n");
    expect(r.status).toBe(0);
  });

  it("a main class that cannot be found is reported by System>>resolve:", async () => {
    const r = await talcRun([PROGRAMS], "NoSuchMainClassAnywhere");
    expect(r.stdout).toBe("\nERROR: Tried loading 'NoSuchMainClassAnywhere' as a class, but failed.\n");
    expect(r.status).toBe(1);
  });

  it("a compile error is reported as file:line:col: message, the source line and a caret (spec 5.5)", async () => {
    const r = await talcRun([], join(PROGRAMS, "CeSyntax.som"));
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/CeSyntax\.som:3:10: \S/);
    expect(lines[1]).toBe("    ^1 + )");
    expect(lines[2]).toBe("         ^");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("a main class given by name (no .som) is found on the class path", async () => {
    const r = await talcRun([PROGRAMS], "Hello");
    expect(r.stdout).toBe("Hello, World!\n");
    expect(r.status).toBe(0);
  });

  it("the stand-in library really replaces the kernel (its file appears in a traceback)", async () => {
    // Array>>copyFrom:to: calls Array new: -1: a runtime error inside library code.
    const r = await talcRun([STANDIN, PROGRAMS], join(PROGRAMS, "ErrLibraryFrame.som"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("standin/Array.som");
    const k = await talcRun([], join(PROGRAMS, "ErrLibraryFrame.som"));
    expect(k.status).toBe(1);
    expect(k.stderr).not.toContain("standin");
    expect(k.stderr).toContain("kernel/Array.som");
  });
});
