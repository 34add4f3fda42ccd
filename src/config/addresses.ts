/**
 * Fixed private addresses of the Kubernetes servers. Joining servers and agents
 * must know where the first server listens before any VM exists, so servers get
 * addresses picked here rather than by DHCP (agents and ci-agents still use DHCP,
 * which hands out addresses from the bottom of the subnet).
 */
import { formatIpv4, parseCidr } from "../base/cidr";

/** Servers sit at the top of the node subnet, away from DHCP's low addresses. */
export const SERVER_OFFSET_FROM_TOP = 16;

export function serverPrivateIps(nodeSubnetCidr: string, count: number): string[] {
  const c = parseCidr(nodeSubnetCidr);
  if (!c) throw new Error(`not a CIDR: ${nodeSubnetCidr}`);
  const size = 2 ** (32 - c.prefix);
  const first = c.base + size - SERVER_OFFSET_FROM_TOP;
  return Array.from({ length: count }, (_, i) => formatIpv4(first + i));
}
