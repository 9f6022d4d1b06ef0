// Code generation: AST + scope analysis -> method records of a class file.
//
// One FrameGen per emitted method record (a method, a real block, or the
// cold-path copy of an inlined block).  Frame layout (isa.ts "local i"):
//
//   +------+--------+-------------------------------------------+-------+
//   | args | copied | temps: declared, inlined-block temps,     | stack |
//   |      | values | temp vectors, loop counters/limits        |       |
//   +------+--------+-------------------------------------------+-------+
//    nArgs  nCopied   nTemps (high-water mark; slots of finished
//                     inlined scopes are reused)
//
// Instruction encoding, labels, stack depth, literals and the line table are
// the Emitter's (emitter.ts); this file decides what to emit.
//
// Invariants:
//  * A slot that may hold a stale value (reused slot, or inside an inlined
//    loop) is set to the real nil (push_real_nil) on entry of an inlined scope.
//  * Cold paths (non-Boolean receivers of inlined conditionals, non-number
//    receivers of inlined loops) are emitted after the method's last return
//    and jump back to the join point.
import {
  OP_DUP, OP_JUMP, OP_JUMP_IF_FALSE, OP_JUMP_IF_NOT_NIL, OP_JUMP_IF_NOT_NUMBER, OP_JUMP_IF_TRUE, OP_POP,
  OP_POP_STORE_FIELD, OP_POP_STORE_LOCAL, OP_POP_STORE_REMOTE, OP_PUSH_BLOCK, OP_PUSH_BLOCK_W, OP_PUSH_FALSE,
  OP_PUSH_FIELD, OP_PUSH_GLOBAL, OP_PUSH_GLOBAL_W, OP_PUSH_LITERAL, OP_PUSH_LITERAL_W, OP_PUSH_LOCAL,
  OP_PUSH_NEW_ARRAY, OP_PUSH_NIL, OP_PUSH_REAL_NIL, OP_PUSH_REMOTE, OP_PUSH_SELF, OP_PUSH_SMALLINT,
  OP_PUSH_TRUE, OP_RETURN_NONLOCAL, OP_RETURN_SELF, OP_RETURN_TOP, OP_SEND, OP_SEND_W, OP_SPECIAL_FIRST,
  OP_STORE_FIELD, OP_STORE_LOCAL, OP_STORE_REMOTE, OP_SUPER_SEND, OP_SUPER_SEND_W, OP_ADD, OP_SUB, OP_LE,
  OP_GE, OP_EQEQ, SPECIAL_NARGS, SPECIAL_SELECTORS,
} from "../../vm-as/isa.js";
import { C_FIXED_SLOTS, CF_VERSION } from "../../vm-as/layout.js";
import type { BlockExpr, ClassAst, Expr, Literal, MethodAst, SendExpr, Stmt } from "./ast.js";
import {
  ClassFileModel, LiteralModel, METHOD_FLAG_BLOCK, METHOD_FLAG_NONLOCAL, METHOD_KIND_BYTECODE,
  METHOD_KIND_PRIMITIVE, MethodModel,
} from "./classfile.js";
import { ErrorSink, SourcePos } from "./errors.js";
import { Emitter, type Label } from "./emitter.js";
import { inlineKind } from "./inline.js";
import { analyzeMethod, isRemote, MethodScopes, Resolution, Scope, Variable } from "./scope.js";

/** Superclass fields (all, inherited first, slot order). */
export interface SuperInfo {
  instanceFields: string[];
  classFields: string[];
}

// Implementation limits (operand sizes of isa.ts and the class-file format).
const MAX_LOCALS = 255;
const MAX_FIELD_SLOT = 255;

/** SmallInteger range of a 31-bit tagged oop: LIT_INT is used inside it. */
const SMALLINT_MIN = -(2n ** 30n);
const SMALLINT_MAX = 2n ** 30n - 1n;

/** Class-wide context shared by the frames of one class side. */
interface ClassCtx {
  ast: ClassAst;
  sink: ErrorSink;
  fields: readonly string[];
  /**
   * Largest field operand.  Field operands are 0-based among the fields of
   * the side; for class-side methods the linker adds C_FIXED_SLOTS (class
   * objects start with VM slots), so the class side has fewer.
   */
  maxField: number;
}

/** A variable that lives in a temp vector other than its scope's own: see ColdCapture. */
interface Override {
  idx: number;
  /** Pseudo variable holding the temp vector (a local or copied value of the frame). */
  tv: Variable;
}

/**
 * Variables a cold path shares by reference with the real closures it makes.
 * The outer variables that the inlined blocks assign (plain locals of this
 * frame) are packed into a fresh Array (`tv`, a hidden local) before the real
 * send, the closures use it as a temp vector, and the values are copied back
 * after the send.
 */
interface ColdCapture {
  vars: Variable[];
  index: Map<Variable, number>;
  tv: Variable | null;
}

const NO_CAPTURE: ColdCapture = { vars: [], index: new Map(), tv: null };

/** A deferred piece of cold code: placed at `label` with stack depth `depth`. */
interface ColdStub {
  label: Label;
  depth: number;
  emit: () => void;
}

/** Literal model of a source literal (integers: LIT_INT inside the SmallInteger range). */
export function literalModel(l: Literal): LiteralModel {
  switch (l.kind) {
    case "int":
      return l.value >= SMALLINT_MIN && l.value <= SMALLINT_MAX
        ? { kind: "int", value: Number(l.value) }
        : { kind: "bigint", value: l.value };
    case "double": return { kind: "double", value: l.value };
    case "string": return { kind: "string", value: l.value };
    case "symbol": return { kind: "symbol", value: l.value };
    case "array": return { kind: "array", elements: l.elements.map(literalModel) };
  }
}


