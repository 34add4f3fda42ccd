/**
 * Spreading VMs so one failure takes as few as possible: round-robin over
 * availability domains first (regions with several), then over the three fault
 * domains inside each.
 */
export const FAULT_DOMAINS = ["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3"] as const;

export interface Placement {
  readonly availabilityDomain: string;
  readonly faultDomain: string;
}

export function placement(index: number, availabilityDomains: readonly string[]): Placement {
  if (availabilityDomains.length === 0) throw new Error("no availability domains to place VMs in");
  const ad = index % availabilityDomains.length;
  const fd = Math.floor(index / availabilityDomains.length) % FAULT_DOMAINS.length;
  return { availabilityDomain: availabilityDomains[ad], faultDomain: FAULT_DOMAINS[fd] };
}
