// SOM lexer (spec section 1, summary in 1.16).
//
// Produces the whole token list up front.  Rules that need care:
//  * `x:=1` is identifier, `:=`, integer: an identifier followed by ':' is a
//    keyword only when the ':' is not followed by '='.
//  * keyword sequences (`at:put:`) exist only directly after '#'; elsewhere
//    `at:k put:v` gives separate keywords.
//  * '-' is never part of a number: the parser forms negative literals in
//    operand position.  A lone operator character '|', '=', '-' is still a
//    "binary" token; the parser decides whether it is a delimiter.
//  * four or more '-' starting an operator run form the separator token.
//  * `#` is folded into the following token: `#foo`, `#at:put:`, `#+`,
//    `#'text'` give one "symbol" token, `#(` gives "arrayOpen".
import { ErrorSink, SourcePos } from "./errors.js";

export type TokenKind =
  | "ident" | "keyword" | "primitive" | "integer" | "double" | "string" | "symbol"
  | "binary" | "separator" | "arrayOpen"
  | "(" | ")" | "[" | "]" | "^" | "." | ":" | ":=" | "eof";

export interface Token extends SourcePos {
  kind: TokenKind;
  /** Source text (identifier, keyword with colon, operator run, ...). */
  text: string;
  /** Decoded value of string and symbol tokens. */
  str?: string;
  /** Value of integer tokens (unbounded). */
  int?: bigint;
  /** Value of double tokens. */
  num?: number;
  /** Offset of the token's first character. */
  offset: number;
}

const OPERATOR_CHARS = "~&|*/\\+=><,@%-";

export function isOperatorChar(c: string): boolean {
  return c.length === 1 && OPERATOR_CHARS.includes(c);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

const LETTER = /^\p{L}$/u;
function isLetter(c: string): boolean {
  if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) return true;
  return c > "\x7f" && LETTER.test(c);
}

function isIdentChar(c: string): boolean {
  return isLetter(c) || isDigit(c) || c === "_";
}

function isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

const ESCAPES: Record<string, string> = {
  t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", "0": "\0", "'": "'", "\\": "\\",
};

