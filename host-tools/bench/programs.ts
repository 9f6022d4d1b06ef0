// The benchmark programs of the Talc-vs-Lua speed suite.
//
// Each entry names a SOM main class in examples/bench/ (NAME.som, helper
// classes beside it) and its Lua 5.4 twin examples/bench/lua/NAME.lua.  Both
// take one argument (an iteration count or problem size) and print exactly
// one line, which must be identical: it carries a checksum that validates the
// run.  `arg` is sized so that Lua takes roughly 0.3-1 s on the reference
// machine (2 cores, Node 20, Debian 12).
//
// To add a benchmark: write both programs, check `lua5.4 lua/NAME.lua ARG`,
// then add a row here.

export interface BenchProgram {
  /** Main class name = file name without .som / .lua. */
  name: string;
  /** The single program argument (size / iterations). */
  arg: number;
  /** What the program stresses, for the report. */
  what: string;
}

export const PROGRAMS: readonly BenchProgram[] = [
  { name: "Fib", arg: 33, what: "recursive self sends, SmallInteger + - <" },
  { name: "Loops", arg: 300000, what: "nested to:do: / whileTrue:, * % / on SmallIntegers" },
  { name: "Sieve", arg: 2000, what: "Array at:/at:put:, Booleans, whileTrue:" },
  { name: "Vectors", arg: 2000, what: "Vector append:/at:/remove/size (library code), Array" },
  { name: "Richards", arg: 300000, what: "task scheduler: polymorphic sends, field access, linked queues" },
  { name: "Graph", arg: 200, what: "Dijkstra over node/edge objects: binary heap, Vector do: with a closure" },
  { name: "Closures", arg: 12000, what: "Array do:/inject:into:/collect:/select: with blocks, captured variables, non-local return" },
  { name: "StringBuild", arg: 800000, what: "String + / asString / asSymbol / = / charAt: / length" },
  { name: "FloatMath", arg: 300000, what: "n-body simulation: boxed Double arithmetic, sqrt, accessors" },
];
