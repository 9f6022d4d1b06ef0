// Scope analysis: name resolution (spec 3.5) and capture analysis for the
// closure design of docs/ARCHITECTURE.md ("Frames, sends and returns").
//
// Every method and every block literal gets a Scope.  Blocks that an
// inlined send swallows (inline.ts) are `inlined` scopes: their variables
// live in the frame of the nearest enclosing real scope (the *frame owner*).
//
// Invariants computed here, used by codegen:
//  * v.captured  - v is referenced from a real block whose frame owner is not
//                  v's frame owner.
//  * v.assigned  - v is the target of some `:=` (binding by the call, the
//                  loop or nil-initialisation is not an assignment).
//  * remote      - captured AND assigned: v lives in the temp vector of its
//                  declaring scope (scope.tempVector, a hidden variable that
//                  holds an Array created on every entry of the scope) at
//                  index v.remoteIndex.
//  * block.freeVars - the outer variables a block uses, itself or in any
//                  nested block; a remote variable is represented by the
//                  temp vector that holds it.  Computed for inlined blocks
//                  too: the cold path compiles them as real blocks.
import type { AssignExpr, BlockExpr, ClassAst, Decl, Expr, MethodAst, Stmt, VarExpr } from "./ast.js";
import { ErrorSink } from "./errors.js";
import { inlinedBlocks } from "./inline.js";

export interface Variable {
  name: string;
  /** Declaration; null for a hidden temp vector. */
  decl: Decl | null;
  scope: Scope;
  isParam: boolean;
  captured: boolean;
  assigned: boolean;
  /** Index in the scope's temp vector, or -1 (not remote). */
  remoteIndex: number;
}

export interface Scope {
  kind: "method" | "block";
  block: BlockExpr | null;
  inlined: boolean;
  parent: Scope | null;
  /** Params (method args / block params) first, then declared temps. */
  vars: Variable[];
  /** Remote variables in temp-vector order. */
  remote: Variable[];
  /** Hidden variable holding the temp vector, when `remote` is non-empty. */
  tempVector: Variable | null;
  /** Blocks only: outer variables used inside, in first-use order. */
  freeVars: Variable[];
}

export type Resolution =
  | { kind: "var"; v: Variable }
  | { kind: "field"; index: number }
  | { kind: "global"; name: string }
  | { kind: "self" }
  | { kind: "super" }
  | { kind: "nil" }
  | { kind: "true" }
  | { kind: "false" };

export interface MethodScopes {
  method: Scope;
  blocks: Map<BlockExpr, Scope>;
  /** Resolution of every variable reference and assignment target. */
  refs: Map<VarExpr | AssignExpr, Resolution>;
}

export function isRemote(v: Variable): boolean {
  return v.remoteIndex >= 0;
}

/** The scope whose frame holds the variables of `s`. */
export function frameOwner(s: Scope): Scope {
  let t = s;
  while (t.inlined && t.parent !== null) t = t.parent;
  return t;
}

const PSEUDO = new Set(["self", "super", "nil", "true", "false"]);

class Analyzer {
  private blocks = new Map<BlockExpr, Scope>();
  private refs = new Map<VarExpr | AssignExpr, Resolution>();
  private uses: { v: Variable; from: Scope }[] = [];
  private scopes: Scope[] = [];

  constructor(
    private fields: readonly string[],
    private sink: ErrorSink,
    private className: string,
  ) {}

  private newScope(kind: "method" | "block", block: BlockExpr | null, inlined: boolean, parent: Scope | null,
    params: Decl[], temps: Decl[]): Scope {
    const s: Scope = { kind, block, inlined, parent, vars: [], remote: [], tempVector: null, freeVars: [] };
    for (const d of params) s.vars.push(this.variable(d, s, true));
    for (const d of temps) s.vars.push(this.variable(d, s, false));
    this.scopes.push(s);
    return s;
  }

