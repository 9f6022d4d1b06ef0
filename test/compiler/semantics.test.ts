// End-to-end: compiled code run by the real VM (build/talc.wasm) on Talc's
// kernel.  Pins the semantics the compiler is responsible for: inlining with
// cold paths (spec 3.13), fresh bindings, temp vectors, non-local returns,
// literals.  Skipped when the VM has not been built.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kernelDir, packageRoot } from "../../host-tools/classpath.js";
import { TalcVM } from "../../host-tools/vm/vmhost.js";

const WASM = join(packageRoot(), "build", "talc.wasm");
const haveVM = existsSync(WASM);
const dir = mkdtempSync(join(tmpdir(), "talc-compiler-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Write the classes (name -> source) and run `main` (its run method). */
async function run(main: string, classes: Record<string, string>): Promise<Result> {
  const sub = mkdtempSync(join(dir, "p"));
  for (const [name, src] of Object.entries(classes)) writeFileSync(join(sub, `${name}.som`), src);
  let stdout = "";
  let stderr = "";
  const dec = new TextDecoder();
  const vm = await TalcVM.create({
    classPath: [sub, kernelDir()],
    heapBytes: 8 * 1024 * 1024,
    stdout: (b) => { stdout += dec.decode(b); },
    stderr: (b) => { stderr += dec.decode(b); },
  });
  vm.bootstrap();
  vm.start([main]);
  const status = await vm.runToEnd();
  return { status, stdout, stderr };
}

/** Prints an Array (nested) as (e1 e2 ...) with each element's print. */
const SHOW = `show: x = ( x class == Array
    ifTrue: [ '(' print. 1 to: x length do: [:i | i > 1 ifTrue: [ ' ' print ]. self show0: (x at: i) ]. ')' println ]
    ifFalse: [ x println ] )
  show0: e = ( e class == Array
    ifTrue: [ '(' print. 1 to: e length do: [:i | i > 1 ifTrue: [ ' ' print ]. self show0: (e at: i) ]. ')' print ]
    ifFalse: [ e class == String ifTrue: [ ('\\'' + e + '\\'') print ] ifFalse: [ e print ] ] )`;

/** Run a Main class whose run method is `body`, with extra methods. */
async function runBody(body: string, methods = "", fields = ""): Promise<Result> {
  return run("Main", { Main: `Main = (\n${fields ? `| ${fields} |` : ""}\nrun = (\n${body}\n)\n${methods}\n)\n` });
}

describe.skipIf(!haveVM)("compiled code on the VM", () => {
  it("inlined conditionals answer the library's values", async () => {
    const r = await runBody(`
      (true ifTrue: [1]) println. (false ifTrue: [1]) println. (true ifFalse: [1]) println.
      (false ifTrue: [1] ifFalse: [2]) println. (true ifFalse: [1] ifTrue: [2]) println.
      (true and: [3]) println. (false and: [3]) println. (true or: [3]) println. (false or: [3]) println.
      (false && [3]) println. (false || [4]) println.
      (nil ifNil: [5]) println. (6 ifNil: [5]) println. (nil ifNotNil: [5]) println. (6 ifNotNil: [7]) println.
      (nil ifNil: [8] ifNotNil: [9]) println. (1 ifNotNil: [8] ifNil: [9]) println.
      ([:x | x] value: 3) println. [] value println. [:x | ] value println`);
    expect(r.stdout).toBe("1\nnil\nnil\n2\n2\n3\nfalse\ntrue\n3\nfalse\n4\n5\n6\nnil\n7\n8\n8\n3\nnil\nnil\n");
    expect(r.status).toBe(0);
  });

  it("a non-Boolean receiver of an inlined conditional gets a real send (doesNotUnderstand:)", async () => {
    const r = await runBody("nil ifTrue: [ 'no' println ]");
    expect(r.stdout).toBe("\nERROR: Method ifTrue: not found in class Nil\n");
    expect(r.status).toBe(1);
    const a = await runBody("(3 and: [ true ]) println");
    expect(a.stdout).toBe("\nERROR: Method and: not found in class Integer\n");
  });

  it("the cold path passes real closures, so the receiver's own method runs", async () => {
    const r = await run("Main", {
      Main: `Main = ( run = (
        | f |
        f := Fuzzy new.
        (f ifTrue: [ 'yes' ] ifFalse: [ 'no' ]) println.
        (f ifTrue: [ 'only' ]) println.
        (f and: [ 'both' ]) println.
        (f zork: 3) println ) )`,
      Fuzzy: `Fuzzy = (
        ifTrue: a ifFalse: b = ( ^'fuzzy ' + b value )
        ifTrue: a = ( ^a value + '!' )
        doesNotUnderstand: sel arguments: args = ( ^sel asString + ' ' + args length asString + ' ' + (args at: 1) value asString )
      )`,
    });
    expect(r.stdout).toBe("fuzzy no\nonly!\nand: 1 both\nzork: 1 3\n");
  });

  it("and:/or: compiled as tests keep the library's behaviour for non-Booleans", async () => {
    const r = await run("Main", {
      Main: `Main = ( run = (
        | f n |
        f := Fuzzy new. n := 0.
        ((f and: [ true ]) ifTrue: [ 'and yes' ] ifFalse: [ 'and no' ]) println.
        ((f or: [ false ]) ifTrue: [ 'or yes' ] ifFalse: [ 'or no' ]) println.
        ((false or: [ f ]) ifTrue: [ 'fuzzy yes' ] ifFalse: [ 'fuzzy no' ]) println.
        [ f and: [ n < 3 ] ] whileTrue: [ n := n + 1 ].
        n println.
        (true and: [ 3 ]) ifTrue: [ 'never' println ] ) )`,
      Fuzzy: `Fuzzy = (
        and: b = ( ^b value )
        or: b = ( ^b value not )
        ifTrue: a ifFalse: b = ( ^'fuzzy ' + a value )
        ifFalse: b = ( ^nil )
      )`,
    });
    expect(r.stdout).toBe("and yes\nor yes\nfuzzy fuzzy yes\n3\n\nERROR: Method ifTrue: not found in class Integer\n");
  });

  it("a non-Boolean loop condition behaves as in Block>>whileTrue: (ifFalse: [^nil], then the body)", async () => {
    const r = await run("Main", {
      Main: `Main = ( run = (
        | n lazy eager |
        lazy := Lazy new. eager := Eager new. n := 0.
        [ n >= 3 ifTrue: [ eager ] ifFalse: [ lazy ] ] whileTrue: [ n := n + 1 ].
        n println.
        n := 0.
        ([ n >= 2 ifTrue: [ eager ] ifFalse: [ lazy ] ] whileTrue: [ n := n + 1 ]) println.
        n println ) )`,
      Lazy: `Lazy = ( ifFalse: b = ( ^nil ) )`,
      Eager: `Eager = ( ifFalse: b = ( ^b value ) )`,
    });
    expect(r.stdout).toBe("3\nnil\n2\n");
  });

  it("a non-Boolean loop condition gets ifFalse: (whileTrue:) or not (whileFalse:)", async () => {
    const t = await runBody("[ 42 ] whileTrue: [ 'loop' println ]");
    expect(t.stdout).toBe("\nERROR: Method ifFalse: not found in class Integer\n");
    const f = await runBody("[ 42 ] whileFalse: [ 'loop' println ]");
    expect(f.stdout).toBe("\nERROR: Method not not found in class Integer\n");
  });

  it("loops: values, limits evaluated once, Integer/Double mixing, non-number receivers", async () => {
    const r = await runBody(`
      | i n |
      i := 0. ([ i < 3 ] whileTrue: [ i := i + 1 ]) println. i println.
      ([ i <= 0 ] whileFalse: [ i := i - 1 ]) println.
      (1 to: 3 do: [:k | k print ]) println.
      1 to: 2.5 do: [:k | k print. ' ' print ]. '' println.
      1.5 to: 3 do: [:k | k print. ' ' print ]. '' println.
      3 downTo: 1 do: [:k | k print ]. '' println.
      1 to: 10 by: 4 do: [:k | k print ]. '' println.
      10 downTo: 1 by: 4 do: [:k | k print ]. '' println.
      n := 0. 1 to: (n := n + 5) do: [:k | ]. n println.
      (4 timesRepeat: [ i := i + 1 ]) println. i println.
      0 timesRepeat: [ 'never' println ].
      nil to: 3 do: [:k | ]`);
    expect(r.stdout).toBe("nil\n3\nnil\n1231\n1 2 \n1.5 2.5 \n321\n159\n1062\n5\n4\n4\n\nERROR: Method to:do: not found in class Nil\n");
  });

  it("to:do: gives every iteration a fresh binding of the loop variable", async () => {
    const r = await runBody(`
      | blocks more |
      blocks := Array new: 3.
      1 to: 3 do: [:i | blocks at: i put: [ i ] ].
      self show: (blocks collect: [:b | b value ]).
      more := Array new: 3.
      1 to: 3 do: [:i | more at: i put: [ i := i + 10. i ] ].
      self show: (more collect: [:b | b value ]).
      self show: (more collect: [:b | b value ])`, SHOW);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("(1 2 3)\n(11 12 13)\n(21 22 23)\n");
  });

  it("block temporaries are fresh on every entry, also when inlined", async () => {
    const r = await runBody(`
      1 to: 3 do: [:i | | t | t isNil print. t := i ]. '' println.
      #(1 2) do: [:x | | u | u isNil print. u := x ]. '' println.
      | w | w := 0. [ w < 2 ] whileTrue: [ | v | v isNil print. v := w. w := w + 1 ]. '' println`.replace("| w | w := 0.", "w := 0."), "", "w");
    expect(r.stdout).toBe("truetruetrue\ntruetrue\ntruetrue\n");
  });

  it("captured variables are shared by reference through temp vectors", async () => {
    const r = await runBody(`
      | c inc get pair |
      c := 0.
      inc := [ c := c + 1 ].
      get := [ c ].
      inc value. inc value.
      get value println. c println.
      pair := self makeCounter.
      (pair at: 1) value. (pair at: 1) value. (pair at: 2) value println.
      (self adder: 5) value println`,
      `makeCounter = ( | n | n := 0. ^Array with: [ n := n + 1 ] with: [ n ] )
       adder: k = ( ^[ k := k + 1. k ] )`);
    expect(r.stdout).toBe("2\n2\n2\n6\n");
  });

  it("non-local returns from real and inlined blocks; escaped blocks", async () => {
    const r = await runBody(`
      (self find: 2 in: #(1 2 3)) println.
      (self find: 9 in: #(1 2 3)) println.
      (self early: true) println. (self early: false) println.
      self escaper value`,
      `find: x in: arr = ( arr do: [:e | e = x ifTrue: [ ^'found' ] ]. ^'missing' )
       early: c = ( c ifTrue: [ ^1 ]. ^2 )
       escaper = ( ^[ ^3 ] )`);
    expect(r.stdout).toBe("found\nmissing\n1\n2\n\nERROR: Block has escaped and cannot be executed\n");
  });

  it("literals: big integers, negative zero, nested arrays, symbols, escapes", async () => {
    const r = await runBody(`
      123456789012345678901234567890 println. -123456789012345678901234567890 println.
      1073741823 println. 1073741824 println. -1073741824 println. -1073741825 println.
      -0.0 println. 0.1 println. -2.5 println.
      self show: #(1 -2 3.5 'str' #sym #at:put: #(#a 1)).
      #+ println. #'hello world' println. 'tab\\there' println. (3 - -2) println. (2--5) println`, SHOW);
    expect(r.stdout.split("\n").slice(0, 13)).toEqual([
      "123456789012345678901234567890", "-123456789012345678901234567890",
      "1073741823", "1073741824", "-1073741824", "-1073741825",
      "-0.0", "0.1", "-2.5", "(1 -2 3.5 'str' #sym #at:put: (#a 1))", "#+", "#hello world", "tab\there",
    ].slice(0, 13));
    expect(r.stdout).toContain("tab\there\n5\n\nERROR: Method -- not found in class Integer\n");
  });

  it("fields on both sides, super sends on both sides", async () => {
    const r = await run("Main", {
      Main: `Main = ( run = ( | b | b := B new. b set. b sum println. B count println. B count println. A count println. b who println. B make println ) )`,
      A: `A = ( | x | set = ( x := 1 ) who = ( ^'A' ) ---- | n | count = ( n := (n ifNil: [ 0 ]) + 1. ^n ) make = ( ^'made A' ) )`,
      B: `B = A ( | y | set = ( super set. y := 2 ) sum = ( ^x + y ) who = ( ^super who + 'B' ) ---- | m | make = ( ^super make + ' via B' ) )`,
    });
    expect(r.stdout).toBe("3\n1\n2\n1\nAB\nmade A via B\n");
  });
});