/** [m]: a block answering its one copied value. */
const MARKER_BLOCK: MethodModel = {
  selector: "", kind: METHOD_KIND_BYTECODE, nArgs: 0, nCopied: 1, nTemps: 0, maxStack: 1,
  flags: METHOD_FLAG_BLOCK, code: new Uint8Array([OP_PUSH_LOCAL, 0, OP_RETURN_TOP]), literals: [], lines: [],
};

class FrameGen extends Emitter {
  private scratchSlots: number[] = [];
  private coldQueue: ColdStub[] = [];
  private slots = new Map<Variable, number>();
  private nextLocal = 0;
  private highWater = 0;
  private inLoop = 0;
  private nonlocal = false;
  private nArgs = 0;
  private nCopied = 0;

  constructor(
    private ctx: ClassCtx,
    private scopes: MethodScopes,
    private isBlock: boolean,
    /** Where limit errors of this frame are reported. */
    private pos: SourcePos,
    /** Outer variables reached through a cold path's temp vector (cold-path closures only). */
    private overrides: Map<Variable, Override> = new Map(),
  ) {
    super();
  }

  // ---- emitting ---------------------------------------------------------

  protected fail(pos: SourcePos, msg: string): never {
    throw this.ctx.sink.error(pos, msg);
  }

  /** Queue cold code entered at the returned label with stack depth `depth`. */
  private cold(depth: number, emit: () => void): Label {
    const label = this.newLabel();
    label.depth = depth;
    this.coldQueue.push({ label, depth, emit });
    return label;
  }

  // ---- locals -----------------------------------------------------------

  /** Allocate a local slot; answers [slot, mayHoldStaleValue]. */
  private alloc(pos: SourcePos): [number, boolean] {
    const s = this.nextLocal++;
    if (this.nextLocal > MAX_LOCALS) {
      this.fail(pos, `Too many arguments, copied values and temporaries in one method or block (limit ${MAX_LOCALS})`);
    }
    const stale = s < this.highWater;
    if (this.nextLocal > this.highWater) this.highWater = this.nextLocal;
    return [s, stale];
  }

  private slotOf(v: Variable): number {
    const s = this.slots.get(v);
    if (s === undefined) throw new Error(`compiler bug: no slot for variable '${v.name}'`);
    return s;
  }

  /** Declare the variables of the frame's own scope (args are slots 0..nArgs-1 already). */
  private enterRootScope(scope: Scope): void {
    for (const v of scope.vars) {
      if (!v.isParam && !isRemote(v)) this.slots.set(v, this.alloc(v.decl ?? this.pos)[0]);
    }
    this.makeTempVector(scope);
  }

  /** Create the scope's temp vector (if any) and move remote parameters into it. */
  private makeTempVector(scope: Scope): void {
    const tv = scope.tempVector;
    if (tv === null) return;
    if (!this.slots.has(tv)) this.slots.set(tv, this.alloc(this.pos)[0]);
    const tvSlot = this.slotOf(tv);
    if (scope.remote.length > 255) this.fail(this.pos, "Too many captured variables in one scope (limit 255)");
    this.emit(OP_PUSH_NEW_ARRAY, scope.remote.length);
    this.emit(OP_POP_STORE_LOCAL, tvSlot);
    for (const v of scope.remote) {
      if (v.isParam && this.slots.has(v)) {
        this.emit(OP_PUSH_LOCAL, this.slotOf(v));
        this.emit(OP_POP_STORE_REMOTE, v.remoteIndex, tvSlot);
      }
    }
  }

  /** Enter an inlined block's scope: fresh temps (nil) and a fresh temp vector.  Answers the mark to release. */
  private enterInlined(scope: Scope, bindParam?: (v: Variable) => void): number {
    const mark = this.nextLocal;
    for (const v of scope.vars) {
      if (v.isParam) continue;
      if (isRemote(v)) continue;
      const [slot, stale] = this.alloc(v.decl ?? this.pos);
      this.slots.set(v, slot);
      if ((stale || this.inLoop > 0) && !this.assignedBeforeUse(scope, v)) {
        this.emit(OP_PUSH_REAL_NIL);
        this.emit(OP_POP_STORE_LOCAL, slot);
      }
    }
    if (scope.tempVector !== null) {
      this.slots.set(scope.tempVector, this.alloc(this.pos)[0]);
      this.makeTempVectorOnly(scope);
    }
    for (const v of scope.vars) if (v.isParam && bindParam !== undefined) bindParam(v);
    return mark;
  }

  /**
   * True when no statement of the scope's block reads `v` before one assigns
   * it: the first statement mentioning v is `v := e` (possibly in a chain
   * `a := v := e`) with e not mentioning v, or no statement mentions v.
   * Then the nil initialisation on entry is unobservable.
   */
  private assignedBeforeUse(scope: Scope, v: Variable): boolean {
    const body = scope.block?.body ?? [];
    for (const st of body) {
      if (!this.mentions(st.expr, v)) continue;
      if (st.kind !== "expr") return false;
      let e: Expr = st.expr;
      let target = false;
      while (e.kind === "assign") {
        const r = this.scopes.refs.get(e);
        if (r !== undefined && r.kind === "var" && r.v === v) target = true;
        e = e.value;
      }
      return target && !this.mentions(e, v);
    }
    return true;
  }

  private mentions(e: Expr, v: Variable): boolean {
    switch (e.kind) {
      case "var": {
        const r = this.scopes.refs.get(e);
        return r !== undefined && r.kind === "var" && r.v === v;
      }
      case "lit":
        return false;
      case "assign": {
        const r = this.scopes.refs.get(e);
        return (r !== undefined && r.kind === "var" && r.v === v) || this.mentions(e.value, v);
      }
      case "block":
        return e.body.some((st) => this.mentions(st.expr, v));
      case "send":
        return this.mentions(e.receiver, v) || e.args.some((a) => this.mentions(a, v));
    }
  }

