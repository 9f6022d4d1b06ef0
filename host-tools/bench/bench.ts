// `npm run bench`: runs the benchmark suites (suites.ts), prints a table per
// suite, writes the results as JSON and rewrites the generated section of
// docs/PERFORMANCE.md.
//
//   node dist/host-tools/bench/bench.js [--only NAME ...] [--repeat N]
//        [--json FILE] [--no-docs] [--heap MB] [--timeout S]
//
// Exit status: 0 all measurements valid, 1 some benchmark failed or printed
// a different line on Talc and Lua, 2 bad command line.
// The docs are rewritten only by a complete run (no --only).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { packageRoot } from "../classpath.js";
import { SUITES } from "./suites.js";
import { PROGRAMS } from "./programs.js";
import { updateDocs } from "./docs.js";
import { machineInfo, machineLine } from "./machine.js";
import type { BenchOptions, SuiteContext, SuiteResult } from "./suite.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(",").filter((s) => s !== "")];
}

interface CliOptions {
  only: string[];
  repeat: number;
  json: string;
  docs: boolean;
  heap: number;
  timeout: number;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("bench")
    .description("Talc benchmarks: Talc (in-process) vs Lua 5.4 on the programs in examples/bench/")
    .option("--only <name>", "run only this benchmark or suite (repeatable, or comma-separated)", collect, [])
    .option("--repeat <n>", "runs per measurement; the best time is kept", positiveInt, 3)
    .option("--json <file>", "where to write the results", ".bench/results.json")
    .option("--no-docs", "do not rewrite the generated section of docs/PERFORMANCE.md")
    .option("--heap <MB>", "Talc heap size in MiB (both semispaces)", positiveInt, 64)
    .option("--timeout <s>", "time limit per run in seconds", positiveInt, 120)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  program.addHelpText("after", "\nSuites: " + SUITES.map((s) => `${s.name} (${s.title})`).join("; ") + "\n");
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = program.opts<CliOptions>();
  const root = packageRoot();
  const options: BenchOptions = {
    repeat: o.repeat,
    only: o.only,
    heapBytes: o.heap * 1024 * 1024,
    timeoutMs: o.timeout * 1000,
  };
  const known = [...SUITES.map((x) => x.name), ...PROGRAMS.map((p) => p.name)];
  const unknown = o.only.filter((n) => !known.some((k) => k.toLowerCase() === n.toLowerCase()));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark or suite: ${unknown.join(", ")} (known: ${known.join(", ")})\n`);
    return 2;
  }
  const ctx: SuiteContext = { options, root, log: (line) => process.stderr.write(line + "\n") };
  const machine = await machineInfo(root);
  process.stdout.write(machineLine(machine) + "\n\n");

  const results: { name: string; title: string; result: SuiteResult }[] = [];
  for (const suite of SUITES) {
    const result = await suite.run(ctx);
    if (result === null) continue;
    results.push({ name: suite.name, title: suite.title, result });
    process.stdout.write(`== ${suite.title} (best of ${options.repeat})\n\n${result.text}\n`);
  }
  if (results.length === 0) {
    process.stderr.write(`bench: --only ${o.only.join(",")} selects no benchmark or suite\n`);
    return 2;
  }

  const jsonPath = resolve(o.json);
  mkdirSync(dirname(jsonPath), { recursive: true });
  const json = {
    machine,
    options: { repeat: options.repeat, only: options.only, heapBytes: options.heapBytes },
    suites: Object.fromEntries(results.map((r) => [r.name, { title: r.title, ok: r.result.ok, ...Object(r.result.json) }])),
  };
  writeFileSync(jsonPath, JSON.stringify(json, null, 2) + "\n");
  process.stdout.write(`results written to ${jsonPath}\n`);

  if (o.docs && o.only.length === 0) {
    const docPath = join(root, "docs", "PERFORMANCE.md");
    const body =
      machineLine(machine) + ` Best of ${options.repeat} runs; Talc heap ${o.heap} MiB.\n\n` +
      results.map((r) => `### ${r.title}\n\n${r.result.markdown}`).join("\n");
    updateDocs(docPath, body);
    process.stdout.write(`updated ${docPath}\n`);
  } else if (o.docs) {
    process.stdout.write("docs/PERFORMANCE.md not updated (partial run with --only)\n");
  }

  const ok = results.every((r) => r.result.ok);
  if (!ok) process.stderr.write("bench: SOME MEASUREMENTS ARE INVALID (see PROBLEMS above)\n");
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`bench: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
