// `talc run`: programs from real files in temporary folders, run in-process
// against the built VM (build/talc.wasm).
import { afterAll, describe, expect, it } from "vitest";
import { talc, tempDir, lines } from "./helpers.js";

const files: Record<string, string> = {
  "Hello.som": "Hello = (\n    run = ( 'Hello' println )\n)\n",
  // Prints each program argument between brackets, one per line.
  "Args.som": "Args = (\n    run: args = (\n        args do: [ :a | ('[' + a + ']') println ]\n    )\n)\n",
  "lib/Greeter.som": "Greeter = (\n    run = ( 'from the class path' println )\n)\n",
  "Bad.som": "Bad = (\n    run = (\n        | x |\n        x := 3 +.\n    )\n)\n",
  "Divide.som": "Divide = (\n    run = ( 'before' println. (1 / 0) println )\n)\n",
  "Deep.som": "Deep = (\n    run = ( self down: 1 )\n    down: n = ( ^(self down: n + 1) + 1 )\n)\n",
  "Hog.som": "Hog = (\n    run = (\n        | v |\n        v := Vector new.\n        [ true ] whileTrue: [ v append: (Array new: 1000) ]\n    )\n)\n",
  "Quit.som": "Quit = (\n    run = ( 'bye' println. system exit: 3. 'not reached' println )\n)\n",
  "Mixed.som": "Mixed = (\n    run = (\n        'out1' println. system errorPrintln: 'err1'.\n        'out2' println. system errorPrintln: 'err2'\n    )\n)\n",
  "Misnamed.som": "Nil2 = (\n    run = ( 'x' println )\n)\n",
  "brokenlib/Boolean.som": "Boolean = (\n    ifTrue: b = ( ^^b )\n)\n",
  "Loop.som": "Loop = (\n    run: args = (\n        | n |\n        n := 0.\n        1 to: (args at: 2) asInteger do: [ :i | n := n + (self twice: i) ]\n    )\n    twice: i = ( ^i * 2 )\n)\n",
  "Unknown.som": "Unknown = (\n    run = ( 1 println. nil foo )\n)\n",
};
const t = tempDir(files);
afterAll(() => t.cleanup());