  private makeTempVectorOnly(scope: Scope): void {
    const tvSlot = this.slotOf(scope.tempVector as Variable);
    this.emit(OP_PUSH_NEW_ARRAY, scope.remote.length);
    this.emit(OP_POP_STORE_LOCAL, tvSlot);
  }

  private leaveInlined(mark: number): void {
    this.nextLocal = mark;
  }

  // ---- variables --------------------------------------------------------

  private pushVar(v: Variable): void {
    const o = this.overrides.get(v);
    if (o !== undefined) {
      this.emit(OP_PUSH_REMOTE, o.idx, this.slotOf(o.tv));
    } else if (isRemote(v)) {
      this.emit(OP_PUSH_REMOTE, v.remoteIndex, this.slotOf(v.scope.tempVector as Variable));
    } else {
      this.emit(OP_PUSH_LOCAL, this.slotOf(v));
    }
  }

  private fieldSlot(index: number, pos: SourcePos): number {
    if (index > this.ctx.maxField) this.fail(pos, `Too many fields: field ${index + 1} exceeds the limit of ${this.ctx.maxField + 1} on this side`);
    return index;
  }

  private pushResolution(r: Resolution, pos: SourcePos): void {
    switch (r.kind) {
      case "self":
      case "super":
        this.emit(OP_PUSH_SELF);
        return;
      case "nil": this.emit(OP_PUSH_NIL); return;
      case "true": this.emit(OP_PUSH_TRUE); return;
      case "false": this.emit(OP_PUSH_FALSE); return;
      case "field": this.emit(OP_PUSH_FIELD, this.fieldSlot(r.index, pos)); return;
      case "global": {
        const lit = this.symbol(r.name, pos);
        if (lit > 255) this.emit(OP_PUSH_GLOBAL_W, lit);
        else this.emit(OP_PUSH_GLOBAL, lit);
        return;
      }
      case "var":
        this.pushVar(r.v);
        return;
    }
  }

  private store(r: Resolution, keep: boolean, pos: SourcePos): void {
    if (r.kind === "field") {
      this.emit(keep ? OP_STORE_FIELD : OP_POP_STORE_FIELD, this.fieldSlot(r.index, pos));
    } else if (r.kind === "var") {
      const v = r.v;
      const o = this.overrides.get(v);
      if (o !== undefined) {
        this.emit(keep ? OP_STORE_REMOTE : OP_POP_STORE_REMOTE, o.idx, this.slotOf(o.tv));
      } else if (isRemote(v)) {
        this.emit(keep ? OP_STORE_REMOTE : OP_POP_STORE_REMOTE, v.remoteIndex, this.slotOf(v.scope.tempVector as Variable));
      } else {
        this.emit(keep ? OP_STORE_LOCAL : OP_POP_STORE_LOCAL, this.slotOf(v));
      }
    } else {
      throw new Error(`compiler bug: store to ${r.kind}`);
    }
  }

  private pushLiteral(l: Literal, pos: SourcePos): void {
    if (l.kind === "int" && l.value >= -128n && l.value <= 127n) {
      this.emit(OP_PUSH_SMALLINT, Number(l.value));
      return;
    }
    const lit = this.literal(literalModel(l), pos);
    if (lit > 255) this.emit(OP_PUSH_LITERAL_W, lit);
    else this.emit(OP_PUSH_LITERAL, lit);
  }

  // ---- frames -----------------------------------------------------------

  compileMethod(m: MethodAst): MethodModel {
    this.nArgs = m.params.length;
    if (this.nArgs > MAX_LOCALS) this.fail(m.pos, `Too many arguments (limit ${MAX_LOCALS})`);
    const scope = this.scopes.method;
    scope.vars.forEach((v, i) => {
      if (v.isParam) this.slots.set(v, i);
    });
    this.nextLocal = this.highWater = this.nArgs;
    this.enterRootScope(scope);
    const returned = this.body(m.body, false);
    if (!returned) this.emit(OP_RETURN_SELF);
    return this.finish(m.selector, 0);
  }

  /** Compile a block literal as a real block method (also the cold copy of an inlined block). */
  compileBlock(b: BlockExpr, scope: Scope, copied: Variable[]): MethodModel {
    this.nArgs = b.params.length;
    this.nCopied = copied.length;
    scope.vars.forEach((v, i) => {
      if (v.isParam) this.slots.set(v, i);
    });
    copied.forEach((v, i) => this.slots.set(v, this.nArgs + i));
    this.nextLocal = this.highWater = this.nArgs + this.nCopied;
    if (this.nextLocal > MAX_LOCALS) this.fail(b.pos, `Too many copied values in one block (limit ${MAX_LOCALS})`);
    this.enterRootScope(scope);
    const returned = this.body(b.body, true);
    if (!returned) this.emit(OP_RETURN_TOP);
    return this.finish("", METHOD_FLAG_BLOCK);
  }

  private finish(selector: string, flags: number): MethodModel {
    // Cold code runs while no inlined scope of the hot code it left is being
    // entered, and a frame runs one cold path at a time: slots above the hot
    // code's high-water mark are free scratch for it.
    this.nextLocal = this.highWater;
    while (this.coldQueue.length > 0) {
      const stub = this.coldQueue.shift() as ColdStub;
      this.depth = stub.depth;
      this.place(stub.label);
      stub.emit();
    }
    this.patchJumps(this.pos);
    if (this.maxDepth > 0xffff) this.fail(this.pos, "The method needs too deep an operand stack");
    return {
      selector,
      kind: METHOD_KIND_BYTECODE,
      nArgs: this.nArgs,
      nCopied: this.nCopied,
      nTemps: this.highWater - this.nArgs - this.nCopied,
      maxStack: this.maxDepth,
      flags: flags | (this.nonlocal ? METHOD_FLAG_NONLOCAL : 0),
      code: new Uint8Array(this.code),
      literals: this.literals,
      lines: this.lines,
    };
  }

