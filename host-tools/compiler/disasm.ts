// Disassembler: a readable listing of a class file's methods, interleaved
// with the source lines they came from (line table), nested blocks indented.
//
//   Counter>>increment: (Counter.som:7)  args 1, temps 0, stack 2
//       8 |         count := count + n
//       0  push_field 0
//       2  push_local 0
//       4  send_add
//       ...
import {
  OP_COUNT, OP_NAMES, OP_OPERANDS, OP_PUSH_BLOCK, OP_PUSH_BLOCK_W, OP_JUMP, OP_JUMP_IF_FALSE,
  OP_JUMP_IF_NIL, OP_JUMP_IF_NOT_NIL, OP_JUMP_IF_NOT_NUMBER, OP_JUMP_IF_TRUE, OPND_I16, OPND_I8, OPND_U16, OPND_U8,
  OP_PUSH_LITERAL, OP_PUSH_LITERAL_W, OP_PUSH_GLOBAL, OP_PUSH_GLOBAL_W, OP_SEND, OP_SEND_W, OP_SUPER_SEND,
  OP_SUPER_SEND_W, operandSize,
} from "../../vm-as/isa.js";
import type { ClassFileModel, LiteralModel, MethodModel } from "./classfile.js";
import { METHOD_FLAG_NONLOCAL, METHOD_KIND_PRIMITIVE } from "./classfile.js";
import { parseClassSource } from "./parser.js";

const JUMPS = new Set([OP_JUMP, OP_JUMP_IF_TRUE, OP_JUMP_IF_FALSE, OP_JUMP_IF_NIL, OP_JUMP_IF_NOT_NIL, OP_JUMP_IF_NOT_NUMBER]);
const LITERAL_OPS = new Set([
  OP_PUSH_LITERAL, OP_PUSH_LITERAL_W, OP_PUSH_GLOBAL, OP_PUSH_GLOBAL_W, OP_SEND, OP_SEND_W,
  OP_SUPER_SEND, OP_SUPER_SEND_W, OP_PUSH_BLOCK, OP_PUSH_BLOCK_W,
]);

/** SOM-like text of a literal. */
export function literalText(l: LiteralModel): string {
  switch (l.kind) {
    case "int": return String(l.value);
    case "bigint": return l.value.toString();
    case "double":
      if (Object.is(l.value, -0)) return "-0.0";
      return Number.isInteger(l.value) ? l.value.toFixed(1) : String(l.value);
    case "string": return `'${l.value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\t/g, "\\t")}'`;
    case "symbol": return /^[A-Za-z][A-Za-z0-9_:]*$|^[~&|*/\\+=><,@%-]+$/.test(l.value) ? `#${l.value}` : `#'${l.value}'`;
    case "array": return `#(${l.elements.map(literalText).join(" ")})`;
    case "block": return `[block ${l.method.nArgs} args]`;
  }
}

/** One decoded instruction. */
export interface Instruction {
  pc: number;
  op: number;
  name: string;
  /** Operand values (signed for i8/i16). */
  operands: number[];
  /** pc of the next instruction. */
  next: number;
  /** Absolute targets of jump instructions (target, then alt). */
  targets: number[];
}

/** Decode a method's bytecode; throws on an unknown opcode or a truncated instruction. */
export function decodeCode(code: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc];
    if (op >= OP_COUNT || OP_NAMES[op] === "") throw new Error(`unknown opcode ${op} at pc ${pc}`);
    const kinds = [OP_OPERANDS[op * 2], OP_OPERANDS[op * 2 + 1]];
    let p = pc + 1;
    const operands: number[] = [];
    for (const k of kinds) {
      if (k === 0) continue;
      if (p + operandSize(k) > code.length) throw new Error(`truncated instruction at pc ${pc}`);
      if (k === OPND_U8) operands.push(code[p]);
      else if (k === OPND_I8) operands.push((code[p] << 24) >> 24);
      else if (k === OPND_U16) operands.push(code[p] | (code[p + 1] << 8));
      else if (k === OPND_I16) operands.push(((code[p] | (code[p + 1] << 8)) << 16) >> 16);
      p += operandSize(k);
    }
    const targets: number[] = [];
    if (JUMPS.has(op)) {
      targets.push(p + operands[0]);
      if (op === OP_JUMP_IF_TRUE || op === OP_JUMP_IF_FALSE) targets.push(p + operands[1]);
    }
    out.push({ pc, op, name: OP_NAMES[op], operands, next: p, targets });
    pc = p;
  }
  return out;
}

interface Ctx {
  out: string[];
  lines: string[];
  lastLine: number;
}

function sourceLine(ctx: Ctx, line: number): string {
  return (ctx.lines[line - 1] ?? "").replace(/\r$/, "");
}

