// What a benchmark suite is, and the context every suite runs in.
//
// The runner (bench.ts) runs a list of suites (SUITES in suites.ts); each one
// answers a result with a Markdown section for docs/PERFORMANCE.md, a plain
// text table for the console and a JSON-able record for .bench/results.json.
// Today there is one suite (Talc vs Lua 5.4 speed); planned ones (16-bit image
// mode, boot time, flash throughput) are added by writing a Suite and listing
// it in suites.ts.

export interface BenchOptions {
  /** Runs per measurement; the best (smallest) time is kept. */
  repeat: number;
  /** Only run benchmarks (or suites) whose name is in this list (case-insensitive); empty = all. */
  only: string[];
  /** Talc heap size in bytes (both semispaces together). */
  heapBytes: number;
  /** Per-run time limit in milliseconds. */
  timeoutMs: number;
}

export interface SuiteContext {
  options: BenchOptions;
  /** Root of the Talc package (holds package.json, examples/, kernel/). */
  root: string;
  /** Progress and diagnostics (stderr). */
  log(line: string): void;
}

export interface SuiteResult {
  /** False when any measurement is invalid (wrong output, crash). */
  ok: boolean;
  /** Plain-text table for the console. */
  text: string;
  /** Markdown for the suite's part of docs/PERFORMANCE.md. */
  markdown: string;
  /** JSON-able details for the results file. */
  json: unknown;
}

export interface Suite {
  /** Short name (used by --only and as the JSON key). */
  name: string;
  /** One line for --help and the docs. */
  title: string;
  /** Runs the suite; null when the --only filter selects nothing in it. */
  run(ctx: SuiteContext): Promise<SuiteResult | null>;
}

/** True when `name` passes the --only filter. */
export function selected(options: BenchOptions, name: string): boolean {
  if (options.only.length === 0) return true;
  const n = name.toLowerCase();
  return options.only.some((o) => o.toLowerCase() === n);
}