  /**
   * Compile statements.  With `value`, the last statement's value (or the real
   * nil for an empty body) is left on the stack.  Answers whether the last
   * statement is a return (then nothing after it is reachable; the stack depth
   * is booked as if the value had been left).
   */
  private body(stmts: Stmt[], value: boolean): boolean {
    if (stmts.length === 0) {
      if (value) this.emit(OP_PUSH_REAL_NIL);
      return false;
    }
    for (let i = 0; i < stmts.length; i++) {
      const st = stmts[i];
      const last = i === stmts.length - 1;
      this.markLine(st.pos);
      if (st.kind === "return") {
        if (!this.isBlock && this.isSelf(st.expr)) {
          this.emit(OP_RETURN_SELF); // ^self in a method
          if (value) this.adjust(1);
          return true;
        }
        this.expr(st.expr, true);
        if (this.isBlock) {
          this.emit(OP_RETURN_NONLOCAL);
          this.nonlocal = true;
        } else {
          this.emit(OP_RETURN_TOP);
        }
        if (value) this.adjust(1);
        return true;
      }
      this.expr(st.expr, last && value);
    }
    return false;
  }

  // ---- expressions ------------------------------------------------------

  private isSelf(e: Expr): boolean {
    if (e.kind !== "var") return false;
    const r = this.scopes.refs.get(e);
    return r !== undefined && (r.kind === "self" || r.kind === "super");
  }

  private expr(e: Expr, value: boolean): void {
    switch (e.kind) {
      case "var": {
        const r = this.scopes.refs.get(e);
        if (r === undefined) throw new Error(`compiler bug: unresolved '${e.name}'`);
        if (!value && r.kind !== "global") return; // reading a variable has no effect
        this.pushResolution(r, e.pos);
        if (!value) this.emit(OP_POP);
        return;
      }
      case "lit":
        if (value) this.pushLiteral(e.value, e.pos);
        return;
      case "block":
        if (value) this.pushBlock(e);
        return;
      case "assign": {
        const r = this.scopes.refs.get(e);
        if (r === undefined) throw new Error("compiler bug: unresolved assignment");
        this.expr(e.value, true);
        this.store(r, value, e.target);
        return;
      }
      case "send":
        this.send(e, value);
        return;
    }
  }

  /**
   * Push a closure for block `b` (its scope compiled as a real block).  Its
   * copied values are its free variables, except that variables living in a
   * cold-path temp vector (this frame's overrides, or `cap`) are reached
   * through that vector, which is copied instead.
   */
  private pushBlock(b: BlockExpr, cap: ColdCapture = NO_CAPTURE): void {
    const scope = this.scopes.blocks.get(b);
    if (scope === undefined) throw new Error("compiler bug: block without scope");
    const childOverrides = new Map<Variable, Override>();
    const copied: Variable[] = [];
    const copy = (t: Variable): void => {
      if (!copied.includes(t)) copied.push(t);
    };
    for (const t of scope.freeVars) {
      const o = this.overrides.get(t);
      const ci = cap.index.get(t);
      if (o !== undefined) {
        childOverrides.set(t, o);
        copy(o.tv);
      } else if (ci !== undefined && cap.tv !== null) {
        childOverrides.set(t, { idx: ci, tv: cap.tv });
        copy(cap.tv);
      } else {
        copy(t);
      }
    }
    const gen = new FrameGen(this.ctx, this.scopes, true, b.pos, childOverrides);
    const m = gen.compileBlock(b, scope, copied);
    if (m.flags & METHOD_FLAG_NONLOCAL) this.nonlocal = true;
    for (const v of copied) this.emit(OP_PUSH_LOCAL, this.slotOf(v));
    const lit = this.literal({ kind: "block", method: m }, b.pos);
    if (lit > 255) this.emit(OP_PUSH_BLOCK_W, lit, copied.length);
    else this.emit(OP_PUSH_BLOCK, lit, copied.length);
  }

  /**
   * The ColdCapture of a construct whose cold path turns `blocks` into real
   * closures: the outer variables those blocks assign that are plain locals
   * of this frame.
   */
  private coldCapture(blocks: Expr[]): ColdCapture {
    const vars: Variable[] = [];
    for (const b of blocks) {
      if (b.kind !== "block") continue;
      const scope = this.scopes.blocks.get(b);
      if (scope === undefined) continue;
      const free = new Set(scope.freeVars);
      const visit = (e: Expr): void => {
        switch (e.kind) {
          case "assign": {
            const r = this.scopes.refs.get(e);
            if (r !== undefined && r.kind === "var") {
              const v = r.v;
              if (free.has(v) && !isRemote(v) && !this.overrides.has(v) && !vars.includes(v)) vars.push(v);
            }
            visit(e.value);
            return;
          }
          case "block":
            for (const st of e.body) visit(st.expr);
            return;
          case "send":
            visit(e.receiver);
            for (const a of e.args) visit(a);
            return;
          default:
            return;
        }
      };
      for (const st of b.body) visit(st.expr);
    }
    if (vars.length === 0) return NO_CAPTURE;
    if (vars.length > 255) this.fail(this.pos, "Too many variables assigned in inlined blocks of one construct (limit 255)");
    // its slot is a scratch slot of the cold code (see packCapture)
    const tv: Variable = { name: "<cold>", decl: null, scope: this.scopes.method, isParam: false, captured: false, assigned: false, remoteIndex: -1 };
    return { vars, index: new Map(vars.map((v, i) => [v, i])), tv };
  }

  /** Cold path, before the real send: pack the captured variables into the temp vector. */
  private packCapture(cap: ColdCapture): void {
    if (cap.tv === null) return;
    const tvSlot = this.scratch(2);
    this.slots.set(cap.tv, tvSlot);
    this.emit(OP_PUSH_NEW_ARRAY, cap.vars.length);
    this.emit(OP_POP_STORE_LOCAL, tvSlot);
    cap.vars.forEach((v, i) => {
      this.pushVar(v);
      this.emit(OP_POP_STORE_REMOTE, i, tvSlot);
    });
  }

