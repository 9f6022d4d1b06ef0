// Public API of the SOM compiler (host-tools/compiler).
//
//   parseClass(source, path)            -> ClassAst          (throws CompileError)
//   generateClassFile(ast, superInfo)   -> TCF bytes         (throws CompileError)
//   compileClass(source, path, sup)     -> TCF bytes         (parse + generate + file-name check)
//   readClassFile(bytes)                -> ClassFileModel    (throws ClassFileError)
//   disassemble(model, source?, sel?)   -> text
//
// Data path: lexer.ts (tokens) -> parser.ts (ast.ts) -> scope.ts (resolution,
// capture analysis; inline.ts decides which sends are inlined) -> codegen.ts
// (method records, through emitter.ts) -> classfile.ts (TCF bytes).  disasm.ts
// reads them back.
//
// Decisions other parts rely on:
//  * Field operands are 0-based among the fields of the method's side,
//    inherited first.  On the class side the linker adds C_FIXED_SLOTS.
//  * Superclass name in the class file: as written, "Object" when omitted,
//    "nil" for `= nil (`.
//  * Line table: one entry per statement start and per send (the pc of the
//    send instruction itself), sorted by pc.
//  * MH_FLAG_NONLOCAL (flags bit1) is set on any method or block whose code or
//    nested block literals contain return_nonlocal - including the cold-path
//    closures of inlined blocks that contain ^.
//
// Inlining (spec 3.13), behaviour that is visible:
//  * Cold paths (non-Boolean receiver of an inlined conditional, non-number
//    receiver of an inlined loop) make real closures of the inlined blocks.
//    Outer variables those blocks assign are packed into a fresh temp vector
//    for the real send and copied back after it, so assignments are shared
//    by reference during the send.  Deviation: a cold-path closure that is
//    kept and evaluated after the send returned no longer reaches the
//    method's variables.
//  * ifNil: & co. are inlined only for the nil receiver; any other receiver
//    gets the real send (so overrides are honoured).
//  * timesRepeat:, to:by:do:, downTo:by:do: test `receiver class == Double`
//    at loop entry and then do the real send (Double defines only to:do: and
//    downTo:do:).
//  * A non-Boolean whileTrue: condition v gets `v ifFalse: [marker]` (the
//    library sends ifFalse: [^nil]): when the answer is the marker the block
//    ran and the loop ends, otherwise the body runs and the loop goes on, as
//    in the library.  whileFalse: first sends `not` (as the library does).
import { basename } from "node:path";
import type { ClassAst } from "./ast.js";
import { writeClassFile } from "./classfile.js";
import { generateClassModel, SuperInfo } from "./codegen.js";
import { ErrorSink } from "./errors.js";
import { parseClassSource } from "./parser.js";

export { CompileError } from "./errors.js";
export type { ClassAst, MethodAst, Decl, Expr, Stmt, Literal, BlockExpr, SendExpr } from "./ast.js";
export type { SuperInfo } from "./codegen.js";
export {
  readClassFile, writeClassFile, ClassFileError,
  type ClassFileModel, type MethodModel, type LiteralModel, type LineEntry,
} from "./classfile.js";
export { disassemble, decodeCode, literalText, type Instruction } from "./disasm.js";

/**
 * Parse one class definition.  When `path` ends in ".som" its base name must
 * equal the class name (spec 2.6 rule 2).
 */
export function parseClass(source: string, path: string): ClassAst {
  return parseClassSource(source, path);
}

/**
 * Compile a parsed class.  `sup` holds all fields of the superclass
 * (inherited first, slot order); null when the superclass is nil.
 */
export function generateClassFile(ast: ClassAst, sup: SuperInfo | null): Uint8Array {
  return writeClassFile(generateClassModel(ast, sup));
}

/** Parse + generate; the class name must equal the path's base name (without ".som"). */
export function compileClass(source: string, path: string, sup: SuperInfo | null): Uint8Array {
  const ast = parseClass(source, path);
  const base = basename(path);
  const stem = base.endsWith(".som") ? base.slice(0, -4) : base;
  if (stem !== ast.name) {
    throw new ErrorSink(path, source).error(ast.namePos, `Class name '${ast.name}' does not match the file name '${base}'`);
  }
  return generateClassFile(ast, sup);
}
