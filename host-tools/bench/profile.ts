// Bytecode and send profile of one benchmark, from an instrumented VM build.
//
//   node dist/host-tools/bench/profile.js NAME [ARG] [--top N] [--keep]
//
// The project's VM has only two counters (bytecodes, sends).  This tool
// copies the package (vm-as/, kernel/, examples/, dist/, asconfig.json,
// package.json) into a temporary directory, adds vm-as/prof.ts (an opcode
// histogram and a (receiver class, selector) table of full sends), patches
// three anchor lines of interp.ts / send.ts / index.ts to call it, builds the
// release target with asc there and runs the benchmark on that build.  The
// repository itself is never modified.  If the VM sources change so that an
// anchor is no longer found, the tool says which one: update ANCHORS below.
//
// "Full sends" are the sends that reach send_general (method lookup): special
// sends that take an inline fast path (SmallInteger arithmetic, Array at:)
// are counted as bytecodes only.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { packageRoot } from "../classpath.js";
import { PROGRAMS } from "./programs.js";

const PROF_TS = `// Instrumentation added by host-tools/bench/profile.ts (temporary build only).
import { obj_hash, slot, obj_size } from "./memory";
import { C_NAME, HEADER_BYTES } from "./layout";
const OPS = memory.data(64 * 8);
const NE: u32 = 4096;
const ES: u32 = 64;
const TAB = memory.data(4096 * 64);
const PAIRS = memory.data(64 * 64 * 8);
let lastOp: i32 = 0;
// Counts each opcode, and each (previous opcode, opcode) pair in execution order.
export function prof_op(op: i32): void {
  const p = OPS + ((op as usize) << 3);
  store<u64>(p, load<u64>(p) + 1);
  const q = PAIRS + ((((lastOp << 6) | op) as usize) << 3);
  store<u64>(q, load<u64>(q) + 1);
  lastOp = op;
}
function copyName(dst: usize, pos: u32, sym: u32): u32 {
  const n = obj_size(sym);
  for (let i: u32 = 0; i < n && pos < 47; i++) { store<u8>(dst + pos, load<u8>(sym + HEADER_BYTES + i)); pos++; }
  return pos;
}
// Keyed by identity hashes (stable across collections); the name is copied at first sight.
export function prof_send(cls: u32, sel: u32): void {
  const a = obj_hash(cls) + 1, b = obj_hash(sel) + 1;
  let i = (a * 31 + b) & (NE - 1);
  for (;;) {
    const e = TAB + (i * ES) as usize;
    const k1 = load<u32>(e);
    if (k1 == 0) {
      store<u32>(e, a); store<u32>(e, b, 4); store<u64>(e, 1, 8);
      let pos = copyName(e + 16, 0, slot(cls, C_NAME));
      if (pos < 46) { store<u8>(e + 16 + pos, 62); store<u8>(e + 17 + pos, 62); pos += 2; }
      copyName(e + 16, pos, sel);
      return;
    }
    if (k1 == a && load<u32>(e, 4) == b) { store<u64>(e, load<u64>(e, 8) + 1, 8); return; }
    i = (i + 1) & (NE - 1);
  }
}
export function prof_opsPtr(): usize { return OPS; }
export function prof_tabPtr(): usize { return TAB; }
export function prof_pairsPtr(): usize { return PAIRS; }
`;

/** A patch: `find` (exact text) becomes `replace`.  `group`: at least one anchor of each group must apply. */
interface Anchor { file: string; find: string; replace: string; group: string }

const ANCHORS: Anchor[] = [
  { group: "import-interp", file: "interp.ts", find: 'import { vm_finish } from "./errors";',
    replace: 'import { vm_finish } from "./errors";\nimport { prof_op, prof_send } from "./prof";' },
  { group: "opcodes", file: "interp.ts", find: "const op = load<u8>(ip) as i32;",
    replace: "const op = load<u8>(ip) as i32;\n      prof_op(op);" },
  // the interpreter's inline send path (counted in its local nsends)
  { group: "sends", file: "interp.ts", find: "      nsends++;\n",
    replace: "      nsends++;\n      prof_send(cls, sendSel);\n" },
  { group: "import-send", file: "send.ts", find: 'import { prim_call, PR_OK, PR_FRAME, PR_STOP } from "./prims";',
    replace: 'import { prim_call, PR_OK, PR_FRAME, PR_STOP } from "./prims";\nimport { prof_send } from "./prof";' },
  // sends made outside the interpreter loop (send_general counts them itself)
  { group: "sends", file: "send.ts", find: "const m = send_lookup(cls, sel);\n  if (m != 0) return send_invoke(m, rs, nargs);",
    replace: "prof_send(cls, sel);\n  const m = send_lookup(cls, sel);\n  if (m != 0) return send_invoke(m, rs, nargs);" },
];

