// Static rules of spec 2.6 with the 5.5 messages: every error names the
// offending token's 1-based line and column.
import { describe, expect, it } from "vitest";
import { compileClass, generateClassFile, parseClass, CompileError } from "../../host-tools/compiler/index.js";
import { expectCompileError, NO_SUPER } from "./helpers.js";

function compileT(src: string, sup = NO_SUPER): Uint8Array {
  return compileClass(src, "T.som", sup);
}

describe("static rules (2.6) and messages (5.5)", () => {
  it("duplicate method arguments", () => {
    expectCompileError(() => compileT("T = (\n  foo: a bar: a = ( ^a )\n)"), 2, 15, /^Variable 'a' shadows another of the same name$/);
  });

  it("duplicate temporaries, and a temporary named like an argument", () => {
    expectCompileError(() => compileT("T = ( m = ( | x y x | ) )"), 1, 19, /Variable 'x' shadows/);
    expectCompileError(() => compileT("T = ( m: x = ( | x | ) )"), 1, 18, /Variable 'x' shadows/);
  });

  it("duplicate block parameters and block temporaries", () => {
    expectCompileError(() => compileT("T = ( m = ( ^[:a :a | a] ) )"), 1, 19, /Variable 'a' shadows/);
    expectCompileError(() => compileT("T = ( m = ( ^[:a | | a | a] ) )"), 1, 22, /Variable 'a' shadows/);
  });

  it("inner scopes may shadow outer names", () => {
    expect(() => compileT("T = ( | f | m: a = ( | t | ^[:a | | t f | [:t | a + t + f]] ) )")).not.toThrow();
  });

  it("self/super/nil/true/false cannot be declared", () => {
    expectCompileError(() => compileT("T = ( m: self = ( ) )"), 1, 10, /'self' cannot be declared/);
    expectCompileError(() => compileT("T = ( | nil | )"), 1, 9, /'nil' cannot be declared/);
    expectCompileError(() => compileT("T = ( m = ( ^[:true | 1] ) )"), 1, 16, /'true' cannot be declared/);
  });

  it("a field declared twice in one list", () => {
    expectCompileError(() => compileT("T = (\n | a b a |\n)"), 2, 8, /^Field 'a' has already been defined in this class\.$/);
    expectCompileError(() => compileT("T = ( ---- | c c | )"), 1, 16, /Field 'c' has already been defined/);
  });

  it("a field already declared in a superclass (both sides)", () => {
    const sup = { instanceFields: ["x", "y"], classFields: ["k"] };
    expectCompileError(() => compileT("T = S (\n | z y |\n)", sup), 2, 6, /^Field 'y' is already defined in a superclass\.$/);
    expectCompileError(() => compileT("T = S ( ---- | k | )", sup), 1, 16, /Field 'k' is already defined in a superclass/);
    // same name on the other side is fine
    expect(() => compileT("T = S ( | k | ---- | x | )", sup)).not.toThrow();
  });

  it("assignment to a name that is not a variable or field", () => {
    const e = expectCompileError(() => compileT("T = (\n  m = ( Foo := 3 )\n)"), 2, 9, /^No such field 'Foo' in class T/);
    expect(e.detail).toMatch(/system global:put:/);
    // class-side methods cannot assign instance fields
    expectCompileError(() => compileT("T = ( | f | ---- m = ( f := 1 ) )"), 1, 24, /No such field 'f' in class T class/);
    // instance methods cannot assign class-side fields
    expectCompileError(() => compileT("T = ( m = ( g := 1 ) ---- | g | )"), 1, 13, /No such field 'g' in class T/);
  });

  it("assignment to self, super, nil, true, false", () => {
    for (const name of ["self", "super", "nil", "true", "false"]) {
      expectCompileError(() => compileT(`T = ( m = ( ${name} := 3 ) )`), 1, 13, new RegExp(`Cannot assign to '${name}'`));
    }
  });

  it("a return must be the last statement", () => {
    expectCompileError(() => compileT("T = ( m = ( ^1. 2 ) )"), 1, 17, /return must be the last statement/);
    expectCompileError(() => compileT("T = ( m = ( ^[^1. 2] ) )"), 1, 19, /return must be the last statement/);
  });

  it("empty statements", () => {
    expectCompileError(() => compileT("T = ( m = ( a.. b ) )"), 1, 15, /Empty statement/);
    expectCompileError(() => compileT("T = ( m = ( . ) )"), 1, 13, /Empty statement/);
    expectCompileError(() => compileT("T = ( m = ( [ . ] ) )"), 1, 15, /Empty statement/);
  });

  it("class name must match the file name", () => {
    expectCompileError(() => compileClass("Foo = ( )", "dir/Bar.som", NO_SUPER), 1, 1, /Class name 'Foo' does not match the file name 'Bar.som'/);
    expectCompileError(() => parseClass("\n  Foo = ( )", "Bar.som"), 2, 3, /does not match/);
    // case-sensitive
    expectCompileError(() => compileClass("foo = ( )", "Foo.som", NO_SUPER), 1, 1, /does not match/);
  });

  it("nothing may follow the closing parenthesis", () => {
    expectCompileError(() => compileT("T = ( ) \"ok\" x"), 1, 14, /after the end of the class definition/);
    expectCompileError(() => compileT("T = ( )\n)"), 2, 1, /after the end of the class definition/);
  });

  it("literal array contents", () => {
    expectCompileError(() => compileT("T = ( m = ( ^#(1 foo) ) )"), 1, 18, /in a literal array/);
    expectCompileError(() => compileT("T = ( m = ( ^#(true) ) )"), 1, 16, /in a literal array/);
    expectCompileError(() => compileT("T = ( m = ( ^#([1]) ) )"), 1, 16, /in a literal array/);
    expectCompileError(() => compileT("T = ( m = ( ^#((1 2)) ) )"), 1, 16, /in a literal array/);
    expectCompileError(() => compileT("T = ( m = ( ^#(1 2"), 1, 19, /Expected '\)' to close the literal array/);
  });

  it("blocks with more than two parameters", () => {
    expectCompileError(() => compileT("T = ( m = ( ^[:a :b :c | a] ) )"), 1, 14, /more than 2 parameters/);
  });

  it("the separator only between the sides, once", () => {
    expectCompileError(() => compileT("T = ( ---- ---- )"), 1, 12, /only one separator/);
    expectCompileError(() => compileT("T = ( m = ( ---- ) )"), 1, 13, /Expected an expression/);
  });

  it("duplicate selector on one side; same selector on both sides is fine", () => {
    expectCompileError(() => compileT("T = (\n  m = ( )\n  m = ( ^1 )\n)"), 3, 3, /Method 'm' is already defined on the instance side/);
    expect(() => compileT("T = ( m = ( ) ---- m = ( ) )")).not.toThrow();
  });

  it("syntax errors say what was expected and found", () => {
    expectCompileError(() => compileT("T = ( m = ( x foo: ) )"), 1, 20, /Unexpected '\)'. Expected an expression/);
    expectCompileError(() => compileT("T ( )"), 1, 3, /Expected '=' after the class name/);
    expectCompileError(() => compileT("T = ( m = ( ^(1 + 2 ] ) )"), 1, 21, /Unexpected '\]'. Expected '\)'/);
    expectCompileError(() => compileT("T = ( m = ( [:x x] ) )"), 1, 17, /Expected '\|' after the block parameters/);
    expectCompileError(() => compileT("T = ( m = ( [:x || t | x] ) )"), 1, 17, /Expected '\|' after the block parameters/);
    expectCompileError(() => compileT("T = ( m = ( a b c d: ) )"), 1, 22, /Expected an expression/);
    expectCompileError(() => compileT("T = ( m = ( 1 2 ) )"), 1, 15, /Expected '.' or '\)'/);
  });

  it("lexical errors come through compileClass with their position", () => {
    expectCompileError(() => compileT("T = (\n  m = ( ^'a\\x' )\n)"), 2, 12, /^Unknown escape sequence '\\x'$/);
  });

  it("too many temporaries is an implementation-limit error, not wrong code", () => {
    const names = Array.from({ length: 256 }, (_, i) => `t${i}`).join(" ");
    const src = `T = ( m = ( | ${names} | ) )`;
    // slots 0..254 are fine; the 256th temporary (t255) exceeds the limit
    expectCompileError(() => compileT(src), 1, src.indexOf("t255") + 1, /Too many arguments, copied values and temporaries/);
    const ok = Array.from({ length: 255 }, (_, i) => `t${i}`).join(" ");
    expect(() => compileT(`T = ( m = ( | ${ok} | ) )`)).not.toThrow();
  });

  it("more than 255 literals use the wide instructions; more than 65535 is an error", () => {
    const many = Array.from({ length: 300 }, (_, i) => `'s${i}' foo.`).join(" ");
    expect(() => compileT(`T = ( m = ( ${many} ) )`)).not.toThrow();
    // 's0' is literal 0, #foo literal 1, 'sK' literal K+1: 's65534' would be the 65536th literal
    const tooMany = Array.from({ length: 65535 }, (_, i) => `'s${i}' foo.`).join(" ");
    const src = `T = ( m = ( ${tooMany} ) )`;
    expectCompileError(() => compileT(src), 1, src.indexOf("'s65534'") + 1, /too many literals/);
  });
});

