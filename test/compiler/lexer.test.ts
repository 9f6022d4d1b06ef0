// Lexer edge cases of spec section 1.
import { describe, expect, it } from "vitest";
import { ErrorSink } from "../../host-tools/compiler/errors.js";
import { tokenize, type Token } from "../../host-tools/compiler/lexer.js";
import { CompileError } from "../../host-tools/compiler/index.js";

function lex(src: string): Token[] {
  return tokenize(src, new ErrorSink("t.som", src)).filter((t) => t.kind !== "eof");
}
function kinds(src: string): string[] {
  return lex(src).map((t) => `${t.kind}:${t.text}`);
}
function lexError(src: string): CompileError {
  try {
    tokenize(src, new ErrorSink("t.som", src));
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("lexer", () => {
  it("x:=1 is identifier, assignment, integer (1.5)", () => {
    expect(kinds("x:=1")).toEqual(["ident:x", ":=::=", "integer:1"]);
  });

  it("keywords are split outside symbols (1.5): d at:k put:v", () => {
    expect(kinds("d at:k put:v")).toEqual(["ident:d", "keyword:at:", "ident:k", "keyword:put:", "ident:v"]);
  });

  it("keyword sequences only after # (1.11)", () => {
    const t = lex("#at:put: #foo: #foo:bar #a:b:c:");
    expect(t.map((x) => x.kind)).toEqual(["symbol", "symbol", "symbol", "ident", "symbol"]);
    expect(t.map((x) => x.str ?? x.text)).toEqual(["at:put:", "foo:", "foo:", "bar", "a:b:c:"]);
  });

  it("symbol forms: identifier, binary, string, primitive (1.11)", () => {
    const t = lex("#foo #+ #<= #, #| #\\ #- #+- #~ #'hello world' #'7up' #primitive #'it\\'s'");
    expect(t.every((x) => x.kind === "symbol")).toBe(true);
    expect(t.map((x) => x.str)).toEqual(["foo", "+", "<=", ",", "|", "\\", "-", "+-", "~", "hello world", "7up", "primitive", "it's"]);
  });

  it("#( opens a literal array; whitespace after # is an error", () => {
    expect(kinds("#(1)")).toEqual(["arrayOpen:#(", "integer:1", "):)"]);
    const e = lexError("x := # foo");
    expect([e.line, e.column]).toEqual([1, 6]);
  });

  it("binary selectors are maximal operator runs (1.6)", () => {
    expect(kinds("a--1")).toEqual(["ident:a", "binary:--", "integer:1"]);
    expect(kinds("3<=4")).toEqual(["integer:3", "binary:<=", "integer:4"]);
    expect(kinds("a ->b ||c ~= d")).toEqual(["ident:a", "binary:->", "ident:b", "binary:||", "ident:c", "binary:~=", "ident:d"]);
    expect(kinds("| = -")).toEqual(["binary:|", "binary:=", "binary:-"]);
  });

  it("four or more dashes are the separator, three are a binary selector (1.13)", () => {
    expect(kinds("----")).toEqual(["separator:----"]);
    expect(kinds("--------- x")).toEqual(["separator:---------", "ident:x"]);
    expect(kinds("a --- b")).toEqual(["ident:a", "binary:---", "ident:b"]);
  });

  it("minus is never part of a number (1.9)", () => {
    expect(kinds("-5 3-2")).toEqual(["binary:-", "integer:5", "integer:3", "binary:-", "integer:2"]);
  });

  it("integers of any size, leading zeros (1.7)", () => {
    const t = lex("007 123456789012345678901234567890");
    expect(t[0].int).toBe(7n);
    expect(t[1].int).toBe(123456789012345678901234567890n);
  });

  it("doubles need a digit after the dot; no exponent (1.8)", () => {
    expect(kinds("x := 1.")).toEqual(["ident:x", ":=::=", "integer:1", ".:."]);
    expect(kinds("1.5")).toEqual(["double:1.5"]);
    expect(kinds("1e10")).toEqual(["integer:1", "ident:e10"]);
    expect(kinds("1.foo")).toEqual(["integer:1", ".:.", "ident:foo"]);
    expect(lex("0.1")[0].num).toBe(0.1);
    // correctly rounded: many digits
    expect(lex("2.2250738585072011e")[0].num).toBe(2.2250738585072011);
    expect(lex("0.3000000000000000166533453693773481063544750213623046875001")[0].num).toBe(0.30000000000000004);
  });

  it("string escapes, line breaks, NUL (1.10)", () => {
    const t = lex("'a\\tb\\nc\\'d\\\\e\\0f\\b\\r\\f'");
    expect(t[0].str).toBe("a\tb\nc'd\\e\0f\b\r\f");
    expect(lex("'line1\nline2'")[0].str).toBe("line1\nline2");
    expect(lex("'line1\r\nline2'")[0].str).toBe("line1\nline2");
    expect(lex("'a\\0b'")[0].str?.length).toBe(3);
  });

  it("'it''s' is two adjacent string literals", () => {
    expect(lex("'it''s'").map((x) => x.kind)).toEqual(["string", "string"]);
  });

  it("unknown escape is an error at the backslash (1.10)", () => {
    const e = lexError("x := 'ab\\qc'");
    expect(e.detail).toBe("Unknown escape sequence '\\q'");
    expect([e.line, e.column]).toEqual([1, 9]);
  });

  it("unterminated string and comment are errors at their start", () => {
    const s = lexError("a\n  'abc");
    expect(s.detail).toMatch(/Unterminated string/);
    expect([s.line, s.column]).toEqual([2, 3]);
    const c = lexError("a \"comment\n never closed");
    expect(c.detail).toMatch(/Unterminated comment/);
    expect([c.line, c.column]).toEqual([1, 3]);
  });

  it("comments are whitespace anywhere, also inside literal arrays (1.3)", () => {
    expect(kinds("\"c\"a\"x\"b #(1 \"two\" 3)")).toEqual(["ident:a", "ident:b", "arrayOpen:#(", "integer:1", "integer:3", "):)"]);
  });

  it("primitive token and primitive: keyword (1.14)", () => {
    expect(kinds("primitive primitive: primitives")).toEqual(["primitive:primitive", "keyword:primitive:", "ident:primitives"]);
  });

  it("identifiers: letters, digits, underscore, not leading underscore (1.4)", () => {
    expect(kinds("hello_world a1_b2")).toEqual(["ident:hello_world", "ident:a1_b2"]);
    const e = lexError("_x");
    expect(e.detail).toMatch(/Unexpected character '_'/);
  });

  it("characters that start no token are errors: ; $ ! ? { } `", () => {
    for (const c of [";", "$", "!", "?", "{", "}", "`"]) {
      const e = lexError(`a ${c}`);
      expect([e.line, e.column]).toEqual([1, 3]);
      expect(e.detail).toContain(c);
    }
  });

  it("positions are 1-based; CR is whitespace; tabs count as one column", () => {
    const t = lex("a\r\n\tbb  c\n\n  d");
    expect(t.map((x) => [x.text, x.line, x.col])).toEqual([["a", 1, 1], ["bb", 2, 2], ["c", 2, 6], ["d", 4, 3]]);
  });

  it("single-character tokens", () => {
    expect(kinds("[:x | ^x.]()")).toEqual(["[:[", ":::", "ident:x", "binary:|", "^:^", "ident:x", ".:.", "]:]", "(:(", "):)"]);
  });
});