  /** Cold path, after the real send (result on top): copy the variables back. */
  private unpackCapture(cap: ColdCapture): void {
    if (cap.tv === null) return;
    const tvSlot = this.slotOf(cap.tv);
    cap.vars.forEach((v, i) => {
      this.emit(OP_PUSH_REMOTE, i, tvSlot);
      this.store({ kind: "var", v }, false, this.pos);
    });
  }

  /**
   * Scratch slot `i` for cold code, allocated above the hot code's slots at
   * finish time.  0, 1: while-loop marker and answer; 2: cold-capture vector.
   */
  private scratch(i: number): number {
    while (this.scratchSlots.length <= i) this.scratchSlots.push(this.alloc(this.pos)[0]);
    return this.scratchSlots[i];
  }

  /** Push `[m]` with m copied from the top of the stack (the marker of a while cold path). */
  private pushMarkerBlock(pos: SourcePos): void {
    const key = "marker-block";
    let lit = this.litKeys.get(key);
    if (lit === undefined) {
      lit = this.literal({ kind: "block", method: MARKER_BLOCK }, pos);
      this.litKeys.set(key, lit);
    }
    if (lit > 255) this.emit(OP_PUSH_BLOCK_W, lit, 1);
    else this.emit(OP_PUSH_BLOCK, lit, 1);
  }

  /** The send instruction itself (receiver and arguments already pushed). */
  private sendOp(selector: string, nArgs: number, isSuper: boolean, pos: SourcePos): void {
    this.markLine(pos);
    if (!isSuper) {
      const sp = SPECIAL_SELECTORS.indexOf(selector);
      if (sp >= 0 && SPECIAL_NARGS[sp] === nArgs) {
        this.emit(OP_SPECIAL_FIRST + sp);
        return;
      }
    }
    const lit = this.symbol(selector, pos);
    if (lit > 255) this.emit(isSuper ? OP_SUPER_SEND_W : OP_SEND_W, lit, nArgs);
    else this.emit(isSuper ? OP_SUPER_SEND : OP_SEND, lit, nArgs);
  }

  private send(s: SendExpr, value: boolean): void {
    const k = inlineKind(s);
    if (k !== null) {
      this.inline(k, s, value);
      return;
    }
    if (s.args.length > 255) this.fail(s.pos, "Too many arguments in one message (limit 255)");
    if (s.isSuper) this.emit(OP_PUSH_SELF);
    else this.expr(s.receiver, true);
    for (const a of s.args) this.expr(a, true);
    this.sendOp(s.selector, s.args.length, s.isSuper, s.pos);
    if (!value) this.emit(OP_POP);
  }

  // ---- inlined control structures (spec 3.13) ----------------------------

  /** Compile an inlined block's body in this frame. */
  private inlineBody(b: Expr, value: boolean, bindParam?: (v: Variable) => void): void {
    const blk = b as BlockExpr;
    const scope = this.scopes.blocks.get(blk);
    if (scope === undefined) throw new Error("compiler bug: inlined block without scope");
    const mark = this.enterInlined(scope, bindParam);
    this.body(blk.body, value);
    this.leaveInlined(mark);
  }

  /**
   * Evaluate `e` as a test: jump to `target` when its value is `when`
   * (true/false), fall through on the other Boolean, and go to `alt` with the
   * value on the stack when it is not a Boolean.  Net stack effect 0.
   *
   * Inlined and:/or: (also &&, ||) whose block is a single expression are
   * compiled as jumps instead of materialising true/false:
   *   a and: [b]   ->  test a (false: the and: is false) ; test b
   * A non-Boolean `a` goes to a cold path that performs the real and:/or:
   * send and tests its result like the hot path would.
   */
  private jumpOn(e: Expr, when: boolean, target: Label, alt: Label): void {
    const k = e.kind === "send" ? inlineKind(e) : null;
    if (e.kind === "send" && (k === "and" || k === "or")) {
      const blk = e.args[0] as BlockExpr;
      if (blk.temps.length === 0 && blk.body.length === 1 && blk.body[0].kind === "expr") {
        const isAnd = k === "and";
        const d = this.depth;
        const fall = this.newLabel();
        const mark = this.nextLocal;
        const cap = this.coldCapture([blk]);
        const altA = this.cold(d + 1, () => {
          this.packCapture(cap);
          this.pushBlock(blk, cap);
          this.sendOp(e.selector, 1, false, e.pos);
          this.unpackCapture(cap);
          this.condJump(when ? OP_JUMP_IF_TRUE : OP_JUMP_IF_FALSE, target, alt);
          this.jump(OP_JUMP, fall);
        });
        // and: a false decides (value false); or: a true decides (value true)
        const decided = isAnd ? false : true;
        this.jumpOn(e.receiver, decided, decided === when ? target : fall, altA);
        this.markLine(blk.body[0].pos);
        this.jumpOn(blk.body[0].expr, when, target, alt);
        this.place(fall);
        this.nextLocal = mark;
        return;
      }
    }
    this.expr(e, true);
    this.condJump(when ? OP_JUMP_IF_TRUE : OP_JUMP_IF_FALSE, target, alt);
  }

  /** The condition block of an inlined loop, tested with jumpOn (its last statement). */
  private inlineCondition(b: BlockExpr, when: boolean, target: Label, alt: Label): void {
    const scope = this.scopes.blocks.get(b);
    if (scope === undefined) throw new Error("compiler bug: inlined block without scope");
    const mark = this.enterInlined(scope);
    const stmts = b.body;
    const last = stmts[stmts.length - 1];
    if (last === undefined || last.kind === "return") {
      this.body(stmts, true);
      this.condJump(when ? OP_JUMP_IF_TRUE : OP_JUMP_IF_FALSE, target, alt);
    } else {
      for (let i = 0; i < stmts.length - 1; i++) {
        this.markLine(stmts[i].pos);
        this.expr(stmts[i].expr, false);
      }
      this.markLine(last.pos);
      this.jumpOn(last.expr, when, target, alt);
    }
    this.leaveInlined(mark);
  }

