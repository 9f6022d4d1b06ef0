// Options shared by several commands: the class path (-cp), memory sizes,
// and the rewriting of `-cp` (commander only knows one-letter short flags).
import { InvalidArgumentError, Option } from "commander";

/** Default heap (total of both semispaces) and frame stack, in bytes. */
export const DEFAULT_HEAP_BYTES = 64 * 1024 * 1024;
export const DEFAULT_STACK_BYTES = 4 * 1024 * 1024;
/** Largest size accepted on the command line: wasm32 memory is at most 4 GiB. */
export const MAX_SIZE_BYTES = 2 * 1024 * 1024 * 1024;

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/**
 * Parse a memory size: `65536`, `512k`, `64m`, `1g` (binary units; an
 * optional trailing `b`/`ib` is accepted: `64MiB`, `512kb`).
 * Answers bytes, or throws InvalidArgumentError (commander reports it).
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)(i?b)?\s*$/i.exec(text);
  if (m === null) throw new InvalidArgumentError("expected a size such as 65536, 512k or 64m.");
  const unit = UNITS[m[2].toLowerCase()];
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError("the size must be positive.");
  if (bytes > MAX_SIZE_BYTES) throw new InvalidArgumentError("the size must be at most 2g.");
  return bytes;
}

/** Human form of a byte count for messages: 64m, 512k, 1000. */
export function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

/** The class-path option, displayed as the spec writes it (`-cp`). */
export function classPathOption(): Option {
  const o = new Option("--classpath <dirs>", "class path: directories separated by ':' (searched before Talc's kernel)");
  // Display only: parsing matches on `long`; cli.ts rewrites `-cp` to `--classpath`.
  o.flags = "-cp, --classpath <dirs>";
  return o;
}

/** `--heap`: no commander default, so a command can tell "not given" (undefined). */
export function heapOption(): Option {
  return new Option("--heap <size>", `heap size (both semispaces): 64m, 512k or bytes (default ${formatSize(DEFAULT_HEAP_BYTES)})`)
    .argParser(parseSize);
}

export function stackOption(): Option {
  return new Option("--stack <size>", `frame stack size: 4m, 256k or bytes (default ${formatSize(DEFAULT_STACK_BYTES)})`)
    .argParser(parseSize);
}

/**
 * Rewrite `-cp` to `--classpath` in a command's arguments.  When
 * `passThrough` is set (talc run), only tokens before the first positional
 * are options: `-cp` after <main> belongs to the program and is kept.
 * Values of options in `valueOptions` are skipped, so `--heap -cp` stays.
 */
export function rewriteClassPathFlag(args: readonly string[], valueOptions: readonly string[], passThrough: boolean): string[] {
  const out = args.slice();
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    if (a === "--") break;
    if (a === "-cp") {
      out[i] = "--classpath";
      i++; // its value
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (valueOptions.includes(a)) i++;
      continue;
    }
    if (passThrough) break;
  }
  return out;
}
