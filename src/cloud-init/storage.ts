/**
 * Longhorn's host prerequisites (BRIEF §4): an iSCSI initiator with iscsid
 * running and the iscsi_tcp module loaded, and an NFS client for RWX volumes
 * and NFS backup targets.
 */
import type { CloudInitFragment } from "./fragment";

export function longhornPrerequisitesFragment(): CloudInitFragment {
  return {
    writeFiles: [{ path: "/etc/modules-load.d/longhorn.conf", content: "iscsi_tcp\n", permissions: "0644" }],
    packages: ["iscsi-initiator-utils", "nfs-utils"],
    runcmd: [
      "modprobe iscsi_tcp",
      // The initiator name must be unique per node; the package ships a placeholder on some images.
      "grep -q '^InitiatorName=iqn' /etc/iscsi/initiatorname.iscsi || echo \"InitiatorName=$(/sbin/iscsi-iname)\" > /etc/iscsi/initiatorname.iscsi",
      "systemctl enable --now iscsid",
    ],
  };
}