  /**
   * Cold path of an inlined send whose receiver is already on the stack
   * (depth `depth`): push the remaining arguments as real objects (blocks as
   * real closures), perform the real send, continue at `end`.
   */
  private coldSend(s: SendExpr, depth: number, value: boolean, end: Label, pushArgs: () => void, cap: ColdCapture): Label {
    return this.cold(depth, () => {
      this.packCapture(cap);
      pushArgs();
      this.sendOp(s.selector, s.args.length, false, s.pos);
      this.unpackCapture(cap);
      if (!value) this.emit(OP_POP);
      this.jump(OP_JUMP, end);
    });
  }

  /** Cold-path arguments: every argument is a block literal of an inlined construct. */
  private pushArgsAsObjects(s: SendExpr, cap: ColdCapture): () => void {
    return () => {
      for (const a of s.args) {
        if (a.kind === "block") this.pushBlock(a, cap);
        else this.expr(a, true);
      }
    };
  }

  private inline(k: NonNullable<ReturnType<typeof inlineKind>>, s: SendExpr, value: boolean): void {
    const mark = this.nextLocal; // hidden slots of the construct are released after it
    this.inlineConstruct(k, s, value);
    this.nextLocal = mark;
  }

  private inlineConstruct(k: NonNullable<ReturnType<typeof inlineKind>>, s: SendExpr, value: boolean): void {
    const a = s.args;
    switch (k) {
      case "ifTrue":
      case "ifFalse": {
        // rcvr; jump_if_false Lskip, Lcold; <block>; [jump Lend; Lskip: push_real_nil]; Lend:
        const d = this.depth + 1; // with the receiver's value
        const end = this.newLabel();
        const skip = value ? this.newLabel() : end;
        const cap = this.coldCapture(a);
        const coldL = this.coldSend(s, d, value, end, this.pushArgsAsObjects(s, cap), cap);
        this.jumpOn(s.receiver, k !== "ifTrue", skip, coldL);
        this.inlineBody(a[0], value);
        if (value) {
          this.jump(OP_JUMP, end);
          this.place(skip);
          this.emit(OP_PUSH_REAL_NIL);
        }
        this.place(end);
        return;
      }
      case "ifTrueIfFalse":
      case "ifFalseIfTrue": {
        const d = this.depth + 1;
        const end = this.newLabel();
        const other = this.newLabel();
        const cap = this.coldCapture(a);
        const coldL = this.coldSend(s, d, value, end, this.pushArgsAsObjects(s, cap), cap);
        this.jumpOn(s.receiver, k !== "ifTrueIfFalse", other, coldL);
        this.inlineBody(a[0], value);
        this.jump(OP_JUMP, end);
        this.place(other);
        this.inlineBody(a[1], value);
        this.place(end);
        return;
      }
      case "and":
      case "or": {
        // and: rcvr; jump_if_false Lshort, Lcold; <block>; jump Lend; Lshort: push_false; Lend:
        // (push_false/push_true: what the library's False>>and: / True>>or: answer)
        this.expr(s.receiver, true);
        const d = this.depth;
        const end = this.newLabel();
        const short = value ? this.newLabel() : end;
        const cap = this.coldCapture(a);
        const coldL = this.coldSend(s, d, value, end, this.pushArgsAsObjects(s, cap), cap);
        this.condJump(k === "and" ? OP_JUMP_IF_FALSE : OP_JUMP_IF_TRUE, short, coldL);
        this.inlineBody(a[0], value);
        if (value) {
          this.jump(OP_JUMP, end);
          this.place(short);
          this.emit(k === "and" ? OP_PUSH_FALSE : OP_PUSH_TRUE);
        }
        this.place(end);
        return;
      }
      case "ifNil":
      case "ifNotNil":
      case "ifNilIfNotNil":
      case "ifNotNilIfNil": {
        // Only the nil receiver is handled inline: any other object gets the
        // real send, so a class that overrides ifNil: & co. is honoured.
        //   rcvr; dup; jump_if_not_nil Lsend; pop; <nil block>; Lend:
        //   (ifNotNil: alone: the nil receiver is the answer)
        //   Lsend: [rcvr] <real blocks>; send; jump Lend
        this.expr(s.receiver, true);
        const d = this.depth;
        const end = this.newLabel();
        const cap = this.coldCapture(a);
        const sendL = this.coldSend(s, d, value, end, this.pushArgsAsObjects(s, cap), cap);
        this.emit(OP_DUP);
        this.jump(OP_JUMP_IF_NOT_NIL, sendL);
        if (k === "ifNotNil") {
          if (!value) this.emit(OP_POP); // the answer is the nil receiver
        } else {
          this.emit(OP_POP);
          this.inlineBody(k === "ifNotNilIfNil" ? a[1] : a[0], value);
        }
        this.place(end);
        return;
      }
      case "whileTrue":
      case "whileFalse":
        this.inlineWhile(k === "whileTrue", s, value);
        return;
      case "toDo":
      case "downToDo":
      case "toByDo":
      case "downToByDo":
        this.inlineToDo(k, s, value);
        return;
      case "timesRepeat":
        this.inlineTimesRepeat(s, value);
        return;
    }
  }

