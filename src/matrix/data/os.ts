/** Operating systems of test nodes. */
import { ORACLE_LINUX } from "../../versions";
import type { NodeOs } from "../types";

export const NODE_OS: readonly NodeOs[] = [
  // The seed validated harvester-cloud-provider 0.2.10 on Ubuntu 24.04 nodes (BRIEF §3).
  { id: "ubuntu-24.04", name: "Ubuntu", version: "24.04" },
  // The platform's own VMs (Docker-native, BRIEF §1); pinned in versions.ts.
  { id: `oracle-linux-${ORACLE_LINUX.version}`, name: ORACLE_LINUX.operatingSystem, version: ORACLE_LINUX.version },
];