  private variable(d: Decl | null, s: Scope, isParam: boolean): Variable {
    return { name: d?.name ?? "<tv>", decl: d, scope: s, isParam, captured: false, assigned: false, remoteIndex: -1 };
  }

  analyze(m: MethodAst): MethodScopes {
    const ms = this.newScope("method", null, false, null, m.params, m.temps);
    this.stmts(m.body, ms);
    this.finish();
    return { method: ms, blocks: this.blocks, refs: this.refs };
  }

  private resolve(name: string, from: Scope): Resolution {
    if (PSEUDO.has(name)) return { kind: name } as Resolution;
    for (let s: Scope | null = from; s !== null; s = s.parent) {
      for (let i = s.vars.length - 1; i >= 0; i--) {
        const v = s.vars[i];
        if (v.name === name) {
          if (frameOwner(s) !== frameOwner(from)) v.captured = true;
          this.uses.push({ v, from });
          return { kind: "var", v };
        }
      }
    }
    const f = this.fields.lastIndexOf(name);
    if (f >= 0) return { kind: "field", index: f };
    return { kind: "global", name };
  }

  private stmts(body: Stmt[], s: Scope): void {
    for (const st of body) this.expr(st.expr, s);
  }

  private block(b: BlockExpr, parent: Scope, inlined: boolean): void {
    const s = this.newScope("block", b, inlined, parent, b.params, b.temps);
    this.blocks.set(b, s);
    this.stmts(b.body, s);
  }

  private expr(e: Expr, s: Scope): void {
    switch (e.kind) {
      case "var":
        this.refs.set(e, this.resolve(e.name, s));
        return;
      case "lit":
        return;
      case "block":
        this.block(e, s, false);
        return;
      case "assign": {
        const r = this.resolve(e.target.name, s);
        if (r.kind === "var") {
          r.v.assigned = true;
        } else if (r.kind === "global") {
          throw this.sink.error(e.target,
            `No such field '${e.target.name}' in class ${this.className}: only arguments, temporaries and fields can be assigned (globals are set with system global:put:)`);
        } else if (r.kind !== "field") {
          throw this.sink.error(e.target, `Cannot assign to '${e.target.name}'`);
        }
        this.refs.set(e, r);
        this.expr(e.value, s);
        return;
      }
      case "send": {
        const inl = new Set(inlinedBlocks(e));
        const sub = (x: Expr): void => {
          if (x.kind === "block" && inl.has(x)) this.block(x, s, true);
          else this.expr(x, s);
        };
        sub(e.receiver);
        for (const a of e.args) sub(a);
        return;
      }
    }
  }

  /** Decide remote variables, create temp vectors, collect free variables. */
  private finish(): void {
    for (const s of this.scopes) {
      for (const v of s.vars) {
        if (v.captured && v.assigned) {
          v.remoteIndex = s.remote.length;
          s.remote.push(v);
        }
      }
      if (s.remote.length > 0) s.tempVector = this.variable(null, s, false);
    }
    const seen = new Map<Scope, Set<Variable>>();
    for (const { v, from } of this.uses) {
      const thing = isRemote(v) ? (v.scope.tempVector as Variable) : v;
      for (let t: Scope | null = from; t !== null && t !== thing.scope; t = t.parent) {
        if (t.kind !== "block") continue;
        let set = seen.get(t);
        if (set === undefined) {
          set = new Set();
          seen.set(t, set);
        }
        if (!set.has(thing)) {
          set.add(thing);
          t.freeVars.push(thing);
        }
      }
    }
  }
}

/**
 * Analyse one method.  `fields` are all fields visible on the method's side
 * (inherited first, slot order).  Throws CompileError for bad assignments.
 */
export function analyzeMethod(m: MethodAst, fields: readonly string[], ast: ClassAst, sink: ErrorSink): MethodScopes {
  return new Analyzer(fields, sink, m.classSide ? `${ast.name} class` : ast.name).analyze(m);
}
