// SOM parser (spec section 2): recursive descent over the token list,
// producing a ClassAst.  Checks the syntactic static rules of 2.6 that need
// no knowledge of the superclass: duplicate names in one scope, duplicate
// fields in one list, duplicate selectors on one side, return not last,
// empty statements, literal array contents, blocks with more than two
// parameters, class name = file name, nothing after the closing paren.
import { basename } from "node:path";
import type { BlockExpr, ClassAst, Decl, Expr, Literal, MethodAst, Stmt } from "./ast.js";
import { ErrorSink, SourcePos } from "./errors.js";
import { describeToken, Token, TokenKind, tokenize } from "./lexer.js";

/** Names with a fixed meaning that cannot be declared as variables. */
const RESERVED = new Set(["self", "super", "nil", "true", "false"]);

/** Maximum block parameters (classes Block1..Block3 exist). */
export const MAX_BLOCK_PARAMS = 2;

function posOf(t: Token): SourcePos {
  return { line: t.line, col: t.col };
}

/** Maximum nesting of parentheses, blocks and literal arrays (keeps recursion bounded). */
export const MAX_NESTING = 256;

class Parser {
  private tokens: Token[];
  private p = 0;
  private nesting = 0;

  constructor(private source: string, private sink: ErrorSink) {
    this.tokens = tokenize(source, sink);
  }

  /** Position of the current token (for errors raised outside the parser's own checks). */
  position(): SourcePos {
    return posOf(this.tok);
  }

