/**
 * External validators the tests call. Under CI=true a missing validator fails the
 * test; on a developer machine without it the check is skipped with a notice.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function hasCloudInit(): boolean {
  return spawnSync("cloud-init", ["--version"], { stdio: "ignore" }).status === 0;
}

export const requireValidators = process.env.CI === "true";

/** Runs `cloud-init schema --config-file` on the text; returns its verdict. */
export function cloudInitSchema(text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "cloud-init-"));
  const file = join(dir, "user-data.yaml");
  writeFileSync(file, text);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export function cloudInitVersion(): string {
  return execFileSync("cloud-init", ["--version"], { encoding: "utf8" }).trim();
}
