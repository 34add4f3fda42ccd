/**
 * Host firewall. On cluster nodes firewalld is turned off, as k3s and RKE2
 * recommend (its rules fight the CNI's); access is enforced one layer down by the
 * OCI network security groups, which this project manages. Nodes outside the
 * cluster keep firewalld with SSH only.
 */
import type { CloudInitFragment } from "./fragment";

export function clusterNodeFirewallFragment(): CloudInitFragment {
  return { runcmd: ["systemctl disable --now firewalld || true"] };
}

export function standaloneFirewallFragment(): CloudInitFragment {
  return {
    runcmd: ["systemctl enable --now firewalld", "firewall-cmd --permanent --zone=public --add-service=ssh", "firewall-cmd --reload"],
  };
}
