// Parser: grammar of spec section 2, precedence (2.5), negative literals (1.9).
import { describe, expect, it } from "vitest";
import { parseClass, type Expr, type Stmt } from "../../host-tools/compiler/index.js";

/** Parse `body` as the statements of method `m` in class T; answer its statements. */
function stmts(body: string): Stmt[] {
  return parseClass(`T = ( m = ( ${body} ) )`, "T.som").instanceMethods[0].body;
}
function expr(body: string): Expr {
  return stmts(body)[0].expr;
}

/** Compact text of an expression tree: sends as (rcvr sel args), super sends marked. */
function show(e: Expr): string {
  switch (e.kind) {
    case "var": return e.name;
    case "lit": {
      const v = e.value;
      if (v.kind === "int") return `${v.value}`;
      if (v.kind === "double") return Object.is(v.value, -0) ? "-0.0d" : `${v.value}d`;
      if (v.kind === "string") return `'${v.value}'`;
      if (v.kind === "symbol") return `#${v.value}`;
      return `#(${v.elements.length})`;
    }
    case "block": return `[${e.params.map((p) => ":" + p.name).join(" ")}|${e.temps.map((t) => t.name).join(" ")}|${e.body.length}]`;
    case "assign": return `${e.target.name}:=${show(e.value)}`;
    case "send": return `(${show(e.receiver)} ${e.isSuper ? "^" : ""}${e.selector}${e.args.map((a) => " " + show(a)).join("")})`;
  }
}

describe("parser: precedence and associativity (2.5)", () => {
  it("unary binds tighter than binary, binary tighter than keyword", () => {
    expect(show(expr("a + b foo"))).toBe("(a + (b foo))");
    expect(show(expr("2 + 3 * 4"))).toBe("((2 + 3) * 4)");
    expect(show(expr("a at: b + 1 put: c foo"))).toBe("(a at:put: (b + 1) (c foo))");
    expect(show(expr("x foo bar"))).toBe("((x foo) bar)");
    expect(show(expr("(a at: 1) at: 2"))).toBe("((a at: 1) at: 2)");
    expect(show(expr("a foo + b bar baz: c qux - d"))).toBe("(((a foo) + (b bar)) baz: ((c qux) - d))");
  });

  it("assignment is right-associative, with several targets", () => {
    expect(show(expr("a := b := 3 + 4"))).toBe("a:=b:=(3 + 4)");
    expect(show(expr("(x := 3) println"))).toBe("(x:=3 println)");
  });

  it("super: only the first send to super is a super send (3.6)", () => {
    expect(show(expr("super foo bar"))).toBe("((super ^foo) bar)");
    expect(show(expr("super x * super y"))).toBe("((super ^x) * (super ^y))");
    expect(show(expr("super at: 1 put: 2"))).toBe("(super ^at:put: 1 2)");
    expect(show(expr("super + 1"))).toBe("(super ^+ 1)");
  });

  it("negative literals in operand position only (1.9)", () => {
    expect(show(expr("3 -2"))).toBe("(3 - 2)");
    expect(show(expr("3-2"))).toBe("(3 - 2)");
    expect(show(expr("-5 abs"))).toBe("(-5 abs)");
    expect(show(expr("2 - -5"))).toBe("(2 - -5)");
    expect(show(expr("2--5"))).toBe("(2 -- 5)");
    expect(show(expr("x := -0.0"))).toBe("x:=-0.0d");
    expect(show(expr("a foo: -1 bar: -2.5"))).toBe("(a foo:bar: -1 -2.5d)");
    expect(show(expr("-123456789012345678901234567890"))).toBe("-123456789012345678901234567890");
    expect(show(expr("(-1)"))).toBe("-1");
  });

  it("literal arrays: numbers (also negative), strings, symbols, nested arrays (1.12)", () => {
    const e = expr("#(3 -2 1.5 'x' #s #at:put: #+ #(1 #(2)) #())");
    expect(e.kind).toBe("lit");
    if (e.kind !== "lit" || e.value.kind !== "array") throw new Error("not an array");
    expect(e.value.elements.map((x) => x.kind)).toEqual(["int", "int", "double", "string", "symbol", "symbol", "symbol", "array", "array"]);
    expect(e.value.elements[1]).toEqual({ kind: "int", value: -2n });
  });

  it("statements: trailing period, return last, empty bodies", () => {
    expect(stmts("a. b.").length).toBe(2);
    expect(stmts("").length).toBe(0);
    const r = stmts("a. ^b.");
    expect(r.map((s) => s.kind)).toEqual(["expr", "return"]);
  });

  it("blocks: params, temps, empty forms (2.4)", () => {
    expect(show(expr("[]"))).toBe("[||0]");
    expect(show(expr("[:x | ]"))).toBe("[:x||0]");
    expect(show(expr("[ | t | ]"))).toBe("[|t|0]");
    expect(show(expr("[:x :y | | a b | x. y]"))).toBe("[:x :y|a b|2]");
  });

  it("keyword message with no spaces after colons", () => {
    expect(show(expr("d at:k put:v"))).toBe("(d at:put: k v)");
  });

  it("primitive is usable as an identifier and a unary selector (1.14)", () => {
    expect(show(expr("primitive primitive"))).toBe("(primitive primitive)");
  });
});

