// Shared helpers of the compiler tests: compile a class from text, find
// methods, decode code, and an independent stack-depth flow analysis.
import { expect } from "vitest";
import {
  CompileError, compileClass, decodeCode, readClassFile,
  type ClassFileModel, type Instruction, type MethodModel, type SuperInfo,
} from "../../host-tools/compiler/index.js";
import { SPECIAL_NARGS, OP_SPECIAL_FIRST, OP_SPECIAL_LAST } from "../../vm-as/isa.js";

export const NO_SUPER: SuperInfo = { instanceFields: [], classFields: [] };

/** Compile `source` (class name taken from the source's first word) to a decoded model. */
export function compile(source: string, sup: SuperInfo | null = NO_SUPER): ClassFileModel {
  const name = /^\s*(?:"[^"]*"\s*)*([A-Za-z][A-Za-z0-9_]*)/.exec(source)?.[1] ?? "T";
  return readClassFile(compileClass(source, `${name}.som`, sup));
}

/** Compile a class T holding the given method definitions (instance side). */
export function compileMethods(methods: string, fields = ""): ClassFileModel {
  return compile(`T = (\n${fields ? `| ${fields} |\n` : ""}${methods}\n)\n`);
}

export function method(model: ClassFileModel, selector: string, classSide = false): MethodModel {
  const list = classSide ? model.classMethods : model.instanceMethods;
  const m = list.find((x) => x.selector === selector);
  if (m === undefined) throw new Error(`no method ${selector}`);
  return m;
}

/** Compile one method `src` in class T and answer it. */
export function compileOne(src: string, fields = ""): MethodModel {
  const model = compileMethods(src, fields);
  return model.instanceMethods[0];
}

export function ops(m: MethodModel): string[] {
  return decodeCode(m.code).map((i) => i.name);
}

export function instrs(m: MethodModel): Instruction[] {
  return decodeCode(m.code);
}

/** The block methods that are literals of m (direct children). */
export function blocks(m: MethodModel): MethodModel[] {
  const out: MethodModel[] = [];
  for (const l of m.literals) if (l.kind === "block") out.push(l.method);
  return out;
}

/** m and every nested block method. */
export function allMethods(m: MethodModel): MethodModel[] {
  return [m, ...blocks(m).flatMap(allMethods)];
}

export function allModelMethods(model: ClassFileModel): MethodModel[] {
  return [...model.instanceMethods, ...model.classMethods].flatMap(allMethods);
}

/**
 * Independent flow analysis of the operand stack: answers the maximum depth,
 * throws when two paths reach an instruction with different depths, when a
 * jump lands between instructions, or when the depth goes negative.
 */
export function simulateMaxStack(m: MethodModel): number {
  const code = decodeCode(m.code);
  const at = new Map<number, Instruction>(code.map((i) => [i.pc, i]));
  const depthAt = new Map<number, number>();
  const work: [number, number][] = [[0, 0]];
  let max = 0;
  while (work.length > 0) {
    const [pc, d] = work.pop() as [number, number];
    const seen = depthAt.get(pc);
    if (seen !== undefined) {
      if (seen !== d) throw new Error(`depth ${seen} vs ${d} at pc ${pc}`);
      continue;
    }
    const ins = at.get(pc);
    if (ins === undefined) throw new Error(`jump into the middle of an instruction or past the end: ${pc}`);
    depthAt.set(pc, d);
    let after = d;
    const n = ins.name;
    if (ins.op >= OP_SPECIAL_FIRST && ins.op <= OP_SPECIAL_LAST) after = d - SPECIAL_NARGS[ins.op - OP_SPECIAL_FIRST];
    else if (n === "push_block" || n === "push_block_w") after = d + 1 - ins.operands[1];
    else if (n.startsWith("push_") || n === "dup") after = d + 1;
    else if (n.startsWith("pop")) after = d - 1;
    else if (n === "send" || n === "send_w" || n === "super_send" || n === "super_send_w") after = d - ins.operands[1];
    if (after < 0 || d < 0) throw new Error(`negative depth at pc ${pc}`);
    max = Math.max(max, d, after);
    switch (n) {
      case "return_top": case "return_nonlocal": case "return_self":
        continue;
      case "jump":
        work.push([ins.targets[0], d]);
        continue;
      case "jump_if_true": case "jump_if_false":
        work.push([ins.targets[0], d - 1], [ins.targets[1], d], [ins.next, d - 1]);
        continue;
      case "jump_if_nil": case "jump_if_not_nil":
        work.push([ins.targets[0], d - 1], [ins.next, d - 1]);
        continue;
      case "jump_if_not_number":
        work.push([ins.targets[0], d], [ins.next, d]);
        continue;
      default:
        work.push([ins.next, after]);
    }
  }
  return max;
}

