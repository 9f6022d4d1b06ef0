// Inlined control structures (spec 3.13): code shapes, cold paths, freshness.
import { describe, expect, it } from "vitest";
import type { Instruction, MethodModel } from "../../host-tools/compiler/index.js";
import { blocks, compileOne, instrs, ops, simulateMaxStack } from "./helpers.js";

/** First pc of the cold code: the smallest alt / not-number target. */
function coldStart(m: MethodModel): number {
  let start = m.code.length;
  for (const i of instrs(m)) {
    if (i.name === "jump_if_true" || i.name === "jump_if_false") start = Math.min(start, i.targets[1]);
    if (i.name === "jump_if_not_number") start = Math.min(start, i.targets[0]);
  }
  return start;
}
function hot(m: MethodModel): string[] {
  const c = coldStart(m);
  return instrs(m).filter((i) => i.pc < c).map((i) => i.name);
}
function cold(m: MethodModel): Instruction[] {
  const c = coldStart(m);
  return instrs(m).filter((i) => i.pc >= c);
}
function sentSelectors(m: MethodModel, list: Instruction[] = instrs(m)): string[] {
  return list.filter((i) => i.name === "send" || i.name === "send_w").map((i) => {
    const l = m.literals[i.operands[0]];
    return l.kind === "symbol" ? l.value : "?";
  });
}
function check(m: MethodModel): MethodModel {
  expect(m.maxStack).toBe(simulateMaxStack(m));
  for (const b of blocks(m)) check(b);
  return m;
}

