/**
 * Kubernetes minors and their support windows (kubernetes.io/releases, "End of
 * Life" column). Upstream supports a minor for about 14 months: the 28th of the
 * month, except 1.34 which ended on 2026-10-27 (BRIEF §5).
 */
import type { KubernetesMinor } from "../types";

export const KUBERNETES: readonly KubernetesMinor[] = [
  // Final patches: these lines are closed, so their newest patch is fixed for good.
  { minor: "1.24", released: "2022-05-03", endOfLife: "2023-07-28", latestPatch: "1.24.17" },
  { minor: "1.25", released: "2022-08-23", endOfLife: "2023-10-28", latestPatch: "1.25.16" },
  { minor: "1.26", released: "2022-12-09", endOfLife: "2024-02-28", latestPatch: "1.26.15" },
  { minor: "1.27", released: "2023-04-11", endOfLife: "2024-06-28", latestPatch: "1.27.16" },
  { minor: "1.28", released: "2023-08-15", endOfLife: "2024-10-28", latestPatch: "1.28.15" },
  { minor: "1.29", released: "2023-12-13", endOfLife: "2025-02-28", latestPatch: "1.29.15" },
  { minor: "1.30", released: "2024-04-17", endOfLife: "2025-06-28" },
  { minor: "1.31", released: "2024-08-13", endOfLife: "2025-10-28" },
  { minor: "1.32", released: "2024-12-11", endOfLife: "2026-02-28" },
  { minor: "1.33", released: "2025-04-23", endOfLife: "2026-06-28" },
  { minor: "1.34", released: "2025-08-27", endOfLife: "2026-10-27" },
  { minor: "1.35", released: "2025-12-17", endOfLife: "2027-02-28", endOfLifeProjected: true },
  // Release dates of 1.36 and 1.37 not recorded here yet; k3s shipped v1.37.1 on 2026-09-30.
  { minor: "1.36", endOfLife: "2027-06-28", endOfLifeProjected: true },
  { minor: "1.37", endOfLife: "2027-10-28", endOfLifeProjected: true },
];
