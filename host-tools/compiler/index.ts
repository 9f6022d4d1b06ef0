// Public API of the SOM compiler (host-tools/compiler).
//
//   parseClass(source, path)            -> ClassAst          (throws CompileError)
//   generateClassFile(ast, superInfo)   -> TCF bytes         (throws CompileError)
//   compileClass(source, path, sup)     -> TCF bytes         (parse + generate + file-name check)
//   readClassFile(bytes)                -> ClassFileModel    (throws ClassFileError)
//   disassemble(model, source?, sel?)   -> text
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