/** What this tool uses of the copied vmhost.js (loaded dynamically from the temporary tree). */
interface ProfVM {
  bootstrap(): void;
  loadClass(name: string): number;
  start(args: string[]): void;
  runToEnd(): Promise<number>;
  readonly bytecodes: number;
  readonly sends: number;
  readonly exports: { memory: WebAssembly.Memory; prof_opsPtr(): number; prof_tabPtr(): number; prof_pairsPtr(): number };
}
interface ProfHost {
  TalcVM: { create(o: { classPath: string[]; heapBytes: number; stdout(b: Uint8Array): void; stderr(b: Uint8Array): void }): Promise<ProfVM> };
}

function buildInstrumented(root: string, dir: string): void {
  for (const d of ["vm-as", "kernel", "examples", "dist"]) {
    if (!existsSync(join(root, d))) throw new Error(`${d}/ is missing: run 'npm run build' first`);
    cpSync(join(root, d), join(dir, d), { recursive: true });
  }
  for (const f of ["asconfig.json", "package.json"]) cpSync(join(root, f), join(dir, f));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "vm-as", "prof.ts"), PROF_TS);
  const applied = new Set<string>();
  const missing: string[] = [];
  for (const a of ANCHORS) {
    const p = join(dir, "vm-as", a.file);
    const src = readFileSync(p, "utf8");
    if (!src.includes(a.find)) {
      missing.push(`vm-as/${a.file}: ${JSON.stringify(a.find)}`);
      continue;
    }
    writeFileSync(p, src.replace(a.find, a.replace));
    applied.add(a.group);
  }
  const groups = new Set(ANCHORS.map((a) => a.group));
  for (const g of groups) {
    if (!applied.has(g)) {
      throw new Error(`anchor(s) for "${g}" not found (${missing.join("; ")}); update ANCHORS in host-tools/bench/profile.ts`);
    }
  }
  const idx = join(dir, "vm-as", "index.ts");
  writeFileSync(idx, readFileSync(idx, "utf8") + '\nexport { prof_opsPtr, prof_tabPtr, prof_pairsPtr } from "./prof";\n');
  try {
    execFileSync(join(root, "node_modules", ".bin", "asc"), ["vm-as/index.ts", "--target", "release"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    const text = (err.stderr?.toString("utf8") ?? "").split("\n").filter((l) => /ERROR/.test(l)).slice(0, 5).join("\n");
    throw new Error(`building the instrumented VM failed:\n${text}`);
  }
}

function pct(n: number, total: number): string {
  return ((100 * n) / total).toFixed(1).padStart(5) + "%";
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("profile")
    .description("opcode and send profile of one benchmark (instrumented VM build in a temporary directory)")
    .argument("<name>", "benchmark main class in examples/bench/")
    .argument("[arg]", "program argument (default: a tenth of the benchmark's size)")
    .option("--top <n>", "rows per table", (v) => { const n = Number(v); if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("positive integer"); return n; }, 15)
    .option("--keep", "keep the temporary directory")
    .exitOverride();
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const [name, argText] = program.args;
  const opts = program.opts<{ top: number; keep?: boolean }>();
  const root = packageRoot();
  if (!existsSync(join(root, "examples", "bench", name + ".som"))) {
    process.stderr.write(`profile: no benchmark examples/bench/${name}.som\n`);
    return 2;
  }
  const known = PROGRAMS.find((p) => p.name === name);
  const arg = argText ?? String(known !== undefined ? Math.max(1, Math.round(known.arg / 10)) : 1);
  const dir = mkdtempSync(join(tmpdir(), "talc-profile-"));
  try {
    process.stderr.write(`profile: building an instrumented VM in ${dir} ...\n`);
    buildInstrumented(root, dir);
    const host = (await import(join(dir, "dist", "host-tools", "vm", "vmhost.js"))) as ProfHost;
    const cpMod = (await import(join(dir, "dist", "host-tools", "classpath.js"))) as { buildClassPath(cp: undefined, main: string, cwd: string): string[] };
    const talcMod = (await import(join(dir, "dist", "host-tools", "bench", "talc.js"))) as { classClosure(main: string, cp: string[]): string[] };
    const isa = (await import(join(dir, "dist", "vm-as", "isa.js"))) as { OP_NAMES: string[] };
    const classPath = cpMod.buildClassPath(undefined, join(dir, "examples", "bench", name + ".som"), dir);
    const vm = await host.TalcVM.create({
      classPath, heapBytes: 64 << 20,
      stdout: (b) => process.stdout.write(b), stderr: (b) => process.stderr.write(b),
    });
    vm.bootstrap();
    for (const c of talcMod.classClosure(name, classPath)) vm.loadClass(c);
    const ex = vm.exports;
    const opsP = ex.prof_opsPtr();
    const tabP = ex.prof_tabPtr();
    const pairsP = ex.prof_pairsPtr();
    new Uint8Array(ex.memory.buffer, opsP, 64 * 8).fill(0);
    new Uint8Array(ex.memory.buffer, pairsP, 64 * 64 * 8).fill(0);
    new Uint8Array(ex.memory.buffer, tabP, 4096 * 64).fill(0);
    const b0 = vm.bytecodes;
    const s0 = vm.sends;
    vm.start([name, arg]);
    const status = await vm.runToEnd();
    const bytecodes = vm.bytecodes - b0;
    const sends = vm.sends - s0;
    const mem = new DataView(ex.memory.buffer);
    const ops: [string, number][] = [];
    for (let i = 0; i < 64; i++) {
      const c = Number(mem.getBigUint64(opsP + i * 8, true));
      if (c > 0) ops.push([isa.OP_NAMES[i] || `op${i}`, c]);
    }
    ops.sort((a, b) => b[1] - a[1]);
    const pairs: [string, number][] = [];
    for (let i = 0; i < 64 * 64; i++) {
      const c = Number(mem.getBigUint64(pairsP + i * 8, true));
      if (c > 0) pairs.push([`${isa.OP_NAMES[i >> 6] || `op${i >> 6}`} -> ${isa.OP_NAMES[i & 63] || `op${i & 63}`}`, c]);
    }
    pairs.sort((a, b) => b[1] - a[1]);
    const sendRows: [string, number][] = [];
    for (let i = 0; i < 4096; i++) {
      const e = tabP + i * 64;
      if (mem.getUint32(e, true) === 0) continue;
      const bytes = new Uint8Array(ex.memory.buffer, e + 16, 48);
      const end = bytes.indexOf(0);
      sendRows.push([Buffer.from(bytes.slice(0, end < 0 ? 48 : end)).toString("utf8"), Number(mem.getBigUint64(e + 8, true))]);
    }
    sendRows.sort((a, b) => b[1] - a[1]);
    // The VM may execute a few bytecodes in one dispatch (fused pairs); the
    // histogram counts dispatches, under the first opcode of each.
    const dispatches = ops.reduce((s, [, c]) => s + c, 0);
    let out = `${name} ${arg}: exit status ${status}; ${bytecodes} bytecodes in ${dispatches} dispatches, ${sends} full sends` +
      (sends > 0 ? ` (${(bytecodes / sends).toFixed(1)} bytecodes per send)` : "") +
      "\n\ntop opcodes (% of dispatches; a fused pair counts under its first opcode):\n";
    for (const [n, c] of ops.slice(0, opts.top)) out += `  ${pct(c, dispatches)}  ${String(c).padStart(12)}  ${n}\n`;
    out += "\ntop opcode pairs (previous -> next dispatch, in execution order):\n";
    for (const [n, c] of pairs.slice(0, opts.top)) out += `  ${pct(c, dispatches)}  ${String(c).padStart(12)}  ${n}\n`;
    out += "\ntop full sends (receiver class>>selector):\n";
    for (const [n, c] of sendRows.slice(0, opts.top)) out += `  ${pct(c, sends)}  ${String(c).padStart(12)}  ${n}\n`;
    process.stdout.write(out);
    return status === 0 ? 0 : 1;
  } finally {
    if (opts.keep === true) process.stderr.write(`profile: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    process.stderr.write(`profile: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