describe("conditionals", () => {
  it("ifTrue: with a value: false answers the real nil; non-Booleans take the cold path (real send)", () => {
    const m = check(compileOne("m: c = ( ^c ifTrue: [1] )"));
    expect(hot(m)).toEqual(["push_local", "jump_if_false", "push_smallint", "jump", "push_real_nil", "return_top"]);
    const c = cold(m);
    expect(c.map((i) => i.name)).toEqual(["push_block", "send", "jump"]);
    expect(sentSelectors(m, c)).toEqual(["ifTrue:"]);
    expect(ops(blocks(m)[0])).toEqual(["push_smallint", "return_top"]);
    // the cold path ends at the join point: the return
    const join = c[2].targets[0];
    expect(instrs(m).find((i) => i.pc === join)?.name).toBe("return_top");
  });

  it("ifTrue: in effect position needs no nil", () => {
    const m = check(compileOne("m: c = ( c ifTrue: [self foo] )"));
    expect(hot(m)).toEqual(["push_local", "jump_if_false", "push_self", "send", "pop", "return_self"]);
    expect(sentSelectors(m, cold(m))).toEqual(["ifTrue:"]);
  });

  it("ifFalse:, ifTrue:ifFalse:, ifFalse:ifTrue:", () => {
    expect(hot(check(compileOne("m: c = ( ^c ifFalse: [1] )")))[1]).toBe("jump_if_true");
    const a = check(compileOne("m: c = ( ^c ifTrue: [1] ifFalse: [2] )"));
    expect(hot(a)).toEqual(["push_local", "jump_if_false", "push_smallint", "jump", "push_smallint", "return_top"]);
    expect(sentSelectors(a, cold(a))).toEqual(["ifTrue:ifFalse:"]);
    expect(cold(a).filter((i) => i.name === "push_block").length).toBe(2);
    const b = check(compileOne("m: c = ( ^c ifFalse: [1] ifTrue: [2] )"));
    expect(hot(b)[1]).toBe("jump_if_true");
    expect(sentSelectors(b, cold(b))).toEqual(["ifFalse:ifTrue:"]);
  });

  it("only literal blocks with no parameters are inlined", () => {
    expect(ops(compileOne("m: c = ( ^c ifTrue: 1 ifFalse: 2 )"))).toEqual(["push_local", "push_smallint", "push_smallint", "send", "return_top"]);
    expect(ops(compileOne("m: c b: b = ( ^c ifTrue: b )"))).not.toContain("jump_if_false");
    expect(ops(compileOne("m: c = ( ^c ifTrue: [:x | x] )"))).not.toContain("jump_if_false");
    expect(ops(compileOne("m: c = ( ^c ifTrue: [1] ifFalse: 2 )"))).not.toContain("jump_if_false");
  });

  it("and: / or: / && / || answer the library's false/true on the short path", () => {
    const a = check(compileOne("m: c = ( ^c and: [self foo] )"));
    expect(hot(a)).toEqual(["push_local", "jump_if_false", "push_self", "send", "jump", "push_false", "return_top"]);
    expect(sentSelectors(a, cold(a))).toEqual(["and:"]);
    const o = check(compileOne("m: c = ( ^c or: [self foo] )"));
    expect(hot(o)).toEqual(["push_local", "jump_if_true", "push_self", "send", "jump", "push_true", "return_top"]);
    const aa = check(compileOne("m: c = ( ^c && [self foo] )"));
    expect(hot(aa)[1]).toBe("jump_if_false");
    expect(sentSelectors(aa, cold(aa))).toEqual(["&&"]);
    const oo = check(compileOne("m: c = ( ^c || [self foo] )"));
    expect(sentSelectors(oo, cold(oo))).toEqual(["||"]);
    expect(ops(compileOne("m: c = ( ^c and: true )"))).not.toContain("jump_if_false");
  });

  it("and:/or: used as a test compile to jumps (no true/false materialised)", () => {
    const m = check(compileOne("m: a b: b = ( (a < 1 and: [b > 2]) ifTrue: [ ^1 ]. ^2 )"));
    expect(hot(m)).toEqual([
      "push_local", "push_smallint", "send_lt", "jump_if_false",
      "push_local", "push_smallint", "send_gt", "jump_if_false",
      "push_smallint", "return_top", "push_smallint", "return_top",
    ]);
    // a non-Boolean `a` performs the real and: and tests its result; a non-Boolean result sends ifTrue:
    expect(sentSelectors(m, cold(m)).sort()).toEqual(["and:", "ifTrue:"]);
    const w = check(compileOne("m: a = ( | i | i := 0. [i < a or: [i = 100]] whileTrue: [ i := i + 1 ]. ^i )"));
    expect(hot(w).filter((n) => n === "jump_if_true").length).toBe(2);
    expect(hot(w)).not.toContain("push_true");
    expect(sentSelectors(w, cold(w)).sort()).toEqual(["ifFalse:", "or:"]);
    // nested: (a and: [b]) or: [c]
    const n = check(compileOne("m: a b: b c: c = ( ^((a and: [b]) or: [c]) ifTrue: [1] ifFalse: [2] )"));
    expect(hot(n)).not.toContain("push_true");
    expect(hot(n)).not.toContain("push_false");
  });

  it("ifNil: / ifNotNil: and their combinations: nil is handled inline, other receivers get the real send", () => {
    const a = check(compileOne("m: x = ( ^x ifNil: [1] )"));
    expect(ops(a).slice(0, 6)).toEqual(["push_local", "dup", "jump_if_not_nil", "pop", "push_smallint", "return_top"]);
    const notNil = instrs(a).find((i) => i.name === "jump_if_not_nil");
    const sendPart = instrs(a).filter((i) => i.pc >= (notNil?.targets[0] ?? 0));
    expect(sentSelectors(a, sendPart)).toEqual(["ifNil:"]);
    const b = check(compileOne("m: x = ( ^x ifNotNil: [1] )"));
    expect(instrs(b).slice(0, 4).map((i) => i.name)).toEqual(["push_local", "dup", "jump_if_not_nil", "return_top"]);
    expect(sentSelectors(b)).toEqual(["ifNotNil:"]);
    expect(ops(check(compileOne("m: x = ( x ifNil: [self foo] )"))).slice(0, 6)).toEqual(["push_local", "dup", "jump_if_not_nil", "pop", "push_self", "send"]);
    const c = check(compileOne("m: x = ( ^x ifNil: [1] ifNotNil: [2] )"));
    expect(ops(c).slice(0, 6)).toEqual(["push_local", "dup", "jump_if_not_nil", "pop", "push_smallint", "return_top"]);
    expect(instrs(c)[4].operands[0]).toBe(1);
    expect(sentSelectors(c)).toEqual(["ifNil:ifNotNil:"]);
    const e = check(compileOne("m: x = ( ^x ifNotNil: [1] ifNil: [2] )"));
    expect(instrs(e)[4].operands[0]).toBe(2);
    expect(sentSelectors(e)).toEqual(["ifNotNil:ifNil:"]);
    // ifNotNil: blocks take no parameter in SOM
    expect(ops(compileOne("m: x = ( ^x ifNotNil: [:v | v] )"))).not.toContain("jump_if_not_nil");
  });

  it("^ inside an inlined block returns from the method (return_top) or, in a real block, nonlocally", () => {
    const m = check(compileOne("m: c = ( c ifTrue: [^1]. ^2 )"));
    expect(hot(m)).toEqual(["push_local", "jump_if_false", "push_smallint", "return_top", "push_smallint", "return_top"]);
    // the cold path's real block contains ^: the method is flagged
    expect(blocks(m)[0].flags).toBe(3);
    expect(m.flags).toBe(2);
    const r = check(compileOne("m: c = ( ^[c ifTrue: [^1]. 2] )"));
    expect(ops(blocks(r)[0])).toContain("return_nonlocal");
  });

  it("nested inlined conditionals", () => {
    const m = check(compileOne("m: c d: d = ( ^c ifTrue: [d ifTrue: [1] ifFalse: [2]] ifFalse: [3] )"));
    expect(hot(m).filter((n) => n.startsWith("jump_if")).length).toBe(2);
    expect(sentSelectors(m, cold(m)).sort()).toEqual(["ifTrue:ifFalse:", "ifTrue:ifFalse:"]);
  });
});

