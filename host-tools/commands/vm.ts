// Creating a VM for a command: program output goes straight to the CLI's io.
import { TalcVM, type TalcVMOptions } from "./engine.js";
import { CliError, plainMessage, type CliIO } from "./context.js";

/** A VM whose program output goes to `io`, in program order. */
export async function createVM(io: CliIO, classPath: string[], heapBytes: number, stackBytes: number, debug: boolean,
                               flash?: TalcVMOptions["flash"], wasmFile?: string): Promise<TalcVM> {
  // The VM host hands over copies (never views of wasm memory).
  try {
    return await TalcVM.create({ heapBytes, stackBytes, classPath, debug, flash, wasmFile, stdout: (b) => io.stdout(b), stderr: (b) => io.stderr(b) });
  } catch (e) {
    throw new CliError(plainMessage(e));
  }
}
