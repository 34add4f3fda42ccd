/** Operating systems of test nodes. */
import { HARVESTER_TESTS, ORACLE_LINUX } from "../../versions";
import type { NodeOs } from "../types";

export const NODE_OS: readonly NodeOs[] = [
  // The seed validated harvester-cloud-provider 0.2.10 on Ubuntu 24.04 nodes (BRIEF §3).
  {
    id: "ubuntu-24.04",
    name: "Ubuntu",
    version: "24.04",
    // harvester/tests' own default for --ubuntu-image-url at the pinned commit.
    cloudImage: { url: "https://cloud-images.ubuntu.com/releases/releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img", source: `harvester/tests config.yml@${HARVESTER_TESTS.commit} (ubuntu-image-url)` },
  },
  // The platform's own VMs (Docker-native, BRIEF §1); pinned in versions.ts. No guest image: no matrix boots it.
  { id: `oracle-linux-${ORACLE_LINUX.version}`, name: ORACLE_LINUX.operatingSystem, version: ORACLE_LINUX.version },
];
