// Image builder: bootstrap a VM from the class path, link the program's
// classes into the library (SO_LIBRARY: linked, not bound, so System>>load:
// binds them at run time exactly as when loading from source), record the
// entry class and snapshot the heap.
import { TalcVM, TalcError } from "../vm/vmhost.js";
import { findClassFile } from "../classpath.js";
import { readClassFile, decodeCode, type MethodModel, type LiteralModel } from "../compiler/index.js";
import { OP_PUSH_GLOBAL, OP_PUSH_GLOBAL_W } from "../../vm-as/isa.js";

export interface BuildImageOptions {
  classPath: string[];
  /** Main class name (or nothing: an image with the kernel only). */
  main?: string;
  heapBytes: number;
  /** Diagnostics (compile errors); default: collected into the thrown error. */
  stderr?: (b: Uint8Array) => void;
  /**
   * Also link classes named only by symbol or string literals (`system load:
   * #Foo`, `'Foo'`), best effort: one that does not compile is left out.  For
   * images that cannot link at run time (16-bit memory, docs/16-BIT.md).
   */
  linkNamedClasses?: boolean;
  /**
   * Also link the classes the kernel's genesis classes name (Vector, Pair,
   * Set, ...), which a VM that cannot link at run time could not load later.
   */
  linkKernelClosure?: boolean;
}

/** Class-like names among a method's symbol and string literals (and its blocks'). */
function namedClassesOf(m: MethodModel, out: Set<string>): void {
  const visit = (l: LiteralModel): void => {
    if ((l.kind === "symbol" || l.kind === "string") && /^[A-Za-z_][A-Za-z0-9_]*$/.test(l.value)) out.add(l.value);
    else if (l.kind === "block") namedClassesOf(l.method, out);
    else if (l.kind === "array") l.elements.forEach(visit);
  };
  m.literals.forEach(visit);
}

/** Global names a method (and its blocks) reads. */
function globalsOf(m: MethodModel, out: Set<string>): void {
  if (m.code.length > 0) {
    for (const ins of decodeCode(m.code)) {
      if (ins.op === OP_PUSH_GLOBAL || ins.op === OP_PUSH_GLOBAL_W) {
        const lit = m.literals[ins.operands[0]];
        if (lit !== undefined && lit.kind === "symbol") out.add(lit.value);
      }
    }
  }
  const visit = (l: LiteralModel): void => {
    if (l.kind === "block") globalsOf(l.method, out);
    else if (l.kind === "array") l.elements.forEach(visit);
  };
  m.literals.forEach(visit);
}

export async function buildImage(opts: BuildImageOptions): Promise<Uint8Array> {
  const errs: Uint8Array[] = [];
  const vm = await TalcVM.create({
    classPath: opts.classPath,
    heapBytes: opts.heapBytes,
    stdout: () => { /* nothing runs */ },
    stderr: opts.stderr ?? ((b) => errs.push(b.slice())),
  });
  const fail = (what: string): never => {
    const detail = Buffer.concat(errs).toString("utf8").trimEnd();
    throw new TalcError(detail === "" ? what : `${what}\n${detail}`);
  };
  const pending: string[] = [];
  const optional = new Set<string>();
  const scan = (tcf: Uint8Array): void => {
    const model = readClassFile(tcf);
    const names = new Set<string>();
    for (const m of [...model.instanceMethods, ...model.classMethods]) globalsOf(m, names);
    for (const n of names) pending.push(n);
    if (opts.linkNamedClasses === true) {
      const named = new Set<string>();
      for (const m of [...model.instanceMethods, ...model.classMethods]) namedClassesOf(m, named);
      for (const n of named) if (!names.has(n)) { optional.add(n); pending.push(n); }
    }
  };
  // Images that cannot link at run time also need the classes the kernel's
  // own genesis classes name (Vector, Pair, ...): scan those as they link.
  if (opts.linkKernelClosure === true) vm.onCompiled = (_name, tcf) => scan(tcf);
  vm.bootstrap();
  vm.onCompiled = null;
  if (opts.main !== undefined) {
    vm.onCompiled = (_name, tcf) => scan(tcf);
    vm.setLinkToLibrary(true);
    if (findClassFile(opts.main, opts.classPath) === null) fail(`talc: class ${opts.main} not found on the class path`);
    const r = vm.loadClassByName(opts.main);
    if (r <= 0) fail(`talc: cannot build an image for ${opts.main}`);
    const seen = new Set<string>([opts.main]);
    while (pending.length > 0) {
      const n = pending.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (findClassFile(n, opts.classPath) === null) continue;
      if (vm.loadClassByName(n) < 0) {
        // best effort (16-bit images): loading it at run time fails as it would have
        if (opts.linkNamedClasses === true || optional.has(n)) continue;
        fail(`talc: cannot build an image: class ${n} failed to compile`);
      }
    }
    vm.setLinkToLibrary(false);
    vm.onCompiled = null;
    vm.setEntry(opts.main);
  }
  return vm.snapshot();
}
