// Bytecode emitter: instruction encoding (operand kinds from isa.ts), labels
// and jump fixups, operand-stack depth bookkeeping, the literal table with
// reuse of identical entries, and the debug line table.  The code generator
// (codegen.ts) drives it; it knows nothing about SOM.
//
// Invariants:
//  * `depth` is the operand-stack depth after the last emitted instruction;
//    `maxDepth` its maximum (the method's maxStack).
//  * Every label has one stack depth for all jumps to it and its placement.
//  * Jump offsets are relative to the end of the jump instruction (isa.ts);
//    they are patched by patchJumps once all labels are placed.
import {
  OP_DUP, OP_JUMP_IF_FALSE, OP_JUMP_IF_NIL, OP_JUMP_IF_NOT_NIL, OP_JUMP_IF_TRUE, OP_NAMES, OP_OPERANDS,
  OP_POP, OP_POP_STORE_FIELD, OP_POP_STORE_LOCAL, OP_POP_STORE_REMOTE, OP_PUSH_BLOCK, OP_PUSH_BLOCK_W,
  OP_PUSH_FALSE, OP_PUSH_FIELD, OP_PUSH_GLOBAL, OP_PUSH_GLOBAL_W, OP_PUSH_LITERAL, OP_PUSH_LITERAL_W,
  OP_PUSH_LOCAL, OP_PUSH_NEW_ARRAY, OP_PUSH_NIL, OP_PUSH_REAL_NIL, OP_PUSH_REMOTE, OP_PUSH_SELF,
  OP_PUSH_SMALLINT, OP_PUSH_TRUE, OP_RETURN_NONLOCAL, OP_RETURN_TOP, OP_SEND, OP_SEND_W, OP_SPECIAL_FIRST,
  OP_SPECIAL_LAST, OP_STORE_FIELD, OP_STORE_LOCAL, OP_STORE_REMOTE, OP_SUPER_SEND, OP_SUPER_SEND_W, OPND_I16,
  OPND_I8, OPND_U16, OPND_U8, SPECIAL_NARGS,
} from "../../vm-as/isa.js";
import type { LineEntry, LiteralModel } from "./classfile.js";
import type { SourcePos } from "./errors.js";

/** Largest literal table (u16 count in the class file). */
export const MAX_LITERALS = 65535;

export interface Label {
  pos: number;
  depth: number | null;
  fixups: { at: number; end: number }[];
}

function isSpecial(op: number): boolean {
  return op >= OP_SPECIAL_FIRST && op <= OP_SPECIAL_LAST;
}

/** Stack effect on the fall-through path of an instruction. */
function stackEffect(op: number, a: number, b: number): number {
  if (isSpecial(op)) return -SPECIAL_NARGS[op - OP_SPECIAL_FIRST];
  switch (op) {
    case OP_PUSH_SELF: case OP_PUSH_NIL: case OP_PUSH_TRUE: case OP_PUSH_FALSE: case OP_PUSH_LOCAL:
    case OP_PUSH_FIELD: case OP_PUSH_LITERAL: case OP_PUSH_LITERAL_W: case OP_PUSH_GLOBAL:
    case OP_PUSH_GLOBAL_W: case OP_PUSH_SMALLINT: case OP_PUSH_REMOTE: case OP_PUSH_NEW_ARRAY:
    case OP_PUSH_REAL_NIL: case OP_DUP:
      return 1;
    case OP_PUSH_BLOCK: case OP_PUSH_BLOCK_W:
      return 1 - b;
    case OP_STORE_LOCAL: case OP_STORE_FIELD: case OP_STORE_REMOTE:
      return 0;
    case OP_POP_STORE_LOCAL: case OP_POP_STORE_FIELD: case OP_POP_STORE_REMOTE: case OP_POP:
      return -1;
    case OP_SEND: case OP_SEND_W: case OP_SUPER_SEND: case OP_SUPER_SEND_W:
      return -b;
    case OP_RETURN_TOP: case OP_RETURN_NONLOCAL:
      return -1;
    case OP_JUMP_IF_TRUE: case OP_JUMP_IF_FALSE: case OP_JUMP_IF_NIL: case OP_JUMP_IF_NOT_NIL:
      return -1;
    default:
      return 0; // nop, return_self, jump, jump_if_not_number
  }
}

/** Stable key of a literal, for reusing identical literal entries in one method. */
function literalKey(l: LiteralModel): string | null {
  switch (l.kind) {
    case "int": return `i${l.value}`;
    case "bigint": return `b${l.value}`;
    case "double": {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, l.value);
      return `d${dv.getBigUint64(0).toString(16)}`;
    }
    case "string": return `s${JSON.stringify(l.value)}`;
    case "symbol": return `y${JSON.stringify(l.value)}`;
    case "array": {
      const parts: string[] = [];
      for (const e of l.elements) {
        const k = literalKey(e);
        if (k === null) return null;
        parts.push(k);
      }
      return `a[${parts.join(",")}]`;
    }
    case "block": return null;
  }
}