  // ---- token helpers ----------------------------------------------------
  private get tok(): Token {
    return this.tokens[this.p];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.p + k, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.p];
    if (t.kind !== "eof") this.p++;
    return t;
  }
  private is(kind: TokenKind, text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }
  private isBar(): boolean {
    return this.is("binary", "|");
  }
  private isIdent(t: Token = this.tok): boolean {
    return t.kind === "ident" || t.kind === "primitive";
  }
  private fail(expected: string, t: Token = this.tok): never {
    throw this.sink.error(posOf(t), `Unexpected ${describeToken(t)}. Expected ${expected}`);
  }
  private expect(kind: TokenKind, text: string, expected?: string): Token {
    if (!this.is(kind, kind === "binary" ? text : undefined)) this.fail(expected ?? `'${text}'`);
    return this.next();
  }
  private identDecl(what: string): Decl {
    if (!this.isIdent()) this.fail(what);
    const t = this.next();
    if (RESERVED.has(t.text)) {
      throw this.sink.error(posOf(t), `'${t.text}' cannot be declared as a variable`);
    }
    return { name: t.text, line: t.line, col: t.col };
  }

  // ---- class ------------------------------------------------------------
  parseClass(path: string): ClassAst {
    if (!this.isIdent()) this.fail("a class name");
    const nameTok = this.next();
    this.expect("binary", "=", "'=' after the class name");
    let superName: string | null = null;
    let superPos: SourcePos | null = null;
    if (this.isIdent()) {
      const s = this.next();
      superName = s.text;
      superPos = posOf(s);
    }
    this.expect("(", "(", "'(' to start the class body");
    const instanceFields = this.fieldList();
    const instanceMethods = this.methods(false);
    let classFields: Decl[] = [];
    let classMethods: MethodAst[] = [];
    if (this.is("separator")) {
      this.next();
      classFields = this.fieldList();
      classMethods = this.methods(true);
    }
    if (!this.is(")")) this.fail(this.is("separator") ? "a method or ')' (only one separator is allowed)" : "a method definition or ')'");
    this.next();
    if (!this.is("eof")) {
      throw this.sink.error(posOf(this.tok), `Unexpected ${describeToken(this.tok)} after the end of the class definition`);
    }
    return {
      name: nameTok.text,
      namePos: posOf(nameTok),
      superName: superName === "nil" ? "nil" : superName,
      superIsNil: superName === "nil",
      superPos,
      instanceFields,
      classFields,
      instanceMethods,
      classMethods,
      path,
      source: this.source,
    };
  }

  private fieldList(): Decl[] {
    const fields: Decl[] = [];
    if (!this.isBar()) return fields;
    this.next();
    while (!this.isBar()) {
      const d = this.identDecl("a field name or '|'");
      if (fields.some((f) => f.name === d.name)) {
        throw this.sink.error(d, `Field '${d.name}' has already been defined in this class.`);
      }
      fields.push(d);
    }
    this.next();
    return fields;
  }

  private methods(classSide: boolean): MethodAst[] {
    const list: MethodAst[] = [];
    while (!this.is(")") && !this.is("separator") && !this.is("eof")) {
      const m = this.method(classSide);
      if (list.some((o) => o.selector === m.selector)) {
        throw this.sink.error(m.pos, `Method '${m.selector}' is already defined on the ${classSide ? "class" : "instance"} side of this class`);
      }
      list.push(m);
    }
    return list;
  }

  private method(classSide: boolean): MethodAst {
    const start = this.tok;
    let selector = "";
    const params: Decl[] = [];
    if (this.isIdent()) {
      selector = this.next().text;
    } else if (this.is("binary")) {
      selector = this.next().text;
      params.push(this.identDecl("an argument name after the binary selector"));
    } else if (this.is("keyword")) {
      while (this.is("keyword")) {
        selector += this.next().text;
        params.push(this.identDecl("an argument name after the keyword"));
      }
    } else {
      this.fail("a method pattern (unary, binary or keyword selector)");
    }
    this.checkDuplicates(params, []);
    this.expect("binary", "=", "'=' after the method pattern");
    const m: MethodAst = { selector, pos: posOf(start), params, primitive: false, temps: [], body: [], classSide };
    if (this.is("primitive")) {
      this.next();
      m.primitive = true;
      return m;
    }
    this.expect("(", "(", "'(' or 'primitive' after '='");
    m.temps = this.temporaries();
    this.checkDuplicates(params, m.temps);
    m.body = this.statements(")");
    this.expect(")", ")", "'.' or ')'");
    return m;
  }

  /** Rule 2.6.4: no name twice among params + temps of one scope. */
  private checkDuplicates(params: Decl[], temps: Decl[]): void {
    const seen = new Set<string>();
    for (const d of [...params, ...temps]) {
      if (seen.has(d.name)) throw this.sink.error(d, `Variable '${d.name}' shadows another of the same name`);
      seen.add(d.name);
    }
  }

  private temporaries(): Decl[] {
    const temps: Decl[] = [];
    if (!this.isBar()) return temps;
    this.next();
    while (!this.isBar()) temps.push(this.identDecl("a temporary name or '|'"));
    this.next();
    return temps;
  }

  // ---- statements -------------------------------------------------------
  private statements(end: ")" | "]"): Stmt[] {
    const body: Stmt[] = [];
    const closer = end === ")" ? "')'" : "']'";
    while (!this.is(end)) {
      if (this.is(".")) {
        throw this.sink.error(posOf(this.tok), "Empty statement: unexpected '.'");
      }
      if (this.is("^")) {
        const caret = this.next();
        const expr = this.expression();
        body.push({ kind: "return", expr, pos: posOf(caret) });
        if (this.is(".")) this.next();
        if (!this.is(end)) {
          throw this.sink.error(posOf(this.tok), `Unexpected ${describeToken(this.tok)}: a return must be the last statement (expected ${closer})`);
        }
        break;
      }
      const first = this.tok;
      const expr = this.expression();
      body.push({ kind: "expr", expr, pos: posOf(first) });
      if (this.is(".")) {
        this.next();
        continue;
      }
      if (!this.is(end)) this.fail(`'.' or ${closer}`);
    }
    return body;
  }

  private expression(): Expr {
    if (this.isIdent() && this.peek().kind === ":=") {
      const t = this.next();
      this.next(); // :=
      const value = this.expression();
      return { kind: "assign", target: { name: t.text, line: t.line, col: t.col }, value, pos: posOf(t) };
    }
    const primary = this.primary();
    return this.sendChain(primary);
  }

  private isSuperVar(e: Expr): boolean {
    return e.kind === "var" && e.name === "super";
  }

  private unarySends(receiver: Expr): Expr {
    let r = receiver;
    while (this.isIdent() && this.peek().kind !== ":=") {
      const t = this.next();
      r = { kind: "send", receiver: r, selector: t.text, args: [], isSuper: this.isSuperVar(r), pos: posOf(t) };
    }
    return r;
  }

  private binarySends(receiver: Expr): Expr {
    let r = receiver;
    while (this.is("binary")) {
      const t = this.next();
      const arg = this.unarySends(this.primary());
      r = { kind: "send", receiver: r, selector: t.text, args: [arg], isSuper: this.isSuperVar(r), pos: posOf(t) };
    }
    return r;
  }

  private sendChain(primary: Expr): Expr {
    const r = this.binarySends(this.unarySends(primary));
    if (!this.is("keyword")) return r;
    const first = this.tok;
    let selector = "";
    const args: Expr[] = [];
    while (this.is("keyword")) {
      selector += this.next().text;
      args.push(this.binarySends(this.unarySends(this.primary())));
    }
    return { kind: "send", receiver: r, selector, args, isSuper: this.isSuperVar(r), pos: posOf(first) };
  }

  /** Enter one level of ( [ #( nesting; throws past MAX_NESTING. */
  private nest(t: Token): void {
    if (++this.nesting > MAX_NESTING) {
      throw this.sink.error(posOf(t), `Expressions are nested too deeply (limit ${MAX_NESTING} levels of parentheses, blocks and literal arrays)`);
    }
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "ident":
      case "primitive":
        this.next();
        return { kind: "var", name: t.text, pos: posOf(t) };
      case "integer":
      case "double":
      case "string":
      case "symbol":
      case "arrayOpen":
        return { kind: "lit", value: this.literal(), pos: posOf(t) };
      case "[":
        return this.block();
      case "(": {
        this.nest(t);
        this.next();
        const e = this.expression();
        this.expect(")", ")", "')' to close the parenthesised expression");
        this.nesting--;
        return e;
      }
      case "binary":
        if (t.text === "-" && (this.peek().kind === "integer" || this.peek().kind === "double")) {
          return { kind: "lit", value: this.literal(), pos: posOf(t) };
        }
        break;
      default:
        break;
    }
    this.fail("an expression");
  }

  /** number | string | symbol | literal array, at the current token. */
  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case "integer":
        return { kind: "int", value: t.int ?? 0n };
      case "double":
        return { kind: "double", value: t.num ?? 0 };
      case "string":
        return { kind: "string", value: t.str ?? "" };
      case "symbol":
        return { kind: "symbol", value: t.str ?? "" };
      case "binary": {
        // '-' followed by a number (checked by the caller)
        const n = this.next();
        if (n.kind === "integer") return { kind: "int", value: -(n.int ?? 0n) };
        return { kind: "double", value: -(n.num ?? 0) };
      }
      case "arrayOpen": {
        this.nest(t);
        const elements: Literal[] = [];
        while (!this.is(")")) {
          const e = this.tok;
          const ok =
            e.kind === "integer" || e.kind === "double" || e.kind === "string" || e.kind === "symbol" ||
            e.kind === "arrayOpen" ||
            (e.kind === "binary" && e.text === "-" && (this.peek().kind === "integer" || this.peek().kind === "double"));
          if (!ok) {
            if (e.kind === "eof") this.fail("')' to close the literal array", e);
            throw this.sink.error(posOf(e),
              `Unexpected ${describeToken(e)} in a literal array (allowed: numbers, strings, symbols, nested #( ) arrays)`);
          }
          elements.push(this.literal());
        }
        this.next();
        this.nesting--;
        return { kind: "array", elements };
      }
      default:
        this.fail("a literal", t);
    }
  }

  private block(): BlockExpr {
    this.nest(this.tok);
    const open = this.next();
    const params: Decl[] = [];
    if (this.is(":")) {
      while (this.is(":")) {
        this.next();
        params.push(this.identDecl("a parameter name after ':'"));
      }
      if (!this.isBar()) this.fail("'|' after the block parameters");
      this.next();
    }
    const temps = this.temporaries();
    this.checkDuplicates(params, temps);
    if (params.length > MAX_BLOCK_PARAMS) {
      throw this.sink.error(posOf(open),
        `Blocks with more than ${MAX_BLOCK_PARAMS} parameters are not supported (there is no block class for ${params.length} parameters)`);
    }
    const body = this.statements("]");
    this.expect("]", "]", "'.' or ']'");
    this.nesting--;
    return { kind: "block", params, temps, body, pos: posOf(open) };
  }
}

/** Parse one class definition.  If `path` names a .som file, its base name must equal the class name. */
export function parseClassSource(source: string, path: string): ClassAst {
  const sink = new ErrorSink(path, source);
  const parser = new Parser(source, sink);
  let ast: ClassAst;
  try {
    ast = parser.parseClass(path);
  } catch (e) {
    if (e instanceof RangeError) throw sink.error(parser.position(), "The expression is too deeply nested to compile");
    throw e;
  }
  const base = basename(path);
  if (base.endsWith(".som") && base.slice(0, -4) !== ast.name) {
    throw sink.error(ast.namePos, `Class name '${ast.name}' does not match the file name '${base}'`);
  }
  return ast;
}