  /**
   * Loops are rotated: the condition sits at the bottom, so an iteration
   * costs one conditional jump and no unconditional one.
   *
   * [c] whileTrue: [b]
   *         jump Lcond
   *   Lbody: <b>
   *   Lcond: <c>; jump_if_true Lbody, Lcold
   *   Lexit: [push_real_nil]
   *   Lcold: v ifFalse: [marker] (real send, as Block>>whileTrue: does with
   *          [^nil]: a non-Boolean gets doesNotUnderstand:); if the answer is
   *          the marker (the block ran) jump Lexit, else jump Lbody
   * [c] whileFalse: [b]     (Block>>whileFalse: is [self value not] whileTrue: b)
   *   ...    <c>; jump_if_false Lbody, Lcold
   *   Lcold: v not; jump_if_true Lbody, Lcold2; jump Lexit
   *   Lcold2: w ifFalse: [marker] as above
   */
  private inlineWhile(whileTrue: boolean, s: SendExpr, value: boolean): void {
    const cond = this.newLabel();
    const exit = this.newLabel();
    const bodyL = this.newLabel();
    const d = this.depth;
    // v ifFalse: [marker]: the answer is the marker when the block was
    // evaluated (the library's [^nil] ends the loop), else the body runs.
    const ifFalseCold = (): Label => this.cold(d + 1, () => {
      const marker = this.scratch(0);
      const answer = this.scratch(1);
      this.emit(OP_PUSH_NEW_ARRAY, 0);
      this.emit(OP_POP_STORE_LOCAL, marker);
      this.emit(OP_PUSH_LOCAL, marker);
      this.pushMarkerBlock(s.pos);
      this.sendOp("ifFalse:", 1, false, s.pos);
      this.emit(OP_POP_STORE_LOCAL, answer);
      this.emit(OP_PUSH_LOCAL, marker);
      this.emit(OP_PUSH_LOCAL, answer);
      this.emit(OP_EQEQ); // marker == answer: identity (the marker is an Array)
      const notBool = this.cold(d + 1, () => {
        this.emit(OP_POP);
        this.jump(OP_JUMP, exit);
      });
      this.condJump(OP_JUMP_IF_TRUE, exit, notBool);
      this.jump(OP_JUMP, bodyL);
    });
    let coldL: Label;
    if (whileTrue) {
      coldL = ifFalseCold();
    } else {
      coldL = this.cold(d + 1, () => {
        this.sendOp("not", 0, false, s.pos);
        this.condJump(OP_JUMP_IF_TRUE, bodyL, ifFalseCold());
        this.jump(OP_JUMP, exit);
      });
    }
    this.inLoop++;
    this.jump(OP_JUMP, cond);
    this.place(bodyL);
    this.inlineBody(s.args[0], false);
    this.place(cond);
    this.inlineCondition(s.receiver as BlockExpr, whileTrue, bodyL, coldL);
    this.inLoop--;
    this.place(exit);
    if (value) this.emit(OP_PUSH_REAL_NIL);
  }

  /**
   * rcvr to: limit [by: step] do: [:i | body]      (downTo: uses >= and -)
   *   <rcvr> <limit> pop_store limitT; jump_if_not_number Lcold; [dup]; pop_store counter
   *          jump Lcond
   *   Lbody: bind i (fresh per iteration); <body>; counter step send_add; pop_store counter
   *   Lcond: counter limitT send_le; jump_if_true Lbody, LnotBool
   *   Lexit:                                  (receiver left on the stack if value needed)
   *   Lcold: [rcvr] limitT [step] <real block>; send to:do:; jump Lexit
   */
  private inlineToDo(k: "toDo" | "downToDo" | "toByDo" | "downToByDo", s: SendExpr, value: boolean): void {
    const down = k === "downToDo" || k === "downToByDo";
    const hasStep = k === "toByDo" || k === "downToByDo";
    const blockArg = s.args[s.args.length - 1] as BlockExpr;
    const stepLit: Literal = hasStep ? (s.args[1] as { value: Literal }).value : { kind: "int", value: 1n };
    const mark = this.nextLocal;
    const limitT = this.alloc(s.pos)[0];
    const counter = this.alloc(s.pos)[0];
    this.expr(s.receiver, true);
    this.expr(s.args[0], true);
    this.emit(OP_POP_STORE_LOCAL, limitT);
    const d = this.depth; // receiver on the stack
    const exit = this.newLabel();
    const cap = this.coldCapture([blockArg]);
    const coldL = this.cold(d, () => {
      this.packCapture(cap);
      this.emit(OP_PUSH_LOCAL, limitT);
      if (hasStep) this.pushLiteral(stepLit, s.pos);
      this.pushBlock(blockArg, cap);
      this.sendOp(s.selector, s.args.length, false, s.pos);
      this.unpackCapture(cap);
      if (!value) this.emit(OP_POP);
      this.jump(OP_JUMP, exit);
    });
    this.jump(OP_JUMP_IF_NOT_NUMBER, coldL);
    if (hasStep) this.rejectDouble(coldL);
    if (value) this.emit(OP_DUP);
    this.emit(OP_POP_STORE_LOCAL, counter);
    const cond = this.newLabel();
    const bodyL = this.newLabel();
    const notBool = this.cold(value ? d + 1 : d, () => {
      this.emit(OP_POP);
      this.jump(OP_JUMP, exit);
    });
    this.inLoop++;
    this.jump(OP_JUMP, cond);
    this.place(bodyL);
    this.inlineBody(blockArg, false, (v) => {
      if (isRemote(v)) {
        this.emit(OP_PUSH_LOCAL, counter);
        this.emit(OP_POP_STORE_REMOTE, v.remoteIndex, this.slotOf(v.scope.tempVector as Variable));
      } else if (v.assigned) {
        const slot = this.alloc(v.decl ?? s.pos)[0];
        this.slots.set(v, slot);
        this.emit(OP_PUSH_LOCAL, counter);
        this.emit(OP_POP_STORE_LOCAL, slot);
      } else {
        this.slots.set(v, counter); // never assigned: the counter is the binding
      }
    });
    this.emit(OP_PUSH_LOCAL, counter);
    this.pushLiteral(stepLit, s.pos);
    this.emit(down ? OP_SUB : OP_ADD);
    this.emit(OP_POP_STORE_LOCAL, counter);
    this.place(cond);
    this.emit(OP_PUSH_LOCAL, counter);
    this.emit(OP_PUSH_LOCAL, limitT);
    this.markLine(s.pos);
    this.emit(down ? OP_GE : OP_LE);
    this.condJump(OP_JUMP_IF_TRUE, bodyL, notBool);
    this.inLoop--;
    this.place(exit);
    this.nextLocal = mark;
  }

