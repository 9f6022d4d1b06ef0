// The parts of Talc the commands drive: the VM host, the image builder and
// the compiler.  This file is the only place the commands import them from,
// so an API change shows up here alone.
export { TalcVM, type TalcVMOptions } from "../vm/vmhost.js";
export { buildImage } from "../image/builder.js";
export { parseClass, compileClass, generateClassFile, readClassFile, disassemble, CompileError } from "../compiler/index.js";