export abstract class Emitter {
  protected code: number[] = [];
  protected literals: LiteralModel[] = [];
  protected litKeys = new Map<string, number>();
  protected lines: LineEntry[] = [];
  protected labels: Label[] = [];
  protected depth = 0;
  protected maxDepth = 0;

  /** Report an implementation limit at `pos` (throws). */
  protected abstract fail(pos: SourcePos, msg: string): never;

  protected emit(op: number, a = 0, b = 0): void {
    if (OP_NAMES[op] === undefined || OP_NAMES[op] === "") throw new Error(`compiler bug: opcode ${op} is not in isa.ts`);
    this.code.push(op);
    const kinds = [OP_OPERANDS[op * 2], OP_OPERANDS[op * 2 + 1]];
    const vals = [a, b];
    for (let i = 0; i < 2; i++) {
      const k = kinds[i];
      const v = vals[i];
      if (k === OPND_U8) {
        if (v < 0 || v > 255) throw new Error(`compiler bug: u8 operand ${v} of ${OP_NAMES[op]}`);
        this.code.push(v);
      } else if (k === OPND_I8) {
        if (v < -128 || v > 127) throw new Error(`compiler bug: i8 operand ${v}`);
        this.code.push(v & 0xff);
      } else if (k === OPND_U16 || k === OPND_I16) {
        this.code.push(v & 0xff, (v >> 8) & 0xff);
      }
    }
    this.adjust(stackEffect(op, a, b));
  }

  protected adjust(delta: number): void {
    this.depth += delta;
    if (this.depth < 0) throw new Error("compiler bug: negative stack depth");
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
  }

  protected newLabel(): Label {
    const l: Label = { pos: -1, depth: null, fixups: [] };
    this.labels.push(l);
    return l;
  }

  protected setLabelDepth(l: Label, d: number): void {
    if (l.depth === null) l.depth = d;
    else if (l.depth !== d) throw new Error(`compiler bug: label depth ${l.depth} vs ${d}`);
  }

  protected place(l: Label): void {
    l.pos = this.code.length;
    if (l.depth === null) l.depth = this.depth;
    else this.depth = l.depth;
  }

  /** jump, jump_if_nil, jump_if_not_nil, jump_if_not_number. */
  protected jump(op: number, target: Label): void {
    const before = this.depth;
    this.code.push(op, 0, 0);
    const end = this.code.length;
    target.fixups.push({ at: end - 2, end });
    const popped = op === OP_JUMP_IF_NIL || op === OP_JUMP_IF_NOT_NIL ? 1 : 0;
    this.setLabelDepth(target, before - popped);
    this.adjust(-popped);
  }

  /** jump_if_true / jump_if_false: `target` when taken, `alt` (value kept) when not a Boolean. */
  protected condJump(op: number, target: Label, alt: Label): void {
    const before = this.depth;
    this.code.push(op, 0, 0, 0, 0);
    const end = this.code.length;
    target.fixups.push({ at: end - 4, end });
    alt.fixups.push({ at: end - 2, end });
    this.setLabelDepth(target, before - 1);
    this.setLabelDepth(alt, before);
    this.adjust(-1);
  }

  protected markLine(pos: SourcePos): void {
    const pc = this.code.length;
    const last = this.lines[this.lines.length - 1];
    // the line table holds u16 line and column numbers
    const e = { pc, line: Math.min(pos.line, 0xffff), column: Math.min(pos.col, 0xffff) };
    if (last !== undefined && last.pc === pc) this.lines[this.lines.length - 1] = e;
    else this.lines.push(e);
  }

  protected literal(l: LiteralModel, pos: SourcePos): number {
    const key = literalKey(l);
    if (key !== null) {
      const found = this.litKeys.get(key);
      if (found !== undefined) return found;
    }
    const idx = this.literals.length;
    if (idx >= MAX_LITERALS) {
      this.fail(pos, "The method has too many literals (limit 65535). You may be able to split up this method into multiple.");
    }
    this.literals.push(l);
    if (key !== null) this.litKeys.set(key, idx);
    return idx;
  }

  protected symbol(name: string, pos: SourcePos): number {
    return this.literal({ kind: "symbol", value: name }, pos);
  }

  /** Write every jump offset; `pos` names the method if a jump is out of range. */
  protected patchJumps(pos: SourcePos): void {
    for (const l of this.labels) {
      if (l.fixups.length === 0) continue;
      if (l.pos < 0) throw new Error("compiler bug: unplaced label");
      for (const f of l.fixups) {
        const off = l.pos - f.end;
        if (off < -32768 || off > 32767) this.fail(pos, "The method is too large (a jump exceeds 32 KB). Split it into several methods.");
        this.code[f.at] = off & 0xff;
        this.code[f.at + 1] = (off >> 8) & 0xff;
      }
    }
  }
}
