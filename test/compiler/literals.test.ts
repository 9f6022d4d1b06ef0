// Literal encoding: integers (SmallInteger range vs LIT_BIGINT), doubles
// (incl. -0.0), strings/symbols (UTF-8), nested literal arrays, reuse, and the
// wide instructions past literal 255.
import { describe, expect, it } from "vitest";
import { compileClass, readClassFile, type LiteralModel } from "../../host-tools/compiler/index.js";
import { LIT_BIGINT } from "../../vm-as/layout.js";
import { compileOne, instrs, NO_SUPER } from "./helpers.js";

function pushed(src: string): LiteralModel | number {
  const m = compileOne(`m = ( ^${src} )`);
  const [i] = instrs(m);
  if (i.name === "push_smallint") return i.operands[0];
  expect(i.name).toBe("push_literal");
  return m.literals[i.operands[0]];
}

describe("integer literals", () => {
  it("-128..127 use push_smallint", () => {
    expect(pushed("127")).toBe(127);
    expect(pushed("-128")).toBe(-128);
    expect(pushed("0")).toBe(0);
    expect(pushed("-0")).toBe(0);
  });

  it("LIT_INT inside -2^30 .. 2^30-1, LIT_BIGINT outside", () => {
    expect(pushed("128")).toEqual({ kind: "int", value: 128 });
    expect(pushed("1073741823")).toEqual({ kind: "int", value: 1073741823 });
    expect(pushed("-1073741824")).toEqual({ kind: "int", value: -1073741824 });
    expect(pushed("1073741824")).toEqual({ kind: "bigint", value: 1073741824n });
    expect(pushed("-1073741825")).toEqual({ kind: "bigint", value: -1073741825n });
    expect(pushed("123456789012345678901234567890")).toEqual({ kind: "bigint", value: 123456789012345678901234567890n });
    expect(pushed("-18446744073709551616")).toEqual({ kind: "bigint", value: -18446744073709551616n });
  });

  it("LIT_BIGINT bytes: sign u8, u32 limb count, u32 limbs little-endian", () => {
    const bytes = compileClass("T = ( m = ( ^-4294967297 ) )", "T.som", NO_SUPER);
    // find the tag followed by sign 1, count 2, limbs 1, 1
    const want = [LIT_BIGINT, 1, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];
    const hay = Array.from(bytes);
    const at = hay.findIndex((_, i) => want.every((w, k) => hay[i + k] === w));
    expect(at).toBeGreaterThan(0);
  });
});

describe("double literals", () => {
  it("correctly rounded values", () => {
    expect(pushed("0.1")).toEqual({ kind: "double", value: 0.1 });
    expect(pushed("3.14159265358979323846264338327950288")).toEqual({ kind: "double", value: Math.PI });
    expect(pushed("-2.5")).toEqual({ kind: "double", value: -2.5 });
  });

  it("-0.0 is negative zero, distinct from 0.0", () => {
    const m = compileOne("m = ( ^Array with: 0.0 with: -0.0 )");
    const doubles = m.literals.filter((l) => l.kind === "double");
    expect(doubles.length).toBe(2);
    expect(doubles.some((l) => l.kind === "double" && Object.is(l.value, -0))).toBe(true);
    expect(doubles.some((l) => l.kind === "double" && Object.is(l.value, 0))).toBe(true);
  });
});

describe("strings, symbols, arrays", () => {
  it("strings and symbols are separate kinds, UTF-8 round trip", () => {
    expect(pushed("'héllo ∑ 😀'")).toEqual({ kind: "string", value: "héllo ∑ 😀" });
    expect(pushed("#foo")).toEqual({ kind: "symbol", value: "foo" });
    expect(pushed("#'foo'")).toEqual({ kind: "symbol", value: "foo" });
    expect(pushed("#at:put:")).toEqual({ kind: "symbol", value: "at:put:" });
  });

  it("nested literal arrays, negative numbers, big integers inside", () => {
    expect(pushed("#(1 -2 3.5 -0.0 'str' #sym #+ #(#a #(1)) #() 99999999999)")).toEqual({
      kind: "array",
      elements: [
        { kind: "int", value: 1 }, { kind: "int", value: -2 }, { kind: "double", value: 3.5 },
        { kind: "double", value: -0 }, { kind: "string", value: "str" }, { kind: "symbol", value: "sym" },
        { kind: "symbol", value: "+" },
        { kind: "array", elements: [{ kind: "symbol", value: "a" }, { kind: "array", elements: [{ kind: "int", value: 1 }] }] },
        { kind: "array", elements: [] },
        { kind: "bigint", value: 99999999999n },
      ],
    });
  });

  it("identical literals are reused within a method", () => {
    const m = compileOne("m = ( self foo: 'a' bar: 'a'. self foo: 'a' bar: #a. ^#(1 2) = #(1 2) )");
    const kinds = m.literals.map((l) => `${l.kind}:${"value" in l ? String(l.value) : ""}`);
    expect(kinds.filter((k) => k === "string:a").length).toBe(1);
    expect(kinds.filter((k) => k === "symbol:a").length).toBe(1);
    expect(kinds.filter((k) => k === "symbol:foo:bar:").length).toBe(1);
    expect(m.literals.filter((l) => l.kind === "array").length).toBe(1);
  });

  it("past literal 255 the wide instructions are used", () => {
    const stmts = Array.from({ length: 300 }, (_, i) => `self s${i}: 'x${i}'`).join(". ");
    const m = compileOne(`m = ( ${stmts}. ^Foo )`);
    const names = new Set(instrs(m).map((i) => i.name));
    expect(names.has("push_literal_w")).toBe(true);
    expect(names.has("send_w")).toBe(true);
    expect(names.has("push_global_w")).toBe(true);
    const last = instrs(m).filter((i) => i.name === "push_global_w")[0];
    expect(m.literals[last.operands[0]]).toEqual({ kind: "symbol", value: "Foo" });
    expect(m.literals.length).toBe(601);
  });

  it("the class file keeps the literal kinds through the reader", () => {
    const model = readClassFile(compileClass("T = ( m = ( ^#(1 1.5 'a' #b) ) )", "T.som", NO_SUPER));
    expect(model.instanceMethods[0].literals[0].kind).toBe("array");
  });
});
