// SOM abstract syntax tree: what the parser produces and scope analysis and
// code generation consume (discriminated unions on `kind`).
//
// Positions are 1-based line/column of the token that names the node:
// the variable, the literal, the '[' of a block, the first selector token of
// a send, the name of an assignment target, the '^' of a return.
import type { SourcePos } from "./errors.js";

/** A declared name (field, argument, parameter, temporary) and where. */
export interface Decl extends SourcePos {
  name: string;
}

export type Literal =
  | { kind: "int"; value: bigint }
  | { kind: "double"; value: number }
  | { kind: "string"; value: string }
  | { kind: "symbol"; value: string }
  | { kind: "array"; elements: Literal[] };

export interface VarExpr { kind: "var"; name: string; pos: SourcePos }
export interface LitExpr { kind: "lit"; value: Literal; pos: SourcePos }
export interface BlockExpr {
  kind: "block";
  params: Decl[];
  temps: Decl[];
  body: Stmt[];
  pos: SourcePos;
}
export interface SendExpr {
  kind: "send";
  receiver: Expr;
  selector: string;
  args: Expr[];
  /** Receiver is the pseudo-variable `super` (written directly). */
  isSuper: boolean;
  /** Position of the first selector token. */
  pos: SourcePos;
}
export interface AssignExpr {
  kind: "assign";
  target: Decl;
  value: Expr;
  pos: SourcePos;
}
export type Expr = VarExpr | LitExpr | BlockExpr | SendExpr | AssignExpr;

export interface ExprStmt { kind: "expr"; expr: Expr; pos: SourcePos }
export interface ReturnStmt { kind: "return"; expr: Expr; pos: SourcePos }
export type Stmt = ExprStmt | ReturnStmt;

export interface MethodAst {
  selector: string;
  /** Position of the first token of the pattern. */
  pos: SourcePos;
  params: Decl[];
  /** `pattern = primitive` */
  primitive: boolean;
  temps: Decl[];
  body: Stmt[];
  classSide: boolean;
}

export interface ClassAst {
  name: string;
  namePos: SourcePos;
  /** Superclass name as written; null when omitted (Object). */
  superName: string | null;
  /** `Foo = nil ( ... )`: no superclass. */
  superIsNil: boolean;
  superPos: SourcePos | null;
  instanceFields: Decl[];
  classFields: Decl[];
  instanceMethods: MethodAst[];
  classMethods: MethodAst[];
  /** The file path given to the parser (for diagnostics and the class file). */
  path: string;
  /** The whole source text (for diagnostics and the disassembler). */
  source: string;
}

/** Number of arguments of a selector: 0 unary, 1 binary, else the colons. */
export function selectorArity(selector: string): number {
  if (selector.length === 0) return 0;
  const c = selector[0];
  if (/[A-Za-z_]/.test(c) || c > "\x7f") {
    let n = 0;
    for (const ch of selector) if (ch === ":") n++;
    return n;
  }
  return 1;
}
