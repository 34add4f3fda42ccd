/**
 * The config layer: the only code that reads stack config. It turns the raw
 * `ci-infra:*` values into one validated, typed object per program, or throws a
 * ConfigError listing every problem. Secrets stay Pulumi secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError } from "./errors";
import { formatIssues, keyOf, NAMESPACE } from "./format";
import { kopsCiSchema, KopsCiSettings } from "./kops-ci";
import { ociPlatformSchema, OciPlatformSettings } from "./oci-platform";
import { secretPaths } from "./schema-walk";

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
export const SECRET_KEYS: Readonly<Record<ProgramName, readonly string[][]>> = {
  "oci-platform": secretPaths(ociPlatformSchema),
  "kops-ci": secretPaths(kopsCiSchema),
};

interface Common {
  /** Stack name; part of every globally or regionally unique name. */
  readonly stack: string;
}

/** Discriminated by `program`: narrowing on it types `settings`. */
export type StackConfig =
  | ({ readonly program: "oci-platform"; readonly settings: OciPlatformSettings } & Common)
  | ({ readonly program: "kops-ci"; readonly settings: KopsCiSettings } & Common);

/** Raw config as Pulumi hands it to a program: full key → string (JSON for structured values). */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
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

/** Validates raw config for `stack`. Pure: throws ConfigError, registers nothing. */
export function parseStackConfig(raw: RawConfig, stack: string): StackConfig {
  const input: Record<string, unknown> = {};
  const secretTop = new Set<string>();
  for (const [full, value] of Object.entries(raw.values)) {
    const [ns, ...rest] = full.split(":");
    if (ns !== NAMESPACE) continue; // provider namespaces (oci:, aws:, gcp:) are theirs to check
    const key = rest.join(":");
    input[key] = decode(value);
    if (raw.secretKeys.has(full)) secretTop.add(key);
  }
  const program = input.program;
  if (typeof program !== "string" || !(program in PROGRAM_SCHEMAS)) {
    const got = program === undefined ? "it is not set" : `got ${JSON.stringify(program)}`;
    throw new ConfigError([`${keyOf(["program"])} must be one of ${Object.keys(PROGRAM_SCHEMAS).join(", ")} (${got})`]);
  }
  const name = program as ProgramName;
  const schema = PROGRAM_SCHEMAS[name];
  const problems: string[] = [];
  for (const path of SECRET_KEYS[name]) {
    if (getPath(input, path) !== undefined && !secretTop.has(path[0])) {
      problems.push(`${keyOf(path)} must be set with \`pulumi config set --secret --path '${path.join(".")}' ...\`: a plaintext secret would be committed in the stack file`);
    }
  }
  const result = schema.safeParse(input);
  if (!result.success) problems.push(...formatIssues(result.error.issues, input, schema, secretTop));
  if (problems.length > 0) throw new ConfigError(problems);
  // Secret fields are Pulumi secret Outputs already (see secretString in rules.ts).
  return { program: name, settings: result.data!, stack } as StackConfig;
}

function getPath(o: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, p) => (v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined), o);
}


/** Reads the running stack's config through the Pulumi runtime. */
export function readStackConfig(): StackConfig {
  const values = pulumi.runtime.allConfig();
  // The SDK keeps `isConfigSecret` out of its typings (@internal), yet it is the only
  // way to learn which keys were set with --secret; the plaintext check needs it.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;
  const secretKeys = new Set(Object.keys(values).filter((k) => isSecret(k)));
  return parseStackConfig({ values, secretKeys }, pulumi.getStack());
}
