// Compile-time diagnostics (spec 5.5).
//
// Every error the compiler reports is a CompileError carrying the file, the
// 1-based line and column of the offending token, the message and the text
// of that source line, so that callers print one clear diagnostic:
//
//   Foo.som:3:9: Unknown escape sequence '\q'
//       x := 'a\q'.
//              ^

/** A position in a source file: 1-based line and column. */
export interface SourcePos {
  line: number;
  col: number;
}

export class CompileError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly detail: string;
  readonly sourceLine: string;

  constructor(file: string, line: number, column: number, detail: string, sourceLine: string) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = "CompileError";
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
    this.sourceLine = sourceLine;
  }

  /** "file:line:col: message\n<source line>\n<spaces>^" (tabs kept so the caret lines up). */
  format(): string {
    const pad = this.sourceLine
      .slice(0, Math.max(0, this.column - 1))
      .replace(/[^\t]/g, " ");
    return `${this.file}:${this.line}:${this.column}: ${this.detail}\n${this.sourceLine}\n${pad}^`;
  }
}

/** Text of line `line` (1-based) of `source`, without its line end. */
export function sourceLineOf(source: string, line: number): string {
  const lines = source.split("\n");
  const text = lines[line - 1] ?? "";
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** Builds CompileErrors for one source file. */
export class ErrorSink {
  constructor(readonly file: string, readonly source: string) {}

  error(pos: SourcePos, detail: string): CompileError {
    return new CompileError(this.file, pos.line, pos.col, detail, sourceLineOf(this.source, pos.line));
  }
}