  /**
   * The receiver (on the stack, known to be a number) goes to `coldL` when it
   * is a Double: Double defines to:do: and downTo:do: but not timesRepeat:,
   * to:by:do:, downTo:by:do:, so those must answer doesNotUnderstand:.
   *   dup; send #class; push_global #Double; send_eqeq; jump_if_true Lcold, Lpop
   */
  private rejectDouble(coldL: Label): void {
    const d = this.depth;
    const pop = this.cold(d + 1, () => {
      this.emit(OP_POP);
      this.jump(OP_JUMP, coldL);
    });
    this.emit(OP_DUP);
    this.sendOp("class", 0, false, this.pos);
    this.pushResolution({ kind: "global", name: "Double" }, this.pos);
    this.emit(OP_EQEQ);
    this.condJump(OP_JUMP_IF_TRUE, coldL, pop);
  }

  /**
   * n timesRepeat: [b]   (Integer>>timesRepeat: is 1 to: self do: [...])
   *   <n>; jump_if_not_number Lcold; [dup]; pop_store limitT; 1; pop_store counter; loop as to:do:
   */
  private inlineTimesRepeat(s: SendExpr, value: boolean): void {
    const mark = this.nextLocal;
    const limitT = this.alloc(s.pos)[0];
    const counter = this.alloc(s.pos)[0];
    this.expr(s.receiver, true);
    const d = this.depth;
    const exit = this.newLabel();
    const cap = this.coldCapture(s.args);
    const coldL = this.coldSend(s, d, value, exit, this.pushArgsAsObjects(s, cap), cap);
    this.jump(OP_JUMP_IF_NOT_NUMBER, coldL);
    this.rejectDouble(coldL);
    if (value) this.emit(OP_DUP);
    this.emit(OP_POP_STORE_LOCAL, limitT);
    this.emit(OP_PUSH_SMALLINT, 1);
    this.emit(OP_POP_STORE_LOCAL, counter);
    const cond = this.newLabel();
    const bodyL = this.newLabel();
    const notBool = this.cold(value ? d + 1 : d, () => {
      this.emit(OP_POP);
      this.jump(OP_JUMP, exit);
    });
    this.inLoop++;
    this.jump(OP_JUMP, cond);
    this.place(bodyL);
    this.inlineBody(s.args[0], false);
    this.emit(OP_PUSH_LOCAL, counter);
    this.emit(OP_PUSH_SMALLINT, 1);
    this.emit(OP_ADD);
    this.emit(OP_POP_STORE_LOCAL, counter);
    this.place(cond);
    this.emit(OP_PUSH_LOCAL, counter);
    this.emit(OP_PUSH_LOCAL, limitT);
    this.markLine(s.pos);
    this.emit(OP_LE);
    this.condJump(OP_JUMP_IF_TRUE, bodyL, notBool);
    this.inLoop--;
    this.place(exit);
    this.nextLocal = mark;
  }
}

function compileSide(ctx: ClassCtx, methods: MethodAst[]): MethodModel[] {
  return methods.map((m) => {
    if (m.primitive) {
      return {
        selector: m.selector, kind: METHOD_KIND_PRIMITIVE, nArgs: m.params.length, nCopied: 0, nTemps: 0,
        maxStack: 0, flags: 0, code: new Uint8Array(0), literals: [], lines: [],
      };
    }
    try {
      const scopes = analyzeMethod(m, ctx.fields, ctx.ast, ctx.sink);
      return new FrameGen(ctx, scopes, false, m.pos).compileMethod(m);
    } catch (e) {
      // a pathologically deep expression (e.g. thousands of chained binary sends)
      if (e instanceof RangeError) throw ctx.sink.error(m.pos, `Method '${m.selector}' is too complex to compile (expression nesting too deep)`);
      throw e;
    }
  });
}

/** Check fields against the superclass and compile every method. */
export function generateClassModel(ast: ClassAst, sup: SuperInfo | null): ClassFileModel {
  const sink = new ErrorSink(ast.path, ast.source);
  const superInstance = sup?.instanceFields ?? [];
  const superClass = sup?.classFields ?? [];
  for (const [own, inherited] of [[ast.instanceFields, superInstance], [ast.classFields, superClass]] as const) {
    for (const f of own) {
      if (inherited.includes(f.name)) throw sink.error(f, `Field '${f.name}' is already defined in a superclass.`);
    }
  }
  const instanceCtx: ClassCtx = {
    ast, sink, fields: [...superInstance, ...ast.instanceFields.map((f) => f.name)], maxField: MAX_FIELD_SLOT,
  };
  const classCtx: ClassCtx = {
    ast, sink, fields: [...superClass, ...ast.classFields.map((f) => f.name)], maxField: MAX_FIELD_SLOT - C_FIXED_SLOTS,
  };
  return {
    version: CF_VERSION,
    flags: 0,
    className: ast.name,
    superName: ast.superIsNil ? "nil" : (ast.superName ?? "Object"),
    sourcePath: ast.path,
    instanceFields: ast.instanceFields.map((f) => f.name),
    classFields: ast.classFields.map((f) => f.name),
    instanceMethods: compileSide(instanceCtx, ast.instanceMethods),
    classMethods: compileSide(classCtx, ast.classMethods),
  };
}
