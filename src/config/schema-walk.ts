/**
 * Walking a zod schema: the error formatter lists the keys a strict object
 * accepts and says what a missing value must be, and the config layer finds every
 * secret field, from the schema itself rather than from a list kept beside it.
 */
import type { z } from "zod";

// zod keeps its definition on `_zod.def`; these are the only parts read here.
interface Def {
  type: string;
  in?: z.ZodType;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
}
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;
/** zod marks optional, defaulted and prefaulted fields with `optin`; required ones have none. */
const isOptional = (s: unknown): boolean => (s as { _zod?: { optin?: string } } | undefined)?._zod?.optin !== undefined;
/** A field of `shape`, never a property Object.prototype lends it (`constructor`, `__proto__`). */
const field = (shape: Record<string, z.ZodType> | undefined, key: PropertyKey): z.ZodType | undefined =>
  shape && typeof key === "string" && Object.hasOwn(shape, key) ? shape[key] : undefined;

/** Fields built with `secretString()` (rules.ts) register here. */
export const SECRET_FIELDS = new WeakSet<object>();

/** The schema behind optional/default/prefault/nullable/readonly wrappers and transforms. */
export function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  for (;;) {
    if (!s || SECRET_FIELDS.has(s)) return s;
    const def = defOf(s);
    if (def?.type === "pipe") s = def.in;
    else if (def && ["optional", "default", "prefault", "nullable", "readonly"].includes(def.type)) s = def.innerType;
    else return s;
  }
}

/** The schema of the value at `path`, through objects and arrays. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s = unwrap(schema);
  for (const p of path) {
    const def = defOf(s);
    if (def?.type === "object") s = unwrap(field(def.shape, p));
    else if (def?.type === "array") s = unwrap(def.element);
    else if (def?.type === "record") s = unwrap(def.valueType);
    else return undefined;
  }
  return s;
}

/** Keys a strict object accepts at `path`. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const def = defOf(schemaAt(schema, path));
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/** Paths of every secret field in the schema's objects. */
export function secretPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const s = unwrap(schema);
  if (s && SECRET_FIELDS.has(s)) return [prefix];
  const def = defOf(s);
  if (def?.type !== "object") return [];
  return Object.entries(def.shape ?? {}).flatMap(([k, v]) => secretPaths(v, [...prefix, k]));
}

/** Whether `s` is a `secretString()` field. */
export function isSecretField(s: z.ZodType | undefined): boolean {
  return s !== undefined && SECRET_FIELDS.has(unwrap(s) as object);
}

/**
 * Paths of the secret fields that `value` sets, wherever they sit (objects, lists,
 * maps): the plaintext check decides per leaf, not per top-level key.
 */
export function secretValuePaths(schema: z.ZodType | undefined, value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (value === undefined) return [];
  const s = unwrap(schema);
  if (s && SECRET_FIELDS.has(s)) return [prefix];
  const def = defOf(s);
  if (def?.type === "array" && Array.isArray(value)) return value.flatMap((v, i) => secretValuePaths(def.element, v, [...prefix, i]));
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const entries = Object.entries(value);
  if (def?.type === "object") return entries.flatMap(([k, v]) => secretValuePaths(field(def.shape, k), v, [...prefix, k]));
  if (def?.type === "record") return entries.flatMap(([k, v]) => secretValuePaths(def.valueType, v, [...prefix, k]));
  return [];
}

/**
 * What a value of `schema` must be, in words ("an object with adminCidrs
 * (optional: vcnCidr, …)", "true or false"), for the lines where zod has only its
 * own wording ("Invalid input: expected object, received undefined").
 */
export function expectedOf(schema: z.ZodType | undefined): string | undefined {
  const s = unwrap(schema);
  if (s && SECRET_FIELDS.has(s)) return "a string set with --secret";
  const def = defOf(s);
  switch (def?.type) {
    case "object": {
      const fields = Object.entries(def.shape ?? {});
      const required = fields.filter(([, v]) => !isOptional(v)).map(([k]) => k);
      const optional = fields.filter(([, v]) => isOptional(v)).map(([k]) => k);
      if (required.length === 0) return `an object with any of ${optional.join(", ")}`;
      return `an object with ${required.join(", ")}${optional.length ? ` (optional: ${optional.join(", ")})` : ""}`;
    }
    case "array": {
      const element = expectedOf(def.element);
      return element ? `a list, each ${element}` : "a list";
    }
    case "record":
      return "a map of names to values";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries ?? {}).join(", ")}`;
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    default:
      return undefined;
  }
}