describe("CompileError.format", () => {
  it("file:line:col: message, the source line, a caret under the column (tabs kept)", () => {
    let err: CompileError | null = null;
    try {
      compileClass("T = (\n\tm = ( ^'a\\q' )\n)", "src/T.som", NO_SUPER);
    } catch (e) {
      err = e as CompileError;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect(err?.format()).toBe("src/T.som:2:11: Unknown escape sequence '\\q'\n\tm = ( ^'a\\q' )\n\t         ^");
    expect(err?.message).toBe("src/T.som:2:11: Unknown escape sequence '\\q'");
    expect(err?.file).toBe("src/T.som");
    expect(err?.sourceLine).toBe("\tm = ( ^'a\\q' )");
  });

  it("generateClassFile reports superclass conflicts with the source line", () => {
    const ast = parseClass("T = S ( | a | )", "T.som");
    expect(() => generateClassFile(ast, { instanceFields: ["a"], classFields: [] })).toThrow(CompileError);
  });
});

describe("pathological input gives one clear error, never a host stack trace", () => {
  it("deep nesting of parentheses, blocks and literal arrays is limited", () => {
    const deep = "(".repeat(300) + "1" + ")".repeat(300);
    expectCompileError(() => compileT(`T = ( m = ( ^${deep} ) )`), 1, 14 + 256, /nested too deeply/);
    const blocksDeep = "[".repeat(300) + "]".repeat(300);
    expect(() => compileT(`T = ( m = ( ^${blocksDeep} ) )`)).toThrow(CompileError);
    const arrays = "#(".repeat(300) + ")".repeat(300);
    expect(() => compileT(`T = ( m = ( ^${arrays} ) )`)).toThrow(CompileError);
    // 200 levels are fine
    expect(() => compileT(`T = ( m = ( ^${"(".repeat(200)}1${")".repeat(200)} ) )`)).not.toThrow();
  });

  it("very long binary chains either compile or fail with a CompileError", () => {
    for (const n of [1000, 100000]) {
      const src = `T = ( m = ( ^1${" + 1".repeat(n)} ) )`;
      try {
        compileT(src);
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
      }
    }
  });

  it("a jump longer than 32 KB is an implementation-limit error at the method", () => {
    const body = Array.from({ length: 9000 }, (_, i) => `self m${i}`).join(". ");
    expectCompileError(() => compileT(`T = (\n  m: c = ( c ifTrue: [ ${body} ] )\n)`), 2, 3, /too large/);
  });

  it("a byte-order mark at the start is ignored", () => {
    expect(() => compileT("\uFEFFT = ( )")).not.toThrow();
    expectCompileError(() => compileT("\uFEFFT = ( m = ( ^'\\z' ) )"), 1, 15, /Unknown escape/);
  });
});
