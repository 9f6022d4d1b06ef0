// Talc instruction set: the one place where the bytecodes are defined.
//
// This file is written in the portable subset of AssemblyScript that both `tsc`
// and `asc` compile: the compiler (host-tools/compiler), the disassembler and
// the interpreter (vm-as/interp.ts) all import it.  A test checks that the
// interpreter's switch handles every opcode listed here.
//
// Instruction format: one opcode byte followed by its operands, little-endian.
//
//   +--------+----------+----------+
//   | opcode | operand1 | operand2 |      operand kinds: u8, i8, u16, i16
//   +--------+----------+----------+
//
// Jump offsets (i16) are relative to the address of the byte that FOLLOWS the
// whole instruction.  "local i" is frame slot i: arguments first (0-based), then
// (in blocks) copied values, then temporaries.  "field i" is instance field i of
// self (0-based, in slot order).  "lit i" is entry i of the method's literal
// array.  Stack effects are written  before -- after.

// Operand kinds.
export const OPND_NONE: i32 = 0;
export const OPND_U8: i32 = 1;
export const OPND_I8: i32 = 2;
export const OPND_U16: i32 = 3;
export const OPND_I16: i32 = 4;

// ---- opcodes -------------------------------------------------------------
export const OP_NOP: i32 = 0;             //                    --
export const OP_PUSH_SELF: i32 = 1;       //                    -- self
export const OP_PUSH_NIL: i32 = 2;        // source-level nil: current binding of global #nil
export const OP_PUSH_TRUE: i32 = 3;       // source-level true: current binding of global #true
export const OP_PUSH_FALSE: i32 = 4;      // source-level false: current binding of global #false
export const OP_PUSH_LOCAL: i32 = 5;      // u8 i               -- local[i]
export const OP_PUSH_FIELD: i32 = 6;      // u8 i               -- self.field[i]
export const OP_PUSH_LITERAL: i32 = 7;    // u8 lit             -- literal
export const OP_PUSH_GLOBAL: i32 = 8;     // u8 lit (a Symbol)  -- value, or result of `self unknownGlobal: sym`
export const OP_PUSH_SMALLINT: i32 = 9;   // i8 v               -- v
export const OP_PUSH_REMOTE: i32 = 10;    // u8 idx, u8 tvLocal -- local[tvLocal] at: idx+1
export const OP_PUSH_BLOCK: i32 = 11;     // u8 lit (block method), u8 nCopied   v1..vn -- closure
export const OP_PUSH_NEW_ARRAY: i32 = 12; // u8 n               -- Array of n nils (temp vector)
export const OP_STORE_LOCAL: i32 = 13;    // u8 i       v -- v     (no pop)
export const OP_STORE_FIELD: i32 = 14;    // u8 i       v -- v
export const OP_STORE_REMOTE: i32 = 15;   // u8 idx, u8 tvLocal   v -- v
export const OP_POP_STORE_LOCAL: i32 = 16;  // u8 i     v --
export const OP_POP_STORE_FIELD: i32 = 17;  // u8 i     v --
export const OP_POP_STORE_REMOTE: i32 = 18; // u8 idx, u8 tvLocal  v --
export const OP_POP: i32 = 19;            //          v --
export const OP_DUP: i32 = 20;            //          v -- v v
export const OP_SEND: i32 = 21;           // u8 lit (selector), u8 nArgs   rcvr a1..an -- result
export const OP_SUPER_SEND: i32 = 22;     // u8 lit, u8 nArgs: lookup starts in (method holder) superclass
export const OP_RETURN_TOP: i32 = 23;     // method: return top to caller; block: local return (block value)
export const OP_RETURN_SELF: i32 = 24;    // method end without ^: return self
export const OP_RETURN_NONLOCAL: i32 = 25; // ^ inside a real block: return top from the home method
export const OP_JUMP: i32 = 26;           // i16 off
export const OP_JUMP_IF_TRUE: i32 = 27;   // i16 off, i16 alt   b --   true: jump off; false: fall through;
                                          //                    b -- b  other: jump alt, b stays (fallback send)
export const OP_JUMP_IF_FALSE: i32 = 28;  // i16 off, i16 alt   as above with true/false swapped
export const OP_JUMP_IF_NIL: i32 = 29;    // i16 off     v --   jump if v is nil (the real nil)
export const OP_JUMP_IF_NOT_NIL: i32 = 30; // i16 off    v --   jump if v is not nil
export const OP_JUMP_IF_NOT_NUMBER: i32 = 31; // i16 off   v -- v  jump unless v is an Integer or Double
export const OP_PUSH_LITERAL_W: i32 = 32; // u16 lit
export const OP_PUSH_GLOBAL_W: i32 = 33;  // u16 lit
export const OP_SEND_W: i32 = 34;         // u16 lit, u8 nArgs
export const OP_SUPER_SEND_W: i32 = 35;   // u16 lit, u8 nArgs
export const OP_PUSH_BLOCK_W: i32 = 36;   // u16 lit, u8 nCopied
export const OP_PUSH_REAL_NIL: i32 = 37;  //                    -- nil (the VM's own nil: empty block value,
                                          //                       inlined ifTrue: on false, temp init ...)

