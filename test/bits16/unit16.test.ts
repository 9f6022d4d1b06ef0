// The SOM unit tests (test/som/unit, TestRunner) in 16-bit memory, suite by
// suite, against the same suite in 32-bit memory: every test that does not
// check a documented dialect difference (docs/16-BIT.md) passes, and the
// ones that do (DIALECT) are exactly the ones that fail.  TestRunner gets selector texts from the global
// SymbolTable, which 16-bit images bind (and 32-bit images do not).
import { describe, it, expect } from "vitest";
import { join, relative } from "node:path";
import { talc, tempDir } from "../cli/helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const UNIT = join(ROOT, "test", "som", "unit");

/**
 * Tests that check a documented dialect difference (docs/16-BIT.md, numbers
 * 1-5): in 16-bit mode exactly these test methods fail, each for the reason
 * given; every other test of the suite passes.
 */
const DIALECT: Record<string, Record<string, string>> = {
  StringTest: {
    testConcatenation: "5: a Symbol and a class name concatenate as numbers",
    testEquality: "2: 'abc' = #abc is false",
    testConversions: "1: 'abc' asSymbol class is Integer",
  },
  DictionaryTest: {
    testEqualityKeys: "2: #k is not equal to the key 'k'",
    testPair: "5: a class prints its name as a number",
    testAsString: "5: a class prints its name as a number",
  },
  BlockTest: { testClasses: "5: a class prints its name as a number" },
  ObjectTest: {
    testAsString: "5: instance of … prints the class name as a number",
    testPerform: "5: a class prints its name as a number",
    testClassOfEverything: "1: #a class is Integer",
  },
  ReflectionTest: {
    testNames: "5: Class>>name answers a number",
    testMethods: "5: Method>>printString shows numbers",
    testInvoke: "5: a class prints its name as a number",
  },
};

/** Suites not run in 16-bit mode at all. */
const SKIPPED: Record<string, string> = {
  SymbolTest: "every test sends String messages to Symbols (dialect differences 1-4); its first such send stops the run",
};

const SUITES = [
  "IntegerTest", "DoubleTest", "StringTest", "SymbolTest", "ArrayTest", "VectorTest", "SetTest", "DictionaryTest",
  "HashtableTest", "BooleanTest", "NilTest", "BlockTest", "ClosureTest", "ObjectTest", "ReflectionTest",
  "SystemTest", "ReturnTest", "SuperTest", "DnuTest", "LoopTest",
];

async function runner(bits: string[], suite: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return talc(["run", ...bits, "-cp", relative(ROOT, UNIT), relative(ROOT, join(UNIT, "TestRunner.som")), suite], ROOT);
}

describe("SOM unit tests in 16-bit memory (TestRunner)", () => {
  it("the suite list is TestRunner's", async () => {
    const r = await talc(["run", "-cp", relative(ROOT, UNIT), relative(ROOT, join(UNIT, "TestRunner.som"))], ROOT);
    const all = await Promise.all(SUITES.map((s) => runner([], s)));
    const sum = all.reduce((n, x) => n + Number.parseInt(x.stdout.trimEnd().split("\n").pop()!, 10), 0);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe(`${sum} passed, 0 failed`);
  });
  for (const suite of SUITES) {
    const skip = SKIPPED[suite];
    it.skipIf(skip !== undefined)(`${suite}${skip !== undefined ? ` (skipped: ${skip})` : ""}`, async () => {
      const r32 = await runner([], suite);
      const r16 = await runner(["--bits", "16"], suite);
      const n32 = r32.stdout.trimEnd().split("\n").pop()!;
      expect(n32).toMatch(/^[1-9]\d* passed, 0 failed$/);
      const expected = Object.keys(DIALECT[suite] ?? {}).sort();
      const failed = [...new Set(r16.stdout.split("\n").filter((l) => l.startsWith("FAIL "))
        .map((l) => /^FAIL (\w+)>>#(\w+):/.exec(l)?.[2] ?? l))].sort();
      expect(failed, r16.stdout + r16.stderr).toEqual(expected);
      const total = Number.parseInt(n32, 10);
      expect(r16.stdout.trimEnd().split("\n").pop()).toBe(`${total - expected.length} passed, ${expected.length} failed`);
      expect(r16.stderr).toBe("");
      expect(r16.status).toBe(expected.length > 0 ? 1 : 0);
    });
  }
});

const SYMTAB = `SymTab = (
  run = (
    | t s |
    (system hasGlobal: #SymbolTable) println.
    (system hasGlobal: #SymbolTable) ifTrue: [
      t := system global: #SymbolTable.
      (t at: #fooBar + 1) println.
      s := ('ba' + 'zq') asSymbol.
      ((system global: #SymbolTable) at: s + 1) println.
      s := ('qu' + 'ux') asSymbol.
      ((system global: #SymbolTable) at: s + 1) println ]
  )
)
`;

describe("the global SymbolTable", () => {
  it("is bound in 16-bit images only, and follows the table when run-time symbols grow it", async () => {
    const t = tempDir({ "SymTab.som": SYMTAB });
    try {
      const p = join(t.dir, "SymTab.som");
      const a = await talc(["run", p]);
      const b = await talc(["run", "--bits", "16", p]);
      expect(a.stdout).toBe("false\n");
      expect(b.stderr).toBe("");
      expect(b.stdout).toBe("true\nfooBar\nbazq\nquux\n");
    } finally {
      t.cleanup();
    }
  });
});
