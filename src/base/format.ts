/**
 * How a message names a key and shows a value: full key, value clipped to a
 * screen line. Shared by the config layer and by every check that reports a key.
 */

export const NAMESPACE = "ci-infra";

/**
 * How much of a value or key name a message shows. A stack value can be a whole
 * certificate or a pasted file (200 kB); the line must still read as one line.
 */
export const SHOWN_CHARS = 120;

/** `text`, or its first SHOWN_CHARS characters, an ellipsis and its length. */
export function clip(text: string): string {
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}… (${text.length} characters)`;
}

/** `["ingress","httpNodePort"]` → `ci-infra:ingress.httpNodePort`; array indexes as `[0]`. */
export function keyOf(path: readonly PropertyKey[]): string {
  let key = `${NAMESPACE}:`;
  path.forEach((p, i) => {
    if (typeof p === "number") key += `[${p}]`;
    else key += i === 0 ? clip(String(p)) : `.${clip(String(p))}`;
  });
  return key;
}

/** A value as a message shows it: numbers and booleans bare, the rest as JSON, long ones shortened. */
export function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  // Cut a long string before quoting it, so the line keeps its closing quote.
  if (typeof v === "string") return v.length <= SHOWN_CHARS ? JSON.stringify(v) : `${JSON.stringify(`${v.slice(0, SHOWN_CHARS)}…`)} (${v.length} characters)`;
  return clip(JSON.stringify(v) ?? String(v));
}