describe("loops", () => {
  it("whileTrue: is a rotated loop (condition at the bottom) answering nil; non-Boolean conditions send ifFalse:", () => {
    const m = check(compileOne("m = ( | i | i := 0. ^[i < 10] whileTrue: [i := i + 1] )"));
    expect(hot(m)).toEqual([
      "push_smallint", "pop_store_local",
      "jump",
      "push_local", "push_smallint", "send_add", "pop_store_local",
      "push_local", "push_smallint", "send_lt", "jump_if_true",
      "push_real_nil", "return_top",
    ]);
    const code = instrs(m);
    expect(code[2].targets[0]).toBe(code[7].pc); // enter at the condition
    const jt = code.find((i) => i.name === "jump_if_true");
    expect(jt?.targets[0]).toBe(code[3].pc); // back to the body
    expect(sentSelectors(m, cold(m))).toEqual(["ifFalse:"]);
    const [marker] = blocks(m);
    expect(ops(marker)).toEqual(["push_local", "return_top"]);
    expect(marker.nCopied).toBe(1);
  });

  it("whileFalse: sends not to a non-Boolean condition, then continues as whileTrue:", () => {
    const m = check(compileOne("m = ( | i | i := 0. [i >= 10] whileFalse: [i := i + 1] )"));
    expect(hot(m)).toContain("jump_if_false");
    expect(hot(m)).not.toContain("jump_if_true");
    expect(sentSelectors(m, cold(m))).toEqual(["not", "ifFalse:"]);
  });

  it("non-literal loop receivers are real sends", () => {
    expect(sentSelectors(compileOne("m: b = ( b whileTrue: [1] )"))).toEqual(["whileTrue:"]);
    expect(sentSelectors(compileOne("m: b = ( [true] whileTrue: b )"))).toEqual(["whileTrue:"]);
  });

  it("to:do: evaluates receiver and limit once, checks for a number, loops with send_le/send_add", () => {
    const m = check(compileOne("m = ( | s | s := 0. 1 to: self lim do: [:i | s := s + i]. ^s )"));
    expect(hot(m)).toEqual([
      "push_smallint", "pop_store_local", // s := 0
      "push_smallint", "push_self", "send", "pop_store_local", // receiver, limit -> limit temp
      "jump_if_not_number", "pop_store_local", // counter := receiver
      "jump", // to the condition
      "push_local", "push_local", "send_add", "pop_store_local", // s := s + i (i is the counter)
      "push_local", "push_smallint", "send_add", "pop_store_local", // counter := counter + 1
      "push_local", "push_local", "send_le", "jump_if_true", // counter <= limit: again
      "push_local", "return_top",
    ]);
    expect(sentSelectors(m).filter((s) => s === "lim").length).toBe(1);
    expect(sentSelectors(m, cold(m))).toEqual(["to:do:"]);
    const realBlock = blocks(m)[0];
    expect(realBlock.nArgs).toBe(1);
  });

  it("to:do: answers its receiver when the value is used", () => {
    const m = check(compileOne("m = ( ^1 to: 3 do: [:i | self foo: i] )"));
    const h = hot(m);
    expect(h.slice(0, 6)).toEqual(["push_smallint", "push_smallint", "pop_store_local", "jump_if_not_number", "dup", "pop_store_local"]);
    expect(h[h.length - 1]).toBe("return_top");
  });

  it("to:do: gives each iteration a fresh binding: blocks copy the counter", () => {
    const m = check(compileOne("m: a = ( 1 to: 3 do: [:i | a at: i put: [i]] )"));
    const code = instrs(m);
    const pb = code.find((i) => i.name === "push_block" && i.pc < coldStart(m));
    expect(pb?.operands[1]).toBe(1);
  });

  it("a loop variable captured and assigned gets a fresh temp vector per iteration", () => {
    const m = check(compileOne("m: a = ( 1 to: 3 do: [:i | a add: [i := i + 1]] )"));
    const code = instrs(m);
    // inside the loop body: after the jump to the condition, before the condition
    const enter = code.find((i) => i.name === "jump")?.pc ?? -1;
    const condTest = code.find((i) => i.name === "send_le")?.pc ?? -1;
    const nw = code.find((i) => i.name === "push_new_array");
    expect(nw !== undefined && nw.pc > enter && nw.pc < condTest).toBe(true);
    expect(code.some((i) => i.name === "pop_store_remote")).toBe(true);
  });

  it("a loop variable assigned in the body gets its own slot; the counter is unaffected", () => {
    const m = check(compileOne("m = ( 1 to: 3 do: [:i | i := i * 2. self foo: i] )"));
    const stores = instrs(m).filter((i) => i.name === "pop_store_local" && i.pc < coldStart(m)).map((i) => i.operands[0]);
    // limit, counter, i (copied from the counter), i := i * 2, counter := counter + 1
    expect(new Set(stores).size).toBe(3);
  });

  it("downTo:do: uses send_ge and send_sub; to:by:do: needs a literal step", () => {
    const d = check(compileOne("m = ( 10 downTo: 1 do: [:i | self foo: i] )"));
    expect(hot(d)).toContain("send_ge");
    expect(hot(d)).toContain("send_sub");
    expect(sentSelectors(d, cold(d))).toEqual(["downTo:do:"]);
    const b = check(compileOne("m = ( 1 to: 10 by: 2 do: [:i | self foo: i] )"));
    const addStep = instrs(b).filter((i) => i.name === "push_smallint" && i.operands[0] === 2);
    expect(addStep.length).toBeGreaterThanOrEqual(1);
    expect(sentSelectors(b, cold(b))).toEqual(["to:by:do:"]);
    const f = check(compileOne("m = ( 1 to: 2 by: 0.5 do: [:i | self foo: i] )"));
    expect(f.literals).toContainEqual({ kind: "double", value: 0.5 });
    expect(sentSelectors(compileOne("m: s = ( 1 to: 10 by: s do: [:i | self foo: i] )"))).toEqual(["to:by:do:"]);
    const db = check(compileOne("m = ( 10 downTo: 1 by: 3 do: [:i | self foo: i] )"));
    expect(hot(db)).toContain("send_ge");
  });

  it("to:do: with a block of the wrong arity is a real send", () => {
    expect(sentSelectors(compileOne("m = ( 1 to: 3 do: [self foo] )"))).toEqual(["to:do:"]);
  });

  it("timesRepeat: counts from 1 to the receiver; Double receivers get the real send", () => {
    const m = check(compileOne("m = ( 3 timesRepeat: [self foo] )"));
    expect(hot(m)).toEqual([
      "push_smallint", "jump_if_not_number",
      "dup", "send", "push_global", "send_eqeq", "jump_if_true", // receiver class == Double: real send
      "pop_store_local", "push_smallint", "pop_store_local",
      "jump",
      "push_self", "send", "pop",
      "push_local", "push_smallint", "send_add", "pop_store_local",
      "push_local", "push_local", "send_le", "jump_if_true",
      "return_self",
    ]);
    expect(sentSelectors(m, cold(m))).toEqual(["timesRepeat:"]);
  });
});

