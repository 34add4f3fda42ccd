/**
 * Longhorn's host prerequisites, as its v1.12 preflight checks them (the packages
 * and modules are data in src/compat/requirements.ts, with their source): an iSCSI
 * initiator with iscsid running, an NFS client for RWX volumes and NFS backup
 * targets, and cryptsetup/device-mapper with dm_crypt for encrypted volumes.
 */
import { LONGHORN_HOST } from "../compat/requirements";
import type { CloudInitFragment } from "./fragment";

export function longhornPrerequisitesFragment(): CloudInitFragment {
  return {
    writeFiles: [{ path: "/etc/modules-load.d/longhorn.conf", content: `${LONGHORN_HOST.modules.join("\n")}\n`, permissions: "0644" }],
    packages: [...LONGHORN_HOST.packages],
    runcmd: [
      ...LONGHORN_HOST.modules.map((m) => `modprobe ${m}`),
      // The initiator name must be unique per node; the package ships a placeholder on some images.
      "grep -q '^InitiatorName=iqn' /etc/iscsi/initiatorname.iscsi || echo \"InitiatorName=$(/sbin/iscsi-iname)\" > /etc/iscsi/initiatorname.iscsi",
      "systemctl enable --now iscsid",
    ],
  };
}
