// Capture analysis (ARCHITECTURE "Frames, sends and returns"): copied values
// versus temp vectors, local numbering, transitive capture, nonlocal flags.
import { describe, expect, it } from "vitest";
import { blocks, compileOne, instrs, ops } from "./helpers.js";

describe("captured variables", () => {
  it("a captured variable that is never assigned is copied", () => {
    const m = compileOne("m: x = ( | t | ^[x + t] )");
    expect(ops(m)).not.toContain("push_new_array");
    const [b] = blocks(m);
    expect(b.nCopied).toBe(2);
    expect(b.nArgs).toBe(0);
    // copied values pushed in first-use order before push_block: x (local 0), then t (local 1)
    const code = instrs(m);
    const pb = code.findIndex((i) => i.name === "push_block");
    expect(code.slice(pb - 2, pb).map((i) => [i.name, i.operands[0]])).toEqual([["push_local", 0], ["push_local", 1]]);
    expect(code[pb].operands[1]).toBe(2);
    // in the block frame the copied values are locals 0 and 1 (no params)
    expect(instrs(b).filter((i) => i.name === "push_local").map((i) => i.operands[0])).toEqual([0, 1]);
  });

  it("a captured variable assigned anywhere lives in a temp vector", () => {
    const m = compileOne("counter = ( | c | c := 0. ^[c := c + 1] )");
    const code = instrs(m);
    expect(code[0]).toMatchObject({ name: "push_new_array", operands: [1] });
    expect(code[1]).toMatchObject({ name: "pop_store_local", operands: [0] });
    expect(code.some((i) => i.name === "pop_store_remote" && i.operands[0] === 0 && i.operands[1] === 0)).toBe(true);
    const [b] = blocks(m);
    expect(b.nCopied).toBe(1); // the temp vector itself
    expect(ops(b)).toEqual(["push_remote", "push_smallint", "send_add", "store_remote", "return_top"]);
  });

  it("assignment inside the block only also makes the variable remote", () => {
    const m = compileOne("m = ( | r | [:x | r := x] value: 3. ^r )");
    expect(ops(m)).toContain("push_new_array");
    expect(ops(m)).toContain("push_remote");
  });

  it("an assigned argument that is captured is moved into the temp vector at entry", () => {
    const m = compileOne("m: a = ( ^[a := a + 1] )");
    const code = instrs(m);
    expect(code.slice(0, 4).map((i) => [i.name, ...i.operands])).toEqual([
      ["push_new_array", 1], ["pop_store_local", 1], ["push_local", 0], ["pop_store_remote", 0, 1],
    ]);
    expect(m.nArgs).toBe(1);
    expect(m.nTemps).toBe(1);
  });

  it("variables not captured stay plain locals even when assigned", () => {
    const m = compileOne("m = ( | a b | a := 1. b := a. ^[3] )");
    expect(ops(m)).not.toContain("push_new_array");
    expect(blocks(m)[0].nCopied).toBe(0);
  });

  it("blocks capture only what they use, transitively through nested blocks", () => {
    const m = compileOne("m: x = ( | unused y | y := 2. ^[:p | [:q | x + q]] )");
    const [outer] = blocks(m);
    expect(outer.nArgs).toBe(1);
    expect(outer.nCopied).toBe(1); // x, needed by the inner block only
    const [inner] = blocks(outer);
    expect(inner.nArgs).toBe(1);
    expect(inner.nCopied).toBe(1);
    // inner block: q is local 0, x copied is local 1
    expect(instrs(inner).filter((i) => i.name === "push_local").map((i) => i.operands[0])).toEqual([1, 0]);
  });

  it("a temp vector is copied into nested blocks, not the variable", () => {
    const m = compileOne("m = ( | n | n := 0. ^[[n := n + 1]] )");
    const [outer] = blocks(m);
    const [inner] = blocks(outer);
    expect(outer.nCopied).toBe(1);
    expect(inner.nCopied).toBe(1);
    expect(ops(inner)).toContain("store_remote");
  });

  it("a block's own temps captured and assigned by a nested block get the block's temp vector", () => {
    const m = compileOne("m = ( ^[ | acc | acc := 0. [:x | acc := acc + x]] )");
    const [outer] = blocks(m);
    expect(ops(outer).slice(0, 2)).toEqual(["push_new_array", "pop_store_local"]);
    expect(outer.nTemps).toBe(1); // only the temp vector: acc lives in it
    expect(ops(m)).not.toContain("push_new_array");
  });

  it("fields and self are reached through self, never copied", () => {
    const m = compileOne("m = ( ^[f := self foo: f] )", "f");
    const [b] = blocks(m);
    expect(b.nCopied).toBe(0);
    expect(ops(b)).toEqual(["push_self", "push_field", "send", "store_field", "return_top"]);
  });

  it("globals are pushed with push_global and a symbol literal", () => {
    const m = compileOne("m = ( ^Transcript )");
    const [i] = instrs(m);
    expect(i.name).toBe("push_global");
    expect(m.literals[i.operands[0]]).toEqual({ kind: "symbol", value: "Transcript" });
  });

  it("nil/true/false push the source-level bindings; empty blocks answer the real nil", () => {
    expect(ops(compileOne("m = ( ^nil )"))).toEqual(["push_nil", "return_top"]);
    expect(ops(compileOne("m = ( ^true )"))).toEqual(["push_true", "return_top"]);
    expect(ops(compileOne("m = ( ^false )"))).toEqual(["push_false", "return_top"]);
    const b = blocks(compileOne("m = ( ^[] )"))[0];
    expect(ops(b)).toEqual(["push_real_nil", "return_top"]);
    expect(ops(blocks(compileOne("m = ( ^[:x | ] )"))[0])).toEqual(["push_real_nil", "return_top"]);
    expect(ops(blocks(compileOne("m = ( ^[ nil ] )"))[0])).toEqual(["push_nil", "return_top"]);
  });
});

