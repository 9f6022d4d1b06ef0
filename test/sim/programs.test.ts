// Every technique of the dispatch lab agrees with the VM on every send of
// real programs: all benchmarks (small arguments), every runnable program of
// the SOM test suite (test/som/programs, compile-error programs Ce* excepted:
// they build no image), the SOM unit tests, and a small-heap run where the
// collector moves everything between trace batches.  The traced VM build
// must also give each program's expected output and exit status.
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage } from "../../host-tools/image/builder.js";
import { buildClassPath } from "../../host-tools/classpath.js";
import { runLab, type LabRun } from "../../host-tools/sim/lab.js";
import { TECHNIQUES } from "../../host-tools/sim/dispatch.js";
import { DEFAULT_MODEL } from "../../host-tools/sim/model.js";
import { main, type CliIO } from "../../host-tools/cli.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const PROGRAMS = join(ROOT, "test/som/programs");
const BENCH = join(ROOT, "examples/bench");

async function lab(mainFile: string, args: string[], cp: string[] = [], heapBytes = 64 * 1024 * 1024): Promise<LabRun & { image: Uint8Array }> {
  const classPath = buildClassPath(cp.length > 0 ? cp.join(":") : undefined, mainFile, ROOT);
  const name = mainFile.replace(/^.*\//, "").replace(/\.som$/, "");
  const image = await buildImage({ classPath, main: name, heapBytes: 64 * 1024 * 1024 });
  const run = runLab({
    image, program: name, args, classPath, heapBytes, stackBytes: 4 * 1024 * 1024, maxSends: 5_000_000,
    model: DEFAULT_MODEL, techniques: TECHNIQUES,
  });
  return { ...run, image };
}

/** `talc run` in-process on the release VM: stdout and status. */
async function talcRun(argv: string[]): Promise<{ status: number; stdout: string }> {
  let stdout = "";
  const io: CliIO = {
    stdout: (b) => { stdout += typeof b === "string" ? b : Buffer.from(b).toString("utf8"); },
    stderr: () => { /* not compared */ },
    cwd: ROOT,
  };
  const status = await main(["run", ...argv], io);
  return { status, stdout };
}

function checkRun(r: LabRun): void {
  expect(r.report.techniques.map((t) => t.name)).toEqual(TECHNIQUES.map((t) => t.name));
  for (const t of r.report.techniques) expect(t.sends).toBe(r.recording.log.length);
  // the trace holds exactly the sends the VM counted
  expect(r.recording.log.length).toBe(r.recording.vmSends);
}

const BENCHMARKS: [string, string][] = [
  ["Fib", "15"], ["Loops", "200"], ["Sieve", "10"], ["Vectors", "30"], ["Richards", "20"],
  ["Graph", "8"], ["Closures", "40"], ["StringBuild", "1000"], ["FloatMath", "300"],
];

describe("benchmarks: every technique gives the VM's method on every send; output as on the release VM", () => {
  for (const [name, arg] of BENCHMARKS) {
    it(`${name} ${arg}`, async () => {
      const r = await lab(join(BENCH, name + ".som"), [arg]);
      checkRun(r);
      expect(r.recording.log.length).toBeGreaterThan(0);
      const release = await talcRun([join("examples/bench", name + ".som"), arg]);
      expect(r.recording.exitStatus).toBe(release.status);
      expect(r.recording.stdout).toBe(release.stdout);
    });
  }
});

/**
 * Programs whose output from a built image differs from `talc run Source`
 * (an image-vs-source difference of the VM, not of the lab): compared with
 * the release VM running the same image instead of NAME.out.
 */
const IMAGE_DIFFERS: Record<string, string> = {
  // loading ClSub from the image's library does not bind its superclass ClBase as a global
  ClassLoading: "system hasGlobal: #ClBase after ClSub was loaded answers false from an image",
};

function runnablePrograms(): string[] {
  return readdirSync(PROGRAMS)
    .filter((f) => f.endsWith(".som") && existsSync(join(PROGRAMS, f.slice(0, -4) + ".out")) && !f.startsWith("Ce"))
    .map((f) => f.slice(0, -4))
    .sort();
}

describe("SOM test programs: every send agrees; expected output and status", () => {
  for (const name of runnablePrograms()) {
    it(name, async () => {
      const argsFile = join(PROGRAMS, name + ".args");
      const args = existsSync(argsFile) ? readFileSync(argsFile, "utf8").split("\n").filter((l) => l !== "") : [];
      const statusFile = join(PROGRAMS, name + ".status");
      const status = existsSync(statusFile) ? Number(readFileSync(statusFile, "utf8").trim()) : 0;
      const r = await lab(join(PROGRAMS, name + ".som"), args, [PROGRAMS]);
      checkRun(r);
      if (IMAGE_DIFFERS[name] === undefined) {
        expect(r.recording.stdout).toBe(readFileSync(join(PROGRAMS, name + ".out"), "utf8"));
        expect(r.recording.exitStatus).toBe(status);
      } else {
        const img = join(mkdtempSync(join(tmpdir(), "talc-sim-")), "app.img");
        writeFileSync(img, r.image);
        const release = await talcRun(["-cp", "test/som/programs", img, ...args]);
        expect(r.recording.stdout).toBe(release.stdout);
        expect(r.recording.exitStatus).toBe(release.status);
      }
    });
  }
});

describe("more send paths", () => {
  it("SOM unit tests (TestRunner): super sends, doesNotUnderstand:, perform:", async () => {
    const unit = join(ROOT, "test/som/unit");
    const r = await lab(join(unit, "TestRunner.som"), [], [unit]);
    checkRun(r);
    expect(r.recording.exitStatus).toBe(0);
    expect(r.report.run.superSends).toBeGreaterThan(0);
    expect(r.report.run.dnuSends).toBeGreaterThan(0);
  });

  it("a 512 KiB heap: collections between trace batches move every object", async () => {
    const r = await lab(join(PROGRAMS, "DeepGc.som"), [], [PROGRAMS], 512 * 1024);
    checkRun(r);
    expect(r.recording.gcCount).toBeGreaterThan(2);
    expect(r.recording.stdout).toBe(readFileSync(join(PROGRAMS, "DeepGc.out"), "utf8"));
  });
});
