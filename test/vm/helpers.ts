// Helpers for the VM tests: run SOM sources through the real VM host.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TalcVM } from "../../host-tools/vm/vmhost.js";
import { kernelDir } from "../../host-tools/classpath.js";

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  vm: TalcVM;
}

/** Write classes ({ Name: source }) into a fresh directory; answers the directory. */
export function classDir(classes: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "talc-vm-"));
  for (const [name, src] of Object.entries(classes)) writeFileSync(join(dir, name + ".som"), src);
  return dir;
}

export async function makeVM(dir: string, opts: { heapBytes?: number; stackBytes?: number } = {}) {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const vm = await TalcVM.create({
    classPath: [dir, kernelDir()],
    heapBytes: opts.heapBytes,
    stackBytes: opts.stackBytes,
    stdout: (b) => out.push(b),
    stderr: (b) => err.push(b),
  });
  const text = (bs: Uint8Array[]) => Buffer.concat(bs).toString("utf8");
  return { vm, stdout: () => text(out), stderr: () => text(err) };
}

/** Bootstrap, run class `main` with `args`, answer status and output. */
export async function runClasses(
  classes: Record<string, string>,
  main: string,
  args: string[] = [],
  opts: { heapBytes?: number; stackBytes?: number } = {},
): Promise<RunResult> {
  const dir = classDir(classes);
  const { vm, stdout, stderr } = await makeVM(dir, opts);
  vm.bootstrap();
  vm.start([main, ...args]);
  const status = await vm.runToEnd();
  return { status, stdout: stdout(), stderr: stderr(), vm };
}

/** Run the body of a `run` method (statements) in a class named Main. */
export async function runBody(body: string, extra = "", opts: { heapBytes?: number; stackBytes?: number } = {}) {
  return runClasses({ Main: `Main = (\n${extra}\nrun = (\n${body}\n)\n)\n` }, "Main", [], opts);
}