describe("returns and flags", () => {
  it("method end returns self; ^ returns top", () => {
    expect(ops(compileOne("m = ( 3 foo )"))).toEqual(["push_smallint", "send", "pop", "return_self"]);
    expect(ops(compileOne("m = ( )"))).toEqual(["return_self"]);
    expect(ops(compileOne("m = ( ^3 )"))).toEqual(["push_smallint", "return_top"]);
  });

  it("a block answers its last statement's value", () => {
    const b = blocks(compileOne("m = ( ^[1. self foo. 2] )"))[0];
    // a literal in effect position compiles to nothing
    expect(ops(b)).toEqual(["push_self", "send", "pop", "push_smallint", "return_top"]);
    expect(b.flags).toBe(1);
  });

  it("^ in a real block is a nonlocal return; block and home method (at any depth) are flagged", () => {
    const m = compileOne("m = ( #(1) do: [:x | #(2) do: [:y | ^y]]. ^0 )");
    const [outer] = blocks(m);
    const [inner] = blocks(outer);
    expect(ops(inner)).toEqual(["push_local", "return_nonlocal"]);
    expect(inner.flags).toBe(3);
    expect(outer.flags).toBe(3);
    expect(m.flags & 2).toBe(2);
    expect(ops(m)).not.toContain("return_nonlocal");
  });

  it("a method without blocks containing ^ has no nonlocal flag", () => {
    expect(compileOne("m = ( ^[3] )").flags).toBe(0);
  });

  it("super sends use super_send with the selector literal, never special sends", () => {
    const m = compileOne("m = ( ^super + 1 )");
    expect(ops(m)).toEqual(["push_self", "push_smallint", "super_send", "return_top"]);
    expect(m.literals[instrs(m)[2].operands[0]]).toEqual({ kind: "symbol", value: "+" });
    expect(instrs(m)[2].operands[1]).toBe(1);
    expect(ops(compileOne("m = ( ^super ifTrue: [1] )"))).toContain("super_send");
  });

  it("special selectors use special sends", () => {
    const m = compileOne("m: a = ( ^(a + a - a * a / a % a) < (a > a) <= (a >= a) = (a <> a) == (a ~= a) & a value )");
    const names = ops(m).filter((n) => n.startsWith("send"));
    expect(names).toEqual([
      "send_add", "send_sub", "send_mul", "send_div", "send_mod", "send_gt", "send_lt", "send_ge", "send_le",
      "send_ne", "send_eq", "send_neqeq", "send_eqeq", "send_value", "send_bitand",
    ]);
    expect(ops(compileOne("m: a = ( a value: 1. a value: 1 with: 2. a at: 1. a at: 1 put: 2. ^a length )")).filter((n) => n.startsWith("send"))).toEqual([
      "send_value1", "send_value2", "send_at", "send_atput", "send_length",
    ]);
  });
});

describe("small peepholes", () => {
  it("^self in a method is return_self; in a block it stays a non-local return of self", () => {
    expect(ops(compileOne("m = ( self foo. ^self )"))).toEqual(["push_self", "send", "pop", "return_self"]);
    const b = blocks(compileOne("m = ( ^[ ^self ] )"))[0];
    expect(ops(b)).toEqual(["push_self", "return_nonlocal"]);
  });
});