function disMethod(ctx: Ctx, m: MethodModel, indent: string): void {
  const code = m.code;
  let pc = 0;
  const lineAt = new Map<number, number>();
  for (const e of m.lines) lineAt.set(e.pc, e.line);
  while (pc < code.length) {
    const line = lineAt.get(pc);
    if (line !== undefined && line !== ctx.lastLine) {
      ctx.lastLine = line;
      if (ctx.lines.length > 0) ctx.out.push(`${indent}${String(line).padStart(5)} | ${sourceLine(ctx, line)}`);
      else ctx.out.push(`${indent}      ; line ${line}`);
    }
    const op = code[pc];
    if (op >= OP_COUNT || OP_NAMES[op] === "") {
      ctx.out.push(`${indent}${String(pc).padStart(5)}  <bad opcode ${op}>`);
      return;
    }
    const kinds = [OP_OPERANDS[op * 2], OP_OPERANDS[op * 2 + 1]];
    let p = pc + 1;
    const vals: number[] = [];
    for (const k of kinds) {
      if (k === OPND_U8) vals.push(code[p]);
      else if (k === OPND_I8) vals.push((code[p] << 24) >> 24);
      else if (k === OPND_U16) vals.push(code[p] | (code[p + 1] << 8));
      else if (k === OPND_I16) vals.push(((code[p] | (code[p + 1] << 8)) << 16) >> 16);
      p += operandSize(k);
    }
    const end = p;
    let text = OP_NAMES[op];
    let comment = "";
    if (JUMPS.has(op)) {
      text += ` -> ${end + vals[0]}`;
      if (vals.length > 1 && kinds[1] === OPND_I16) text += `, alt -> ${end + vals[1]}`;
    } else if (vals.length > 0) {
      text += " " + vals.join(" ");
    }
    let block: MethodModel | null = null;
    if (LITERAL_OPS.has(op)) {
      const lit = m.literals[vals[0]];
      if (lit === undefined) comment = "  ; <bad literal index>";
      else {
        comment = `  ; ${literalText(lit)}`;
        if ((op === OP_PUSH_BLOCK || op === OP_PUSH_BLOCK_W) && lit.kind === "block") block = lit.method;
      }
    }
    ctx.out.push(`${indent}${String(pc).padStart(5)}  ${text}${comment}`);
    if (block !== null) {
      ctx.out.push(`${indent}        [block: params ${block.nArgs}, copied ${block.nCopied}, temps ${block.nTemps}, stack ${block.maxStack}${block.flags & METHOD_FLAG_NONLOCAL ? ", ^" : ""}]`);
      const saved = ctx.lastLine;
      disMethod(ctx, block, indent + "        ");
      ctx.lastLine = saved;
    }
    pc = end;
  }
}

/**
 * Listing of every method of `model` (only those named `selector` when
 * given), with the source lines when `source` is given.
 */
export function disassemble(model: ClassFileModel, source?: string, selector?: string): string {
  const ctx: Ctx = { out: [], lines: source !== undefined ? source.split("\n") : [], lastLine: -1 };
  const defLines = new Map<string, number>();
  if (source !== undefined) {
    try {
      const ast = parseClassSource(source, "");
      for (const m of ast.instanceMethods) defLines.set(`i ${m.selector}`, m.pos.line);
      for (const m of ast.classMethods) defLines.set(`c ${m.selector}`, m.pos.line);
    } catch {
      // source does not parse: fall back to the line tables
    }
  }
  const file = model.sourcePath;
  const sides: [MethodModel[], string, string][] = [
    [model.instanceMethods, model.className, "i"],
    [model.classMethods, `${model.className} class`, "c"],
  ];
  for (const [methods, holder, side] of sides) {
    for (const m of methods) {
      if (selector !== undefined && m.selector !== selector) continue;
      const line = defLines.get(`${side} ${m.selector}`) ?? m.lines[0]?.line;
      const where = line !== undefined ? `${file}:${line}` : file;
      if (m.kind === METHOD_KIND_PRIMITIVE) {
        ctx.out.push(`${holder}>>${m.selector} (${where})  primitive, args ${m.nArgs}`);
        ctx.out.push("");
        continue;
      }
      ctx.out.push(`${holder}>>${m.selector} (${where})  args ${m.nArgs}, temps ${m.nTemps}, stack ${m.maxStack}, literals ${m.literals.length}${m.flags & METHOD_FLAG_NONLOCAL ? ", has ^ in a block" : ""}`);
      ctx.lastLine = -1;
      disMethod(ctx, m, "");
      ctx.out.push("");
    }
  }
  if (selector !== undefined && ctx.out.length === 0) return `No method #${selector} in ${model.className}\n`;
  return ctx.out.join("\n");
}