describe("parser: class definitions (2.2, 2.3)", () => {
  it("superclass omitted, named, or nil", () => {
    const a = parseClass("A = ( )", "A.som");
    expect([a.superName, a.superIsNil]).toEqual([null, false]);
    const b = parseClass("B = A ( )", "B.som");
    expect([b.superName, b.superIsNil]).toEqual(["A", false]);
    const c = parseClass("C = nil ( )", "C.som");
    expect([c.superName, c.superIsNil]).toEqual(["nil", true]);
  });

  it("fields, methods of both sides in source order, primitives", () => {
    const ast = parseClass(`
      "comment before the class"
      Account = Object (
        | owner balance |
        owner = ( ^owner )
        + other = primitive
        at: i put: v = ( ^v )
        ----
        | created |
        named: s = ( ^self new )
        primitive = primitive
      ) "trailing comment"
    `, "dir/Account.som");
    expect(ast.name).toBe("Account");
    expect(ast.instanceFields.map((f) => f.name)).toEqual(["owner", "balance"]);
    expect(ast.classFields.map((f) => f.name)).toEqual(["created"]);
    expect(ast.instanceMethods.map((m) => [m.selector, m.params.length, m.primitive])).toEqual([
      ["owner", 0, false], ["+", 1, true], ["at:put:", 2, false],
    ]);
    expect(ast.classMethods.map((m) => [m.selector, m.classSide, m.primitive])).toEqual([
      ["named:", true, false], ["primitive", true, true],
    ]);
    expect(ast.instanceFields[1]).toMatchObject({ line: 4, col: 17 });
  });

  it("a | method needs the field list first; | | is an empty field list", () => {
    const ast = parseClass("B = ( | | | other = ( ^true ) - x = ( ^x ) )", "B.som");
    expect(ast.instanceFields).toEqual([]);
    expect(ast.instanceMethods.map((m) => m.selector)).toEqual(["|", "-"]);
    const b2 = parseClass("B = ( || other = ( ^true ) = x = ( ^x ) )", "B.som");
    expect(b2.instanceMethods.map((m) => m.selector)).toEqual(["||", "="]);
  });

  it("the class side may have a field list and no methods", () => {
    const ast = parseClass("C = ( ---- | a b | )", "C.som");
    expect(ast.classFields.map((f) => f.name)).toEqual(["a", "b"]);
  });

  it("lower-case class names are legal (1.4)", () => {
    expect(parseClass("hello_world = ( run = ( 'hi' println ) )", "hello_world.som").name).toBe("hello_world");
  });

  it("a path without .som is not checked against the class name", () => {
    expect(parseClass("A = ( )", "<test>").name).toBe("A");
  });
});