/** Expect `fn` to throw a CompileError at line:col whose message matches `msg`. */
export function expectCompileError(fn: () => unknown, line: number, col: number, msg: RegExp): CompileError {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected a CompileError").toBeInstanceOf(CompileError);
  const ce = err as CompileError;
  expect(ce.detail).toMatch(msg);
  expect([ce.line, ce.column]).toEqual([line, col]);
  return ce;
}

/**
 * Structural checks a linker would make on every method (and nested block):
 * known opcodes, jumps onto instruction starts, consistent stack depths equal
 * to maxStack, ends with a return or jump, local/literal operands in range and
 * of the right kind, line table sorted and inside the code.
 */
export function verifyMethod(m: MethodModel, where: string): void {
  const nLocals = m.nArgs + m.nCopied + m.nTemps;
  let code: Instruction[];
  try {
    code = decodeCode(m.code);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  if (m.kind === 1) {
    expect(m.code.length, where).toBe(0);
    return;
  }
  expect(code.length, `${where}: empty code`).toBeGreaterThan(0);
  expect(["return_top", "return_self", "return_nonlocal", "jump"], where).toContain(code[code.length - 1].name);
  expect(m.maxStack, `${where}: maxStack`).toBe(simulateMaxStack(m));
  for (const i of code) {
    const n = i.name;
    if (n.endsWith("_local")) expect(i.operands[0], `${where}@${i.pc} ${n}`).toBeLessThan(nLocals);
    if (n.endsWith("_remote")) expect(i.operands[1], `${where}@${i.pc} ${n}`).toBeLessThan(nLocals);
    if (/^(push_literal|push_global|send|super_send|push_block)(_w)?$/.test(n)) {
      const lit = m.literals[i.operands[0]];
      expect(lit, `${where}@${i.pc} literal index`).toBeDefined();
      if (n.startsWith("push_block")) {
        expect(lit.kind).toBe("block");
        if (lit.kind === "block") {
          expect(lit.method.nCopied).toBe(i.operands[1]);
          expect(lit.method.flags & 1).toBe(1);
          if (lit.method.flags & 2) expect(m.flags & 2, `${where}: nonlocal flag not propagated`).toBe(2);
          verifyMethod(lit.method, `${where}[block@${i.pc}]`);
        }
      } else if (!n.startsWith("push_literal")) {
        expect(lit.kind, `${where}@${i.pc}`).toBe("symbol");
      }
    }
    if (n === "return_nonlocal") expect(m.flags & 3, `${where}: return_nonlocal outside a flagged block`).toBe(3);
  }
  for (let k = 0; k < m.lines.length; k++) {
    expect(m.lines[k].pc).toBeLessThan(m.code.length);
    if (k > 0) expect(m.lines[k].pc).toBeGreaterThanOrEqual(m.lines[k - 1].pc);
    expect(m.lines[k].line).toBeGreaterThan(0);
  }
}

export function verifyModel(model: ClassFileModel): void {
  for (const m of model.instanceMethods) verifyMethod(m, `${model.className}>>${m.selector}`);
  for (const m of model.classMethods) verifyMethod(m, `${model.className} class>>${m.selector}`);
}
