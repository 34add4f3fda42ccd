/**
 * `npm run plan` runs the JavaScript `npm ci` compiled to bin/ (tsconfig.build.json),
 * not the TypeScript: compiling on every run cost ~2 s of a 3 s plan. An edit under
 * src/ after that build would plan stale code, so an entry compiled from src/ checks
 * first: when a source file is newer than the entry's own compiled file (tsc rewrites
 * every output on each build), it runs the build again. The check stats ~250 files
 * (a few ms); it does nothing where there is no src/ (an installed package).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `compiledFile`: the entry's own bin/ file (its `__filename`). */
export function rebuildIfStale(compiledFile: string): void {
  const root = resolve(__dirname, "../..");
  const src = join(root, "src");
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  // Run as TypeScript (tsx, the tests): nothing compiled to be stale.
  if (compiledFile.endsWith(".ts") || !existsSync(src) || !existsSync(tsc)) return;
  const newest = Math.max(newestSource(src), statSync(join(root, "tsconfig.build.json")).mtimeMs);
  if (newest <= statSync(compiledFile).mtimeMs) return;
  process.stderr.write("… src/ changed since the last build: rebuilding bin/ (npm run build)\n");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    process.stderr.write("build failed: fix the errors above, or run the TypeScript directly with npx tsx src/cli/plan.ts\n");
    process.exit(1);
  }
}
