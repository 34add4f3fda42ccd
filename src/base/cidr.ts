/**
 * IPv4 CIDR arithmetic for config validation. Pure; no dependency is worth it
 * for four functions.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

// No leading zeros: some tools read `010` as octal (8), so `010.0.0.0/8` would mean
// different networks to different readers.
const PART = "(0|[1-9]\\d{0,2})";
const CIDR_RE = new RegExp(`^${PART}\\.${PART}\\.${PART}\\.${PART}\\/(0|[1-9]\\d?)$`);

/** Parses `a.b.c.d/n`; returns undefined when it is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const base = (addr & mask(prefix)) >>> 0;
  // Host bits set (10.0.0.1/24) is almost always a typo for the network; refuse it
  // rather than silently widening or narrowing what the user meant.
  if (base !== addr) return undefined;
  return { base, prefix, text };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Dotted-quad text of an unsigned 32-bit address. */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.base & mask(outer.prefix)) >>> 0 === outer.base;
}

/** True when the two ranges share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}
