// TCF writer and reader: header layout, round trip, and one clear error for
// every kind of malformed input.
import { describe, expect, it } from "vitest";
import {
  ClassFileError, compileClass, readClassFile, writeClassFile,
} from "../../host-tools/compiler/index.js";
import { CF_MAGIC, CF_VERSION } from "../../vm-as/layout.js";
import { NO_SUPER, verifyModel } from "./helpers.js";

const ACCOUNT = `"An account with an owner and a balance; the class side counts instances."
Account = (
    | owner balance |
    owner   = ( ^ owner )
    balance = ( ^ balance )
    setOwner: aString = ( owner := aString. balance := 0 )
    deposit: amount = (
        amount <= 0 ifTrue: [ ^ self error: 'bad amount' ].
        balance := balance + amount
    )
    withdraw: amount ifShort: aBlock = (
        amount > balance ifTrue: [ ^ aBlock value ].
        balance := balance - amount.
        ^ amount
    )
    printSummary = ( (owner + ': ' + balance) println )
    + other = primitive
    ----
    | created |
    named: aString = (
        created := (created ifNil: [ 0 ]) + 1.
        ^ self new setOwner: aString
    )
    created = ( ^ created )
)
`;

function bytes(): Uint8Array {
  return compileClass(ACCOUNT, "examples/Account.som", { instanceFields: ["id"], classFields: ["registry"] });
}

describe("class file writer", () => {
  it("header: magic TCF1, version, flags, names, path, own fields only", () => {
    const b = bytes();
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(dv.getUint32(0, true)).toBe(CF_MAGIC);
    expect(new TextDecoder().decode(b.subarray(0, 4))).toBe("TCF1");
    expect(dv.getUint16(4, true)).toBe(CF_VERSION);
    const m = readClassFile(b);
    expect(m.className).toBe("Account");
    expect(m.superName).toBe("Object");
    expect(m.sourcePath).toBe("examples/Account.som");
    expect(m.instanceFields).toEqual(["owner", "balance"]);
    expect(m.classFields).toEqual(["created"]);
    expect(m.instanceMethods.map((x) => x.selector)).toEqual(["owner", "balance", "setOwner:", "deposit:", "withdraw:ifShort:", "printSummary", "+"]);
    expect(m.classMethods.map((x) => x.selector)).toEqual(["named:", "created"]);
    verifyModel(m);
  });

  it("field operands count inherited fields first; class-side operands are 0-based among class-side fields", () => {
    const m = readClassFile(bytes());
    // owner is instance field 1 (after the inherited id)
    expect(Array.from(m.instanceMethods[0].code)).toEqual([6 /* push_field */, 1, 23 /* return_top */]);
    // created is class-side field 1 (after the inherited registry); the linker adds the class object's VM slots
    expect(Array.from(m.classMethods[1].code)).toEqual([6, 1, 23]);
  });

  it("superclass name: as written, Object when omitted, nil for none", () => {
    expect(readClassFile(compileClass("A = B ( )", "A.som", NO_SUPER)).superName).toBe("B");
    expect(readClassFile(compileClass("A = ( )", "A.som", NO_SUPER)).superName).toBe("Object");
    expect(readClassFile(compileClass("A = nil ( )", "A.som", null)).superName).toBe("nil");
  });

  it("primitive methods: kind 1, nArgs from the selector, no code", () => {
    const m = readClassFile(compileClass("P = ( at: i put: v = primitive + x = primitive size = primitive )", "P.som", NO_SUPER));
    expect(m.instanceMethods.map((x) => [x.kind, x.nArgs, x.code.length, x.literals.length])).toEqual([[1, 2, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0]]);
  });

  it("debug line table: statement starts and sends, sorted by pc", () => {
    const m = readClassFile(bytes());
    const withdraw = m.instanceMethods[4];
    const lines = new Set(withdraw.lines.map((e) => e.line));
    expect(lines).toEqual(new Set([12, 13, 14]));
    const deposit = m.instanceMethods[3];
    // the send error: is on line 8, column of the keyword
    expect(deposit.lines).toContainEqual(expect.objectContaining({ line: 8, column: 38 }));
    expect(deposit.lines).toContainEqual(expect.objectContaining({ line: 9, column: 9 }));
  });

  it("round trip: write(read(bytes)) reproduces the bytes", () => {
    const b = bytes();
    expect(writeClassFile(readClassFile(b))).toEqual(b);
  });
});

describe("class file reader errors", () => {
  it("every truncation gives a ClassFileError", () => {
    const b = bytes();
    for (let n = 0; n < b.length; n++) {
      expect(() => readClassFile(b.subarray(0, n)), `prefix ${n}`).toThrow(ClassFileError);
    }
  });

  it("bad magic, version, trailing bytes, unknown tags", () => {
    const b = bytes();
    const bad = (patch: (c: Uint8Array) => Uint8Array, msg: RegExp): void => {
      expect(() => readClassFile(patch(b.slice()))).toThrow(msg);
    };
    bad((c) => { c[0] = 0x58; return c; }, /bad magic/);
    bad((c) => { c[4] = 99; return c; }, /version 99 not supported/);
    bad((c) => { const d = new Uint8Array(c.length + 1); d.set(c); return d; }, /1 unexpected bytes/);
    // corrupt a literal tag: the first LIT_STRING literal of deposit: ('bad amount')
    const at = findBytes(b, new TextEncoder().encode("bad amount")) - 5;
    expect(b[at]).toBe(4);
    bad((c) => { c[at] = 42; return c; }, /unknown literal tag 42/);
  });

  it("a length field pointing past the end is a clear error", () => {
    const b = bytes().slice();
    // class name length at offset 8
    new DataView(b.buffer).setUint32(8, 0x7fffffff, true);
    expect(() => readClassFile(b)).toThrow(/class file: truncated: class name/);
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((x, k) => hay[i + k] === x)) return i;
  }
  return -1;
}
