/** Small readers shared by the rules: inputs arrive loosely typed and may be unknown. */
import { cidrContains, parseCidr } from "../base/cidr";
import { UNKNOWN_PLACEHOLDER } from "../base/errors";
import { NODE_PORT_MAX, NODE_PORT_MIN } from "../ports";

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== UNKNOWN_PLACEHOLDER ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Structured documents (IAM policies) arrive as JSON text or as objects. */
export function json(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

export const WORLD = ["0.0.0.0/0", "::/0"];

/** True when `cidr` lies inside one of `allowed` (both IPv4 CIDRs). IPv6 is never inside an IPv4 list. */
export function cidrWithin(cidr: string, allowed: readonly string[]): boolean {
  const inner = parseCidr(cidr);
  if (!inner) return false;
  return allowed.some((a) => {
    const outer = parseCidr(a);
    return outer !== undefined && cidrContains(outer, inner);
  });
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export const ALL_PORTS: PortRange = { min: 1, max: 65535 };
/** Kubernetes' default NodePort range (`--service-node-port-range`). */
export const NODE_PORTS: PortRange = { min: NODE_PORT_MIN, max: NODE_PORT_MAX };

export function overlaps(a: PortRange, b: PortRange): boolean {
  return a.min <= b.max && b.min <= a.max;
}

export function covers(r: PortRange, port: number): boolean {
  return r.min <= port && port <= r.max;
}

export function describeRange(r: PortRange): string {
  if (r.min === ALL_PORTS.min && r.max === ALL_PORTS.max) return "all ports";
  return r.min === r.max ? `port ${r.min}` : `ports ${r.min}-${r.max}`;
}
