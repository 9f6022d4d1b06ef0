// Compiling an expression for the device (REPL, eval): a class DoIt<n>
// whose `run` prints the expression's value as text.  SOM has no
// `printString` (spec 5.2: sending it is a doesNotUnderstand:); its
// conversion to text is `asString`, so the answer is `value asString`.  The class is compiled
// by the host compiler against Object (no fields), which is all a DoIt
// needs from the device's image; the device links and runs it.
import { parseClass, generateClassFile } from "../compiler/index.js";

let counter = 0;

/** SOM source of the DoIt class for `expr` (statements allowed: `a := 3. a * 2`). */
export function doItSource(expr: string, name: string): string {
  return `${name} = (\n    run = (\n        system printString: [\n${expr}\n        ] value asString\n    )\n)\n`;
}

/** Compile `expr`; throws the compiler's CompileError (with format()) on bad input. */
export function compileDoIt(expr: string): { name: string; classFile: Uint8Array } {
  const name = `DoIt${(Date.now() % 100000)}x${++counter}`;
  const classFile = generateClassFile(parseClass(doItSource(expr, name), "<repl>"), { instanceFields: [], classFields: [] });
  return { name, classFile };
}