// Special sends: no operands.  The interpreter takes a fast path when both
// operands are SmallIntegers (or the receiver is an Array/closure for the
// access/evaluation selectors); otherwise it performs an ordinary send of
// SPECIAL_SELECTORS[op - OP_SPECIAL_FIRST] with SPECIAL_NARGS[...] arguments.
// The semantics are always those of the ordinary send.
export const OP_SPECIAL_FIRST: i32 = 40;
export const OP_ADD: i32 = 40;      // +
export const OP_SUB: i32 = 41;      // -
export const OP_MUL: i32 = 42;      // *
export const OP_DIV: i32 = 43;      // /   (truncating)
export const OP_MOD: i32 = 44;      // %   (floored)
export const OP_LT: i32 = 45;       // <
export const OP_GT: i32 = 46;       // >
export const OP_LE: i32 = 47;       // <=
export const OP_GE: i32 = 48;       // >=
export const OP_EQ: i32 = 49;       // =
export const OP_NE: i32 = 50;       // <>
export const OP_EQEQ: i32 = 51;     // ==
export const OP_NEQEQ: i32 = 52;    // ~=
export const OP_BITAND: i32 = 53;   // &
export const OP_VALUE: i32 = 54;    // value
export const OP_VALUE1: i32 = 55;   // value:
export const OP_VALUE2: i32 = 56;   // value:with:
export const OP_AT: i32 = 57;       // at:
export const OP_ATPUT: i32 = 58;    // at:put:
export const OP_LENGTH: i32 = 59;   // length
export const OP_SPECIAL_LAST: i32 = 59;

export const OP_COUNT: i32 = 60;    // opcodes are < OP_COUNT

// Selector text and argument count of each special send, indexed by
// op - OP_SPECIAL_FIRST.  The linker interns these and keeps them in the
// special objects array (SO_SPECIAL_SELECTORS, see layout.ts).
export const SPECIAL_SELECTORS: string[] = [
  "+", "-", "*", "/", "%", "<", ">", "<=", ">=", "=", "<>", "==", "~=", "&",
  "value", "value:", "value:with:", "at:", "at:put:", "length",
];
export const SPECIAL_NARGS: i32[] = [
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 1, 2, 1, 2, 0,
];

// Mnemonic of every opcode ("" = unused number).
export const OP_NAMES: string[] = [
  "nop", "push_self", "push_nil", "push_true", "push_false",
  "push_local", "push_field", "push_literal", "push_global", "push_smallint",
  "push_remote", "push_block", "push_new_array", "store_local", "store_field",
  "store_remote", "pop_store_local", "pop_store_field", "pop_store_remote", "pop",
  "dup", "send", "super_send", "return_top", "return_self",
  "return_nonlocal", "jump", "jump_if_true", "jump_if_false", "jump_if_nil",
  "jump_if_not_nil", "jump_if_not_number", "push_literal_w", "push_global_w", "send_w",
  "super_send_w", "push_block_w", "push_real_nil", "", "",
  "send_add", "send_sub", "send_mul", "send_div", "send_mod",
  "send_lt", "send_gt", "send_le", "send_ge", "send_eq",
  "send_ne", "send_eqeq", "send_neqeq", "send_bitand", "send_value",
  "send_value1", "send_value2", "send_at", "send_atput", "send_length",
];

// Operand kinds of every opcode, two per opcode: [op*2] first, [op*2+1] second.
export const OP_OPERANDS: i32[] = [
  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,            // 0-4
  1, 0,  1, 0,  1, 0,  1, 0,  2, 0,            // 5-9   local field literal global smallint
  1, 1,  1, 1,  1, 0,  1, 0,  1, 0,            // 10-14 remote block new_array store_local store_field
  1, 1,  1, 0,  1, 0,  1, 1,  0, 0,            // 15-19 store_remote pop_store_local pop_store_field pop_store_remote pop
  0, 0,  1, 1,  1, 1,  0, 0,  0, 0,            // 20-24 dup send super_send return_top return_self
  0, 0,  4, 0,  4, 4,  4, 4,  4, 0,            // 25-29 return_nonlocal jump jump_if_true jump_if_false jump_if_nil
  4, 0,  4, 0,  3, 0,  3, 0,  3, 1,            // 30-34 jump_if_not_nil jump_if_not_number push_literal_w push_global_w send_w
  3, 1,  3, 1,  0, 0,  0, 0,  0, 0,            // 35-39 super_send_w push_block_w (unused)
  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,            // 40-44
  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,            // 45-49
  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,            // 50-54
  0, 0,  0, 0,  0, 0,  0, 0,  0, 0,            // 55-59
];

/** Size in bytes of an operand of kind k. */
export function operandSize(k: i32): i32 {
  if (k == OPND_U8 || k == OPND_I8) return 1;
  if (k == OPND_U16 || k == OPND_I16) return 2;
  return 0;
}

/** Total length in bytes of an instruction with opcode op. */
export function instructionLength(op: i32): i32 {
  return 1 + operandSize(OP_OPERANDS[op * 2]) + operandSize(OP_OPERANDS[op * 2 + 1]);
}
