// Interpreter behaviour through the real VM: sends, blocks, non-local
// return, escaped blocks, restart, doesNotUnderstand:, unknownGlobal:,
// perform:, reflection, numbers, runtime errors with tracebacks.
import { describe, it, expect } from "vitest";
import { runBody, runClasses } from "./helpers.js";

describe("interpreter", () => {
  it("runs a program and exits 0", async () => {
    const r = await runBody(`'Hello' println. (3 + 4 * 2) println. #(1 2 3) length println`);
    expect(r.stdout).toBe("Hello\n14\n3\n");
    expect(r.status).toBe(0);
    expect(r.vm.bytecodes).toBeGreaterThan(0);
    expect(r.vm.sends).toBeGreaterThan(0);
  });

  it("non-local return unwinds to the home method", async () => {
    const r = await runBody(`(self find: 3) println. (self find: 9) println`,
      `find: x = ( #(1 2 3 4) do: [ :e | e = x ifTrue: [ ^ e * 10 ] ]. ^ nil )`);
    expect(r.stdout).toBe("30\nnil\n");
  });

  it("an escaped block sends escapedBlock: to the sender's self", async () => {
    const r = await runClasses({
      Main: `Main = ( make = ( ^ [ :x | ^ x ] )
        escapedBlock: b = ( ^ #recovered )
        run = ( ((self make) value: 5) println. 'after' println ) )`,
    }, "Main");
    expect(r.stdout).toBe("#recovered\nafter\n");
    expect(r.status).toBe(0);
  });

  it("the default escapedBlock: is a library error", async () => {
    const r = await runClasses({ Main: `Main = ( make = ( ^ [ ^ 1 ] ) run = ( self make value ) )` }, "Main");
    expect(r.stdout).toBe("\nERROR: Block has escaped and cannot be executed\n");
    expect(r.status).toBe(1);
  });

  it("non-inlined whileTrue: uses restart and runs in constant stack", async () => {
    const r = await runBody(`| i c b | i := 0. c := [ i < 100000 ]. b := [ i := i + 1 ]. c whileTrue: b. i println`,
      "", { stackBytes: 64 * 1024 });
    expect(r.stdout).toBe("100000\n");
    expect(r.status).toBe(0);
  });

  it("doesNotUnderstand:arguments: receives the selector and an argument array", async () => {
    const r = await runClasses({
      Main: `Main = ( doesNotUnderstand: s arguments: a = ( s println. a length println. ^ a at: 2 )
        run = ( (self foo: 1 bar: 7) println. nil frob ) )`,
    }, "Main");
    expect(r.stdout).toBe("#foo:bar:\n2\n7\n\nERROR: Method frob not found in class Nil\n");
    expect(r.status).toBe(1);
  });

  it("unknown globals are sent unknownGlobal: and classes load lazily", async () => {
    const r = await runClasses({
      Main: `Main = ( run = ( Helper new hi. NoSuchThing println ) )`,
      Helper: `Helper = ( hi = ( 'hi' println ) )`,
    }, "Main");
    expect(r.stdout).toBe("hi\n\nERROR: Tried loading 'NoSuchThing' as a class, but failed.\n");
    expect(r.status).toBe(1);
  });

  it("perform: family and its errors", async () => {
    let r = await runBody(`(3 perform: #+ withArguments: #(4)) println. (3 perform: #between:and: withArguments: #(1 5)) println.
      (Array perform: #new: with: 2) length println`, "");
    expect(r.stdout.startsWith("7\ntrue\n")).toBe(true);
    r = await runBody(`3 perform: 'abs'`);
    expect(r.stderr.trimEnd().split("\n").pop()).toBe("Expected instance of 'Symbol' but got instance of 'String'.");
    expect(r.status).toBe(1);
    r = await runBody(`3 perform: #+ withArguments: #(1 2)`);
    expect(r.stderr.trimEnd().split("\n").pop()).toBe("Tried passing 2 arguments to a function that requires 1.");
  });

  it("reflection: methods is the same Array, fields a fresh copy, instVarAt: on classes sees class-side fields", async () => {
    const r = await runClasses({
      Main: `Main = ( | a b | answer = ( ^ a + 1 ) run = ( | m |
          (Main methods == Main methods) println.
          (Main fields == Main fields) println.
          Main fields println.
          a := 5. (self instVarAt: 1) println.
          Main setC. (Main instVarAt: 1) println.
          (Main class fields at: 1) println.
          m := Main methods at: 1. (m invokeOn: self with: #()) println ) 
        ----
        | c |
        setC = ( c := 42 ) )`,
    }, "Main");
    expect(r.stdout).toBe("true\nfalse\ninstance of Array\n5\n42\n#c\n6\n");
    expect(r.status).toBe(0);
  });

  it("Integer and Double primitives: large integers, errors, printing", async () => {
    const r = await runBody(`(9223372036854775807 + 1) println. (3037000500 * 3037000500) println.
      (1 << 100) println. ((1 << 100) >>> 98) println. (-8 >>> 1) println. (-7 / 2) println. (-7 % 2) println.
      (-7 rem: 2) println. (7 // 2) println. 0.1 println. (1/3) println. 2.5 round println. -2.5 round println.
      (100 factorialish) println`, `factorialish = ( ^ 0 )`);
    expect(r.stdout.split("\n").slice(0, 13)).toEqual([
      "9223372036854775808", "9223372037000250000", "1267650600228229401496703205376", "4", "9223372036854775804",
      "-3", "1", "-1", "3.5", "0.1", "0", "3", "-3",
    ]);
    const e = await runBody(`1 / 0`);
    expect(e.stderr.trimEnd().split("\n").pop()).toBe("Division by zero.");
    expect(e.status).toBe(1);
  });

  it("a runtime error prints a traceback with file:line and exits 1", async () => {
    const r = await runClasses({ Main: `Main = (\n  run = (\n    self helper\n  )\n  helper = (\n    ^ #(1 2) at: 5\n  )\n)\n` }, "Main");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("Traceback (most recent call at bottom):");
    expect(lines.some((l) => /^ {2}Main>>#run \(.*Main\.som:3\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}Main>>#helper \(.*Main\.som:6\)$/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toBe("Index 5 not valid for array of length 2.");
    expect(r.status).toBe(1);
  });

  it("supports 10 000 nested activations with the default stack; overflow is a clean error", async () => {
    const extra = `down: n = ( n = 0 ifTrue: [ ^ 0 ]. ^ 1 + (self down: n - 1) )`;
    const ok = await runBody(`(self down: 10000) println`, extra);
    expect(ok.stdout).toBe("10000\n");
    const bad = await runBody(`(self down: 100000000) println`, extra, { stackBytes: 256 * 1024 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trimEnd().split("\n").pop()).toBe("Stack overflow.");
  });

  it("heap exhaustion is `Out of memory.` after a full collection", async () => {
    const r = await runBody(`| v | v := nil. [ true ] whileTrue: [ | a | a := Array new: 1000. a at: 1 put: v. v := a ]`,
      "", { heapBytes: 1 << 20 });
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toBe("Out of memory.");
    expect(r.vm.gcCount).toBeGreaterThan(0);
  });

  it("System>>exit: sets the status and flushes output", async () => {
    const r = await runBody(`'bye' print. system exit: 3`);
    expect(r.stdout).toBe("bye");
    expect(r.status).toBe(3);
  });
});

describe("hostile programs get clean errors", () => {
  it("a primitive invoked on a foreign receiver", async () => {
    const r = await runBody(`((Class methods at: 1) invokeOn: 3 with: #()) println`);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/^Primitive Class>>name cannot run on an instance of Integer\.$/);
  });

  it("a huge Array is `Out of memory.`", async () => {
    const r = await runBody(`(Array new: 1073741823) println`);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toBe("Out of memory.");
  });

  it("primitives nested through perform: are bounded", async () => {
    const r = await runBody(`| a | a := #(). 1 to: 5000 do: [ :i | a := Array with: #perform:withArguments: with: a ].
      3 perform: #perform:withArguments: withArguments: a`);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n").pop()).toMatch(/Stack overflow\.|Tried passing/);
  });
});
