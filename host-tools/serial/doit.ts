// Compiling an expression for the device (REPL, eval): a class DoIt<n>
// whose `run` prints the expression's value as text.  SOM has no
// `printString` (spec 5.2: sending it is a doesNotUnderstand:); its
// conversion to text is `asString`, so the answer is `value asString`.  The class is compiled
// by the host compiler against Object (no fields), which is all a DoIt
// needs from the device's image; the device links and runs it.
import { parseClass, generateClassFile, CompileError } from "../compiler/index.js";

const PREFIX_LINES = 3;   // lines of the wrapper before the expression

let counter = 0;

/** SOM source of the DoIt class for `expr` (statements allowed: `a := 3. a * 2`). */
export function doItSource(expr: string, name: string): string {
  return `${name} = (\n    run = (\n        system printString: [\n${expr}\n        ] value asString\n    )\n)\n`;
}

/** Compile `expr`; on bad input throws a CompileError whose position is in
 *  `expr` itself (file "<repl>"), with format(). */
export function compileDoIt(expr: string): { name: string; classFile: Uint8Array } {
  const name = `DoIt${(Date.now() % 100000)}x${++counter}`;
  try {
    const classFile = generateClassFile(parseClass(doItSource(expr, name), "<repl>"), { instanceFields: [], classFields: [] });
    return { name, classFile };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    const lines = expr.split("\n");
    let line = e.line - PREFIX_LINES;
    let col = e.column;
    if (line > lines.length) { line = lines.length; col = lines[line - 1]!.length + 1; }
    if (line < 1) { line = 1; col = 1; }
    throw new CompileError("<repl>", line, col, e.detail, lines[line - 1] ?? "");
  }
}
