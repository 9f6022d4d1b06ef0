// Activation frames on the frame stack (linear memory, grows upward).
//
//            +--------------------------+
//   lp - 4   | self                     |  the send's receiver slot (a block frame
//            +--------------------------+  stores the closure's outer self here)
//   lp       | local 0 ... local n-1    |  arguments, copied values, temporaries
//            +--------------------------+
//   fp + 0   | FH_METHOD   method oop   |
//   fp + 4   | FH_CLOSURE  closure/nil  |
//   fp + 8   | FH_CALLER   SmallInt fp  |  0 (as SmallInteger) for the bottom frame
//   fp + 12  | FH_IP       SmallInt     |  bytecode offset to resume at (valid while suspended)
//   fp + 16  | FH_SERIAL   SmallInt     |  activation serial (non-local return liveness)
//   fp + 20  | FH_LP       SmallInt     |  address of local 0
//            +--------------------------+
//   fp + 24  | operand stack ...        |  up to S_SP
//            +--------------------------+
//
// The receiver and arguments of a send are pushed by the caller; the callee's
// frame starts right there (lp = receiver slot + 4), so the live part of the
// frame stack is exactly [stack base, S_SP): every word is an oop or a
// SmallInteger.  Returning stores the result in the receiver slot and sets
// sp = lp.  A frame needs at most STACK_RESERVE bytes beyond fp (the linker
// refuses methods whose locals + max stack exceed it).
export const FH_METHOD: i32 = 0;
export const FH_CLOSURE: i32 = 4;
export const FH_CALLER: i32 = 8;
export const FH_IP: i32 = 12;
export const FH_SERIAL: i32 = 16;
export const FH_LP: i32 = 20;
export const FH_BYTES: i32 = 24;
export const STACK_RESERVE: i32 = 4096 + 64;
export const MAX_FRAME_WORDS: i32 = 1000;   // locals + max stack per method

// Quick methods (see linker.ts quickKind): M_PRIMITIVE values of bytecode
// methods the interpreter runs without a frame.
export const QUICK_SELF: i32 = -1;
export const QUICK_TRUE: i32 = -2;
export const QUICK_FALSE: i32 = -3;
export const QUICK_NIL: i32 = -4;
export const QUICK_GET: i32 = -16;     // - field index
export const QUICK_SET: i32 = -1024;   // - field index