describe("talc run", () => {
  it("runs a .som file given by path", async () => {
    const r = await talc(["run", "Hello.som"], t.dir);
    expect(r).toMatchObject({ status: 0, stdout: "Hello\n", stderr: "" });
  });

  it("runs a class by name from the class path (-cp)", async () => {
    const r = await talc(["run", "-cp", "lib", "Greeter"], t.dir);
    expect(r).toMatchObject({ status: 0, stdout: "from the class path\n", stderr: "" });
  });

  it("finds the main class through the directory of <main>", async () => {
    const r = await talc(["run", "lib/Greeter.som"], t.dir);
    expect(r).toMatchObject({ status: 0, stdout: "from the class path\n" });
  });

  it("passes everything after <main> to the program verbatim", async () => {
    const args = ["-x", "--heap", "1", "-cp", "nowhere", "--help", "two words", ""];
    const r = await talc(["run", "--stack", "1m", "Args.som", ...args], t.dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(["Args", ...args].map((a) => `[${a}]\n`).join(""));
  });

  it("a missing main class is the library's error (spec 3.15), status 1", async () => {
    const r = await talc(["run", "Nope"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("\nERROR: Tried loading 'Nope' as a class, but failed.\n");
  });

  it("a missing .som path names the class", async () => {
    const r = await talc(["run", "missing/Nope.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("ERROR: Tried loading 'Nope' as a class, but failed.");
  });

  it("a library error keeps the output before it (spec 5.3)", async () => {
    const r = await talc(["run", "Unknown.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("1\n\nERROR: Method foo not found in class Nil\n");
  });

  it("a syntax error is file:line:col: message, the line and a caret, status 1", async () => {
    const r = await talc(["run", "Bad.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const err = r.stderr.split("\n");
    const m = /^(.*Bad\.som):(\d+):(\d+): (.+)$/.exec(err[0]);
    expect(m, r.stderr).not.toBeNull();
    const [, , line, col] = m!;
    expect(Number(line)).toBe(4);
    expect(err[1]).toBe(files["Bad.som"].split("\n")[3]);
    expect(err[2]).toBe(" ".repeat(Number(col) - 1) + "^");
  });

  it("a file whose class has another name is a compile error", async () => {
    const r = await talc(["run", "Misnamed.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Misnamed\.som:1:1: Class name .Nil2. does not match/);
  });

  it("a runtime error prints a traceback and the message on stderr, status 1", async () => {
    const r = await talc(["run", "Divide.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("before\n");
    const err = lines(r.stderr);
    expect(err[0]).toBe("Traceback (most recent call at bottom):");
    expect(err[err.length - 1]).toBe("Division by zero.");
  });

  it("endless recursion is 'Stack overflow.', status 1", async () => {
    const r = await talc(["run", "--stack", "256k", "Deep.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr).pop()).toBe("Stack overflow.");
  });

  it("endless recursion with the default stack is 'Stack overflow.' too", async () => {
    const r = await talc(["run", "Deep.som"], t.dir);
    expect(r.status).toBe(1);
    expect(lines(r.stderr).pop()).toBe("Stack overflow.");
  });

  it("a broken kernel class on the class path is a compile error, status 1", async () => {
    const r = await talc(["run", "-cp", "brokenlib", "Hello.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/brokenlib\/Boolean\.som:2:\d+: /);
    expect(lines(r.stderr).pop()).toBe("talc: cannot load kernel class Boolean");
  });

  it("endless allocation is 'Out of memory.', status 1", async () => {
    const r = await talc(["run", "--heap", "1m", "Hog.som"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr).pop()).toBe("Out of memory.");
  });

  it("a heap or stack the VM cannot set up is one clear error, status 1", async () => {
    for (const opt of [["--heap", "4k"], ["--stack", "100"]]) {
      const r = await talc(["run", ...opt, "Hello.som"], t.dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^talc: cannot set up a VM with a heap of \d+ bytes and a stack of \d+ bytes/);
    }
  });

  it("system exit: n is the exit status", async () => {
    const r = await talc(["run", "Quit.som"], t.dir);
    expect(r).toMatchObject({ status: 3, stdout: "bye\n", stderr: "" });
  });

  it("keeps the order of writes to stdout and stderr", async () => {
    const r = await talc(["run", "Mixed.som"], t.dir);
    expect(r.status).toBe(0);
    expect(r.order.join("")).toBe("1:out1\n2:err1\n1:out2\n2:err2\n");
  });

  it("--stats adds one line on stderr after the program, with real counts", async () => {
    const stat = /^talc: (\d+) bytecodes, (\d+) sends, (\d+) collections, (\d+) heap bytes in use, [\d.]+ ms, exit status 0\n$/;
    const small = await talc(["run", "--stats", "Loop.som", "10"], t.dir);
    const big = await talc(["run", "--stats", "Loop.som", "1000"], t.dir);
    expect(small.stdout).toBe("");
    const [s, b] = [stat.exec(small.stderr), stat.exec(big.stderr)];
    expect(s, small.stderr).not.toBeNull();
    expect(b, big.stderr).not.toBeNull();
    // 990 more iterations: at least 990 more sends of twice: and several bytecodes each.
    expect(Number(b![2]) - Number(s![2])).toBeGreaterThanOrEqual(990);
    expect(Number(b![1]) - Number(s![1])).toBeGreaterThanOrEqual(990 * 5);
    // Without --stats nothing but the program's output.
    expect((await talc(["run", "Loop.som", "10"], t.dir)).stderr).toBe("");
  });

  it("--debug-vm runs the debug build with the same result", async () => {
    const r = await talc(["run", "--debug-vm", "Hello.som"], t.dir);
    expect(r).toMatchObject({ status: 0, stdout: "Hello\n", stderr: "" });
  });

  it("a missing image file is one clear error, status 1", async () => {
    const r = await talc(["run", "nothere.img"], t.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("talc: cannot read image 'nothere.img': no such file\n");
  });
});
