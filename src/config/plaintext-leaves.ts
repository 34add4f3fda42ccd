/**
 * Which values of a stack file are written in plaintext. Under `pulumi up` the
 * runtime hands the program decrypted values and says only which top-level keys
 * hold a secret (`ci-infra:longhorn` as a whole, when just
 * `longhorn.backup.accessKeyId` is encrypted). The plaintext-secret check and the
 * messages decide per value, so they read the stack file itself for this.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** `ci-infra:longhorn` + `["backup", "accessKeyId"]` → `ci-infra:longhorn.backup.accessKeyId`; indexes as `[0]`. */
export function leafName(fullKey: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, p) => (typeof p === "number" ? `${name}[${p}]` : `${name}.${String(p)}`), fullKey);
}

/** A value `pulumi config set --secret` wrote: `{secure: <ciphertext>}`. */
function isSecure(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

function collect(v: unknown, name: string, out: Set<string>): void {
  if (isSecure(v)) return;
  if (Array.isArray(v)) v.forEach((x, i) => collect(x, `${name}[${i}]`, out));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) collect(x, `${name}.${k}`, out);
  else out.add(name);
}

/**
 * The plaintext values of a stack file's `config:`, named as `leafName` names them.
 * Keys without a namespace belong to `project`, as Pulumi reads them.
 */
export function plaintextLeaves(stackFileText: string, project: string): Set<string> {
  const config = (parse(stackFileText) as { config?: unknown } | null)?.config;
  const out = new Set<string>();
  if (config === null || typeof config !== "object") return out;
  for (const [key, v] of Object.entries(config)) collect(v, key.includes(":") ? key : `${project}:${key}`, out);
  return out;
}

/**
 * The plaintext values of the running stack's file (`<stackConfigDir>/Pulumi.<stack>.yaml`
 * beside `Pulumi.yaml` in `projectDir`, where Pulumi runs the program), or
 * undefined when there is no such file (config given another way).
 */
export function readPlaintextLeaves(stack: string, project: string, projectDir = process.cwd()): Set<string> | undefined {
  const projectFile = join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) return undefined;
  const dir = (parse(readFileSync(projectFile, "utf8")) as { stackConfigDir?: unknown } | null)?.stackConfigDir;
  const file = join(projectDir, typeof dir === "string" ? dir : ".", `Pulumi.${stack}.yaml`);
  return existsSync(file) ? plaintextLeaves(readFileSync(file, "utf8"), project) : undefined;
}
