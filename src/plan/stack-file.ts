/**
 * Reads a stack file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI hands
 * config to a program: full key → string, JSON for structured values. Encrypted
 * values cannot be decrypted offline; they become a placeholder, still marked secret.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse, YAMLParseError } from "yaml";
import type { RawConfig } from "../config";
import { ConfigError, SECRET_PLACEHOLDER } from "../base/errors";

/** Where the stack files live (Pulumi.yaml: `stackConfigDir: stacks`). */
export const STACKS_DIR = resolve(__dirname, "../../stacks");

export function stackFilePath(stack: string): string {
  return join(STACKS_DIR, `Pulumi.${stack}.yaml`);
}

/** The `<name>` of a `Pulumi.<name>.yaml` file: the stack Pulumi keeps in it. */
export function stackOfFile(path: string): string | undefined {
  return /^Pulumi\.(.+)\.yaml$/.exec(basename(path))?.[1];
}

/** The stacks this repository ships: every `stacks/Pulumi.<stack>.yaml`. */
export function shippedStacks(): string[] {
  return readdirSync(STACKS_DIR)
    .map(stackOfFile)
    .filter((s): s is string => s !== undefined)
    .sort();
}

export interface StackFile extends RawConfig {
  readonly path: string;
  /** ESC environments the stack imports (`environment:`), listed for the summary. */
  readonly environments: readonly string[];
}

function isSecure(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

/** Replaces `{secure: ...}` leaves with the placeholder; reports whether it found any. */
function stripSecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(stripSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v !== null && typeof v === "object") {
    let secret = false;
    const entries: [string, unknown][] = [];
    for (const [k, x] of Object.entries(v)) {
      const r = stripSecure(x);
      entries.push([k, r.value]);
      secret ||= r.secret;
    }
    // fromEntries defines own properties: a `__proto__` key stays a key (and the config
    // check refuses it) instead of silently replacing the object's prototype.
    return { value: Object.fromEntries(entries), secret };
  }
  return { value: v, secret: false };
}

/**
 * The stack file's YAML. A syntax error is a config mistake like any other (exit 2),
 * reported as one `file:line:column` line rather than the parser's excerpt.
 */
function parseYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (err) {
    if (!(err instanceof YAMLParseError)) throw err;
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    const reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError([`${path}:${at.line}:${at.col} is not valid YAML: ${reason}`]);
  }
}

export function readStackFile(path: string, projectName: string): StackFile {
  const doc = (parseYaml(path) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [rawKey, rawValue] of Object.entries(doc.config ?? {})) {
    // `pulumi config set foo` in project `ci-infra` is stored as `ci-infra:foo`.
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    const { value, secret } = stripSecure(rawValue);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.add(key);
  }
  const env = doc.environment;
  const environments = Array.isArray(env) ? env.map(String) : env && typeof env === "object" ? ((env as { imports?: unknown[] }).imports ?? []).map(String) : [];
  return { path, values, secretKeys, environments };
}
