/**
 * Walking a zod schema: the error formatter lists the keys a strict object
 * accepts, and the config layer finds every secret field, from the schema itself
 * rather than from a list kept beside it.
 */
import type { z } from "zod";

// zod keeps its definition on `_zod.def`; these are the only parts read here.
interface Def {
  type: string;
  in?: z.ZodType;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
}
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

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
    if (def?.type === "object") s = unwrap(def.shape?.[p as string]);
    else if (def?.type === "array") s = unwrap(def.element);
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
