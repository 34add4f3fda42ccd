/**
 * The config layer: the only code that reads stack config. It turns the raw
 * `ci-infra:*` values into one validated, typed object per program, or throws a
 * ConfigError listing every problem. Secrets stay Pulumi secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, SECRET_PLACEHOLDER } from "../base/errors";
import { clip, keyOf, NAMESPACE, show } from "../base/format";
import { formatIssues } from "./issues";
import { kopsCiSchema } from "./kops-ci";
import { ociPlatformSchema } from "./oci-platform";
import { leafName, readPlaintextLeaves } from "./plaintext-leaves";
import { isSecretField, knownKeys, schemaAt, secretPaths, secretValuePaths } from "./schema-walk";

/** Each program's schema, keyed by the value of `ci-infra:program`. */
export const PROGRAM_SCHEMAS = {
  "oci-platform": ociPlatformSchema,
  "kops-ci": kopsCiSchema,
} as const satisfies Record<string, z.ZodType>;

export type ProgramName = keyof typeof PROGRAM_SCHEMAS;

/**
 * Keys whose values must be set with `pulumi config set --secret` (every
 * `secretString()` field of the program's schema). A plaintext token in a stack
 * file is an error: it would be committed.
 */
export const SECRET_KEYS: Readonly<Record<ProgramName, readonly string[][]>> = Object.fromEntries(
  (Object.keys(PROGRAM_SCHEMAS) as ProgramName[]).map((name) => [name, secretPaths(PROGRAM_SCHEMAS[name])]),
) as Record<ProgramName, string[][]>;

/** A program's validated settings: the output of its schema. */
export type ProgramSettings<P extends ProgramName> = z.output<(typeof PROGRAM_SCHEMAS)[P]>;

/**
 * The validated config of one stack, derived from PROGRAM_SCHEMAS: discriminated by
 * `program`, so narrowing on it types `settings`.
 */
export type StackConfig<P extends ProgramName = ProgramName> = {
  [Q in P]: {
    readonly program: Q;
    readonly settings: ProgramSettings<Q>;
    /** Stack name; part of every globally or regionally unique name. */
    readonly stack: string;
  };
}[P];

/**
 * Config namespaces of the providers this project uses. Pulumi hands their keys
 * to the program too (`oci:region`); the providers check them, this layer only
 * lets them through. Every other namespace is a typo of `ci-infra:`.
 */
const PROVIDER_NAMESPACES = ["oci", "aws", "gcp", "kubernetes", "pulumi"] as const;

/**
 * Names plain JavaScript objects give a meaning of their own. Assigned as a
 * property, `__proto__` replaces the object's prototype: a stack key of that name
 * once gave the config object an inherited `protect: false`, unprotecting every
 * resource. The others shadow Object.prototype's methods. None is ever a setting,
 * so they are refused before anything is assigned.
 */
const SPECIAL_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

/** Raw config as Pulumi hands it to a program: full key → string (JSON for structured values). */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Full keys holding at least one encrypted value; Pulumi marks only top-level keys. */
  readonly secretKeys: ReadonlySet<string>;
  /**
   * The values the stack file holds in plaintext (named as `leafName` names them),
   * given when `values` are decrypted (`pulumi up`): a value of a secret key that is
   * not listed here was set with --secret. Without it, `values` are as the offline
   * reader (src/plan/stack-file.ts) hands them: every encrypted value is
   * SECRET_PLACEHOLDER, the rest were written in plaintext.
   */
  readonly plaintextLeaves?: ReadonlySet<string>;
}

function decode(value: string): unknown {
  // Structured config arrives as JSON text; scalars arrive as plain strings, so a
  // YAML `true` is "true" here.
  if (value === "true" || value === "false") return value === "true";
  const t = value.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** A copy of `v` without SPECIAL_NAMES keys, each reported at its full key. */
function withoutSpecialNames(v: unknown, path: PropertyKey[], problems: string[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => withoutSpecialNames(x, [...path, i], problems));
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (SPECIAL_NAMES.has(k)) problems.push(specialName([...path, k]));
    else out[k] = withoutSpecialNames(x, [...path, k], problems);
  }
  return out;
}

function specialName(path: readonly PropertyKey[]): string {
  return `${keyOf(path)} is not a known key: ${String(path[path.length - 1])} is a name JavaScript objects treat specially, never a setting`;
}

/** Top-level keys of any program, for the "did you mean" of a mistyped namespace. */
const ANY_PROGRAM_KEYS: ReadonlySet<string> = new Set(Object.values(PROGRAM_SCHEMAS).flatMap((s) => knownKeys(s, [])));