describe("inlined block temporaries", () => {
  it("are set to the real nil on every entry inside loops", () => {
    const m = check(compileOne("m = ( 1 to: 3 do: [:i | | t | t foo. t := i] )"));
    const code = instrs(m);
    const enter = code.findIndex((i) => i.name === "jump");
    expect(code.slice(enter + 1, enter + 3).map((i) => i.name)).toEqual(["push_real_nil", "pop_store_local"]);
  });

  it("are not re-initialised when assigned before any use", () => {
    const m = check(compileOne("m = ( 1 to: 3 do: [:i | | t u | t := i + 1. u := t. self foo: u ] )"));
    expect(ops(m)).not.toContain("push_real_nil");
    // a read in the right-hand side, or a read before the assignment, keeps the initialisation
    expect(ops(check(compileOne("m = ( 1 to: 3 do: [:i | | t | t := t. self foo: t ] )")))).toContain("push_real_nil");
    expect(ops(check(compileOne("m = ( 1 to: 3 do: [:i | | t | self foo: t. t := 1 ] )")))).toContain("push_real_nil");
  });

  it("are not re-initialised when the slot is fresh and no loop encloses them", () => {
    const m = check(compileOne("m: c = ( c ifTrue: [ | t | t := 1. self foo: t ] )"));
    expect(hot(m)).not.toContain("push_real_nil");
  });

  it("sibling inlined blocks reuse slots, and a reused slot is cleared", () => {
    const m = check(compileOne("m: c = ( c ifTrue: [ | a | a := 1. self foo: a ]. c ifTrue: [ | b | self foo: b ] )"));
    expect(m.nTemps).toBe(1);
    expect(hot(m).filter((n) => n === "push_real_nil").length).toBe(1);
  });

  it("the whileTrue: condition block's temps are fresh too", () => {
    const m = check(compileOne("m = ( [ | x | x isNil ] whileTrue: [ self foo ] )"));
    expect(hot(m)).toEqual(["jump", "push_self", "send", "pop", "push_real_nil", "pop_store_local", "push_local", "send", "jump_if_true", "return_self"]);
  });
});
