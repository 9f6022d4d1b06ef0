// The example programs (examples/*.som) print what they promise.  Expected
// values are computed here independently (BigInt, a JS Game of Life).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../host-tools/classpath.js";
import { talc } from "./helpers.js";

const ex = (name: string): string => join(packageRoot(), "examples", name);

function factorial(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}

describe("examples", () => {
  it("Hello.som", async () => {
    expect(await talc(["run", ex("Hello.som")])).toMatchObject({ status: 0, stdout: "Hello from Talc!\n", stderr: "" });
  });

  it("Echo.som echoes its arguments, including ones that look like options", async () => {
    const r = await talc(["run", ex("Echo.som"), "one", "-two", "--three", "four"]);
    expect(r).toMatchObject({ status: 0, stdout: "one -two --three four\n", stderr: "" });
    expect((await talc(["run", ex("Echo.som")])).stdout).toBe("\n");
  });

  it("Factorial.som computes with big integers", async () => {
    const r = await talc(["run", ex("Factorial.som"), "60"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `60! = ${factorial(60)}\n2 ** 60 = ${2n ** 60n}\ndigits of 60!: ${String(factorial(60)).length}\ncheck: n! / (n-1)! = n  ok\n`);
  });

  it("Demo.som (npm start) shows primes, big numbers, a glider and blocks", async () => {
    const r = await talc(["run", ex("Demo.som")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = r.stdout;
    const primes: number[] = [];
    for (let i = 2; i < 100; i++) if (primes.every((p) => i % p !== 0)) primes.push(i);
    expect(out).toContain(`Primes below 100 (${primes.length}):\n  ${primes.join(" ")}\n`);
    expect(out).toContain(`30 factorial    = ${factorial(30)}\n`);
    expect(out).toContain(`2 raisedTo: 100 = ${2n ** 100n}\n`);
    let [a, b] = [0n, 1n];
    for (let i = 0; i < 100; i++) [a, b] = [b, a + b];
    expect(out).toContain(`fibonacci 100   = ${a}\n`);
    expect(out).toContain(`(30 factorial) / (28 factorial) = ${30 * 29}\n`);
    expect(out).toContain("Squares of 1..10 add up to 385\n");
    expect(out).toContain("Twice (x * 3) applied to 7 is 63\n");
    expect(out).toContain(`1/3 as a double: ${1 / 3}\n`);
    expect(out.endsWith("Bye!\n")).toBe(true);

    // Game of Life on an 8x6 torus, computed here.
    const w = 8, h = 6;
    let cells: boolean[] = new Array(w * h).fill(false);
    for (const [x, y] of [[2, 1], [3, 2], [1, 3], [2, 3], [3, 3]]) cells[(y - 1) * w + x - 1] = true;
    const gens: boolean[][] = [];
    for (let g = 0; g < 5; g++) {
      gens.push(cells);
      cells = cells.map((alive, i) => {
        const x = i % w, y = Math.floor(i / w);
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          if ((dx !== 0 || dy !== 0) && cells[((y + dy + h) % h) * w + ((x + dx + w) % w)]) n++;
        }
        return n === 3 || (alive && n === 2);
      });
    }
    const rows: string[] = [];
    for (let y = 0; y < h; y++) {
      rows.push(gens.map((g) => "  " + g.slice(y * w, y * w + w).map((c) => (c ? "o" : ".")).join("")).join(""));
    }
    expect(out).toContain("Game of Life, generations 0 to 4:\n" + rows.join("\n") + "\n");
  });
});
