// Which sends are compiled inline (spec 3.13) and which of their block
// arguments become inlined blocks.  Scope analysis and code generation both
// ask this module, so they always agree.
//
// A send is inlined only when it is not a super send and every block
// argument the construct needs is a block literal with the right number of
// parameters (0, or 1 for the loop variable of to:do: and friends).
import type { BlockExpr, Expr, SendExpr } from "./ast.js";

export type InlineKind =
  | "ifTrue" | "ifFalse" | "ifTrueIfFalse" | "ifFalseIfTrue"
  | "and" | "or"
  | "ifNil" | "ifNotNil" | "ifNilIfNotNil" | "ifNotNilIfNil"
  | "whileTrue" | "whileFalse"
  | "toDo" | "toByDo" | "downToDo" | "downToByDo"
  | "timesRepeat";

function isBlock(e: Expr | undefined, nParams: number): e is BlockExpr {
  return e !== undefined && e.kind === "block" && e.params.length === nParams;
}

function isNumberLiteral(e: Expr | undefined): boolean {
  return e !== undefined && e.kind === "lit" && (e.value.kind === "int" || e.value.kind === "double");
}

/** The inline construct a send compiles to, or null for an ordinary send. */
export function inlineKind(s: SendExpr): InlineKind | null {
  if (s.isSuper) return null;
  const a = s.args;
  switch (s.selector) {
    case "ifTrue:": return isBlock(a[0], 0) ? "ifTrue" : null;
    case "ifFalse:": return isBlock(a[0], 0) ? "ifFalse" : null;
    case "ifTrue:ifFalse:": return isBlock(a[0], 0) && isBlock(a[1], 0) ? "ifTrueIfFalse" : null;
    case "ifFalse:ifTrue:": return isBlock(a[0], 0) && isBlock(a[1], 0) ? "ifFalseIfTrue" : null;
    case "and:":
    case "&&": return isBlock(a[0], 0) ? "and" : null;
    case "or:":
    case "||": return isBlock(a[0], 0) ? "or" : null;
    case "ifNil:": return isBlock(a[0], 0) ? "ifNil" : null;
    case "ifNotNil:": return isBlock(a[0], 0) ? "ifNotNil" : null;
    case "ifNil:ifNotNil:": return isBlock(a[0], 0) && isBlock(a[1], 0) ? "ifNilIfNotNil" : null;
    case "ifNotNil:ifNil:": return isBlock(a[0], 0) && isBlock(a[1], 0) ? "ifNotNilIfNil" : null;
    case "whileTrue:": return isBlock(s.receiver, 0) && isBlock(a[0], 0) ? "whileTrue" : null;
    case "whileFalse:": return isBlock(s.receiver, 0) && isBlock(a[0], 0) ? "whileFalse" : null;
    case "to:do:": return isBlock(a[1], 1) ? "toDo" : null;
    case "downTo:do:": return isBlock(a[1], 1) ? "downToDo" : null;
    case "to:by:do:": return isNumberLiteral(a[1]) && isBlock(a[2], 1) ? "toByDo" : null;
    case "downTo:by:do:": return isNumberLiteral(a[1]) && isBlock(a[2], 1) ? "downToByDo" : null;
    case "timesRepeat:": return isBlock(a[0], 0) ? "timesRepeat" : null;
    default: return null;
  }
}

/** The block literals of an inlined send that are compiled inline (receiver block first). */
export function inlinedBlocks(s: SendExpr): BlockExpr[] {
  const k = inlineKind(s);
  if (k === null) return [];
  const out: BlockExpr[] = [];
  if (k === "whileTrue" || k === "whileFalse") out.push(s.receiver as BlockExpr);
  // the loop block is the last argument; every other construct takes only blocks
  const loop = k === "toDo" || k === "downToDo" || k === "toByDo" || k === "downToByDo";
  const args = loop ? [s.args[s.args.length - 1]] : s.args;
  for (const a of args) if (a.kind === "block") out.push(a);
  return out;
}
