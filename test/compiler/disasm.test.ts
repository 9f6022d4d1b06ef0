// Disassembler output: method headers, instructions with literal comments,
// interleaved source lines, nested blocks indented, selector filter.
import { describe, expect, it } from "vitest";
import { compileClass, disassemble, readClassFile } from "../../host-tools/compiler/index.js";
import { OP_NAMES } from "../../vm-as/isa.js";
import { NO_SUPER } from "./helpers.js";

const SRC = `Counter = (
  | count |
  increment: n = (
    count := count + n.
    ^[:x | x + count]
  )
  size = primitive
  ----
  new = ( ^super new init )
)
`;

function listing(selector?: string, withSource = true): string {
  const model = readClassFile(compileClass(SRC, "lib/Counter.som", NO_SUPER));
  return disassemble(model, withSource ? SRC : undefined, selector);
}

describe("disassemble", () => {
  it("names each method Holder>>selector (file:line), class side as 'X class'", () => {
    const out = listing();
    expect(out).toContain("Counter>>increment: (lib/Counter.som:3)");
    expect(out).toContain("Counter>>size (lib/Counter.som:7)  primitive, args 0");
    expect(out).toContain("Counter class>>new (lib/Counter.som:9)");
  });

  it("lists pc, mnemonic from isa.ts, operands and literal text", () => {
    const out = listing("new");
    expect(out).toMatch(/^\s+0 {2}push_self$/m);
    expect(out).toMatch(/^\s+1 {2}super_send 0 0 {2}; #new$/m);
    expect(out).toMatch(/send 1 0 {2}; #init/);
    for (const line of out.split("\n").filter((l) => /^\s+\d+ {2}/.test(l))) {
      const mnemonic = line.trim().split(/\s+/)[1];
      expect(OP_NAMES).toContain(mnemonic);
    }
  });

  it("interleaves the source lines and indents nested blocks", () => {
    const out = listing("increment:");
    const lines = out.split("\n");
    const i4 = lines.findIndex((l) => l.includes("4 |     count := count + n."));
    const i5 = lines.findIndex((l) => l.includes("5 |     ^[:x | x + count]"));
    expect(i4).toBeGreaterThan(0);
    expect(i5).toBeGreaterThan(i4);
    const blockHeader = lines.findIndex((l) => l.includes("[block: params 1, copied 0, temps 0"));
    expect(blockHeader).toBeGreaterThan(i5);
    // block instructions are indented deeper than the method's
    expect(lines[blockHeader + 1]).toMatch(/^ {8,}\s+0 {2}push_local 0$/);
  });

  it("without source it still names the lines", () => {
    const out = listing("increment:", false);
    expect(out).toContain("Counter>>increment: (lib/Counter.som:4)");
    expect(out).toContain("; line 4");
  });

  it("an unknown selector says so", () => {
    expect(listing("nope")).toContain("No method #nope in Counter");
  });
});