/** Tokenize a whole source file; throws CompileError on a lexical error. */
export function tokenize(source: string, sink: ErrorSink): Token[] {
  const tokens: Token[] = [];
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0; // skip a UTF-8 byte-order mark
  let line = 1;
  let lineStart = i;
  const n = source.length;

  const posAt = (offset: number): SourcePos => ({ line, col: offset - lineStart + 1 });
  // Advance over one character, keeping line/lineStart up to date.
  const advance = (): void => {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
    i++;
  };
  const push = (kind: TokenKind, start: number, startPos: SourcePos, extra?: Partial<Token>): void => {
    const t: Token = { kind, text: source.slice(start, i), offset: start, line: startPos.line, col: startPos.col };
    if (extra !== undefined) Object.assign(t, extra);
    tokens.push(t);
  };

  // Reads a string literal body starting at the opening quote; answers its value.
  const readString = (): string => {
    const openPos = posAt(i);
    advance(); // opening quote
    let value = "";
    for (;;) {
      if (i >= n) throw sink.error(openPos, "Unterminated string literal");
      const c = source[i];
      if (c === "'") {
        advance();
        return value;
      }
      if (c === "\\") {
        const escPos = posAt(i);
        advance();
        if (i >= n) throw sink.error(openPos, "Unterminated string literal");
        const e = source[i];
        const v = ESCAPES[e];
        if (v === undefined) throw sink.error(escPos, `Unknown escape sequence '\\${printable(e)}'`);
        value += v;
        advance();
        continue;
      }
      if (c === "\r" && source[i + 1] === "\n") {
        advance(); // CR LF inside a string contributes one LF
        continue;
      }
      value += c;
      advance();
    }
  };

  // Reads identifier chars from i; answers the text.
  const readIdent = (): string => {
    const s = i;
    while (i < n && isIdentChar(source[i])) i++;
    return source.slice(s, i);
  };

  // Reads a maximal operator run from i.
  const readOperator = (): string => {
    const s = i;
    while (i < n && isOperatorChar(source[i])) i++;
    return source.slice(s, i);
  };

  while (true) {
    // whitespace and comments
    while (i < n) {
      const c = source[i];
      if (isWhitespace(c)) {
        advance();
      } else if (c === '"') {
        const openPos = posAt(i);
        advance();
        while (i < n && source[i] !== '"') advance();
        if (i >= n) throw sink.error(openPos, "Unterminated comment");
        advance();
      } else {
        break;
      }
    }
    if (i >= n) {
      tokens.push({ kind: "eof", text: "end of file", offset: i, ...posAt(i) });
      return tokens;
    }

    const start = i;
    const startPos = posAt(i);
    const c = source[i];

    if (c === "'") {
      const value = readString();
      push("string", start, startPos, { str: value });
    } else if (c === "[" || c === "]" || c === "(" || c === ")" || c === "^" || c === ".") {
      i++;
      push(c, start, startPos);
    } else if (c === ":") {
      i++;
      if (source[i] === "=") {
        i++;
        push(":=", start, startPos);
      } else {
        push(":", start, startPos);
      }
    } else if (c === "#") {
      i++;
      const d = source[i] ?? "";
      if (d === "(") {
        i++;
        push("arrayOpen", start, startPos);
      } else if (d === "'") {
        const value = readString();
        push("symbol", start, startPos, { str: value });
      } else if (isLetter(d)) {
        // identifier, keyword or keyword sequence
        let text = readIdent();
        if (source[i] === ":" && source[i + 1] !== "=") {
          i++;
          text += ":";
          // keep consuming adjacent identifier ':' pairs
          for (;;) {
            const save = i;
            if (i < n && isLetter(source[i])) {
              const part = readIdent();
              if (source[i] === ":" && source[i + 1] !== "=") {
                i++;
                text += part + ":";
                continue;
              }
            }
            i = save;
            break;
          }
        }
        push("symbol", start, startPos, { str: text });
      } else if (isOperatorChar(d)) {
        const op = readOperator();
        push("symbol", start, startPos, { str: op });
      } else {
        throw sink.error(startPos, "A symbol or '(' must follow '#' immediately");
      }
    } else if (c === "-" && source.startsWith("----", i)) {
      while (i < n && source[i] === "-") i++;
      push("separator", start, startPos);
    } else if (isOperatorChar(c)) {
      readOperator();
      push("binary", start, startPos);
    } else if (isLetter(c)) {
      const text = readIdent();
      if (source[i] === ":" && source[i + 1] !== "=") {
        i++;
        push("keyword", start, startPos);
      } else if (text === "primitive") {
        push("primitive", start, startPos);
      } else {
        push("ident", start, startPos);
      }
    } else if (isDigit(c)) {
      while (i < n && isDigit(source[i])) i++;
      if (source[i] === "." && isDigit(source[i + 1] ?? "")) {
        i++;
        while (i < n && isDigit(source[i])) i++;
        const text = source.slice(start, i);
        push("double", start, startPos, { num: Number(text) });
      } else {
        const text = source.slice(start, i);
        push("integer", start, startPos, { int: BigInt(text) });
      }
    } else {
      const cp = source.codePointAt(i) ?? 0;
      const shown = cp < 0x20 || cp === 0x7f ? `\\x${cp.toString(16).padStart(2, "0")}` : String.fromCodePoint(cp);
      throw sink.error(startPos, `Unexpected character '${shown}'`);
    }
  }
}

/** Source text made safe for a one-line message: control characters escaped, long text cut. */
export function printable(text: string, max = 24): string {
  const cut = text.length > max ? text.slice(0, max) + "..." : text;
  return cut.replace(/[\x00-\x1f\x7f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** How a token is named in "Expected ..., but found ..." messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case "eof": return "end of file";
    case "string": return `string ${printable(t.text)}`;
    case "separator": return "separator '----'";
    default: return `'${printable(t.text)}'`;
  }
}