function foreignKey(full: string): string {
  const colon = full.indexOf(":");
  const rest = colon < 0 ? "" : full.slice(colon + 1);
  const guess = ANY_PROGRAM_KEYS.has(rest.split(".")[0]) ? ` (did you mean ${NAMESPACE}:${clip(rest)}?)` : "";
  return `${clip(full)} is not a known key: settings live under ${NAMESPACE}:${guess}; other namespaces are the providers' (${PROVIDER_NAMESPACES.join(", ")})`;
}

/** Validates raw config for `stack`. Pure: throws ConfigError, registers nothing. */
export function parseStackConfig(raw: RawConfig, stack: string): StackConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [full, value] of Object.entries(raw.values)) {
    const colon = full.indexOf(":");
    const ns = colon < 0 ? undefined : full.slice(0, colon);
    if (ns !== NAMESPACE) {
      // Provider keys are theirs to check; anything else would be silently ignored.
      if (!(PROVIDER_NAMESPACES as readonly (string | undefined)[]).includes(ns)) problems.push(foreignKey(full));
      continue;
    }
    const key = full.slice(colon + 1);
    if (SPECIAL_NAMES.has(key)) problems.push(specialName([key]));
    else input[key] = withoutSpecialNames(decode(value), [key], problems);
  }
  const program = input.program;
  if (typeof program !== "string" || !Object.hasOwn(PROGRAM_SCHEMAS, program)) {
    const got = program === undefined ? "it is not set" : `got ${show(program)}`;
    throw new ConfigError([...problems, `${keyOf(["program"])} must be one of ${Object.keys(PROGRAM_SCHEMAS).join(", ")} (${got})`]);
  }
  const name = program as ProgramName;
  const schema: z.ZodType = PROGRAM_SCHEMAS[name];

  const plaintext = raw.plaintextLeaves;
  /** Whether the value at `path` reached us encrypted (set with --secret). */
  const wasEncrypted = (path: readonly PropertyKey[], value: unknown): boolean => {
    if (path.length === 0) return false;
    const full = `${NAMESPACE}:${String(path[0])}`;
    if (!raw.secretKeys.has(full)) return false;
    if (plaintext === undefined) return value === SECRET_PLACEHOLDER;
    const leaf = leafName(full, path.slice(1));
    if (value === null || typeof value !== "object") return !plaintext.has(leaf);
    // An object or list arrived encrypted only if none of its values is in plaintext.
    for (const p of plaintext) if (p === leaf || p.startsWith(`${leaf}.`) || p.startsWith(`${leaf}[`)) return false;
    return true;
  };
  // Per value, not per top-level key: `longhorn.backup.secretAccessKey` in plaintext
  // is refused even when its sibling `accessKeyId` is encrypted.
  for (const path of secretValuePaths(schema, input)) {
    if (!wasEncrypted(path, getPath(input, path))) {
      const dotted = keyOf(path).slice(NAMESPACE.length + 1);
      problems.push(`${keyOf(path)} must be set with \`pulumi config set --secret --path '${dotted}' ...\`: a plaintext secret would be committed in the stack file`);
    }
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    // A secret field's value is never shown, nor a leaf set with --secret; a plaintext
    // value beside an encrypted one is shown as itself.
    const hidden = (path: readonly PropertyKey[], value: unknown) =>
      isSecretField(schemaAt(schema, path)) || (value !== null && typeof value !== "object" && wasEncrypted(path, value));
    problems.push(...formatIssues(result.error.issues, input, schema, hidden));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Secret fields are Pulumi secret Outputs already (see secretString in rules.ts).
  return { program: name, settings: result.data!, stack } as StackConfig;
}

function getPath(o: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" && Object.hasOwn(v, p) ? (v as Record<PropertyKey, unknown>)[p] : undefined), o);
}

/** Reads the running stack's config through the Pulumi runtime. */
export function readStackConfig(): StackConfig {
  const values = pulumi.runtime.allConfig();
  // The SDK keeps `isConfigSecret` out of its typings (@internal), yet it is the only
  // way to learn which keys were set with --secret; the plaintext check needs it.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;
  const secretKeys = new Set(Object.keys(values).filter((k) => isSecret(k)));
  // The runtime marks `ci-infra:longhorn` secret as a whole; the stack file says which
  // of its values are in plaintext. Without a file (config from elsewhere), every
  // value of a secret key counts as encrypted.
  const plaintextLeaves = readPlaintextLeaves(pulumi.getStack(), pulumi.getProject()) ?? new Set<string>();
  return parseStackConfig({ values, secretKeys, plaintextLeaves }, pulumi.getStack());
}
