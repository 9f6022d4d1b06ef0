// Every kernel class parses and compiles (with its superclass fields), and
// every emitted method passes the structural checks; every opcode emitted is
// one of isa.ts.  kernel/ is written by another engineer: missing files are
// skipped.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileClass, decodeCode, parseClass, readClassFile, type ClassAst, type MethodModel, type SuperInfo,
} from "../../host-tools/compiler/index.js";
import { OP_COUNT, OP_NAMES } from "../../vm-as/isa.js";
import { allModelMethods, verifyModel } from "./helpers.js";

const KERNEL = join(__dirname, "..", "..", "kernel");
const files = existsSync(KERNEL) ? readdirSync(KERNEL).filter((f) => f.endsWith(".som")).sort() : [];

function loadAll(): Map<string, { ast: ClassAst; source: string; path: string }> {
  const map = new Map<string, { ast: ClassAst; source: string; path: string }>();
  for (const f of files) {
    const path = join(KERNEL, f);
    const source = readFileSync(path, "utf8");
    map.set(f.slice(0, -4), { ast: parseClass(source, path), source, path });
  }
  return map;
}

/** Superclass fields from the kernel's own class definitions (null for `= nil`). */
function superInfo(classes: ReturnType<typeof loadAll>, ast: ClassAst): SuperInfo | null {
  if (ast.superIsNil) return null;
  const chain: ClassAst[] = [];
  let name: string | null = ast.superName ?? "Object";
  const seen = new Set<string>();
  while (name !== null && !seen.has(name)) {
    seen.add(name);
    const c = classes.get(name);
    if (c === undefined) break;
    chain.unshift(c.ast);
    name = c.ast.superIsNil ? null : (c.ast.superName ?? "Object");
  }
  return {
    instanceFields: chain.flatMap((c) => c.instanceFields.map((f) => f.name)),
    classFields: chain.flatMap((c) => c.classFields.map((f) => f.name)),
  };
}

describe("kernel library", () => {
  it.skipIf(files.length === 0)("every kernel file parses", () => {
    for (const f of files) {
      const source = readFileSync(join(KERNEL, f), "utf8");
      expect(() => parseClass(source, join(KERNEL, f)), f).not.toThrow();
    }
  });

  it.skipIf(files.length === 0)("every kernel class compiles and passes the structural checks", () => {
    const classes = loadAll();
    const used = new Set<number>();
    for (const [name, { ast, source, path }] of classes) {
      const model = readClassFile(compileClass(source, path, superInfo(classes, ast)));
      expect(model.className).toBe(name);
      verifyModel(model);
      for (const m of allModelMethods(model) as MethodModel[]) for (const i of decodeCode(m.code)) used.add(i.op);
    }
    // each opcode emitted is in isa.ts
    for (const op of used) {
      expect(op).toBeLessThan(OP_COUNT);
      expect(OP_NAMES[op]).not.toBe("");
    }
  });
});
