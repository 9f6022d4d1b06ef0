// Class path construction and class-file lookup (spec 3.14, 3.15).
//
// Order: the -cp directories, then the main file's directory (appended, the
// spec's recommendation), then ".", then Talc's own kernel/ (the implicit
// last entry, so a standard library on the class path wins).
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the Talc package (the folder holding package.json). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "kernel"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("talc: cannot find the Talc package root");
    dir = up;
  }
}

/** Directory of Talc's own kernel library. */
export function kernelDir(): string {
  return join(packageRoot(), "kernel");
}

/** The class name a `<main>` argument names: last path component without `.som`. */
export function mainClassName(main: string): string {
  const b = basename(main);
  return b.endsWith(".som") ? b.slice(0, -4) : b;
}

/**
 * Build the class path for a run.
 * @param cp   the -cp option, directories separated by ':' (or undefined)
 * @param main the <main> argument (class name or path to a .som file)
 * @param cwd  the current directory
 */
export function buildClassPath(cp: string | undefined, main: string | undefined, cwd: string): string[] {
  const dirs: string[] = [];
  if (cp !== undefined && cp !== "") {
    for (const d of cp.split(":")) if (d !== "") dirs.push(resolve(cwd, d));
  }
  if (main !== undefined) {
    const d = dirname(main);
    if (main.includes("/") && d !== "") dirs.push(resolve(cwd, d));
  }
  dirs.push(resolve(cwd, "."));
  dirs.push(kernelDir());
  return dirs;
}

/** First `<dir>/<name>.som` on the class path, or null. */
export function findClassFile(name: string, classPath: readonly string[]): string | null {
  for (const dir of classPath) {
    const p = join(dir, name + ".som");
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not in this directory
    }
  }
  return null;
}
