/**
 * Kubernetes minors and their support windows. The end of life of a closed line is
 * the final date kubernetes/website records in data/releases/eol.yaml (often not the
 * 28th the schedule had planned: 1.30 closed on 2025-07-15, not 2025-06-28); a line
 * still open carries the date data/releases/schedule.yaml plans, marked projected,
 * until eol.yaml records it. kubernetes.io/releases/<minor> is rendered from those
 * two files.
 */
import type { KubernetesMinor } from "../types";

/** The copy of eol.yaml read (kubernetes/website main, as stored 2026; lists 1.32 back to 1.2). */
const EOL = "kubernetes/website data/releases/eol.yaml@main (stored copy listing 1.32.13 as newest final patch)";
const SCHEDULE_2022 = "kubernetes/website data/releases/schedule.yaml@0008cd26e2dc3d7c153c5596a7435b02fc252c89 (releaseDate, 1.x.0 targetDate)";
const SCHEDULE_2024 = "kubernetes/website data/releases/schedule.yaml@28d3e1316ac03edac98c3f2f14eb9b281a17f511 (releaseDate)";
const page = (minor: string) => `kubernetes.io/releases/${minor} (rendered from kubernetes/website data/releases)`;

export const KUBERNETES: readonly KubernetesMinor[] = [
  // Closed lines: end of life and latest patch are eol.yaml's endOfLifeDate and finalPatchRelease.
  { minor: "1.24", released: "2022-05-03", endOfLife: "2023-07-28", latestPatch: "1.24.17", source: `${EOL}; released: ${SCHEDULE_2022}` },
  { minor: "1.25", released: "2022-08-23", endOfLife: "2023-10-28", latestPatch: "1.25.16", source: `${EOL}; released: ${SCHEDULE_2022}` },
  { minor: "1.26", released: "2022-12-09", endOfLife: "2024-02-28", latestPatch: "1.26.15", source: `${EOL}; released: ${SCHEDULE_2022}` },
  { minor: "1.27", released: "2023-04-11", endOfLife: "2024-07-16", latestPatch: "1.27.16", source: `${EOL}; released: ${SCHEDULE_2022}` },
  { minor: "1.28", released: "2023-08-15", endOfLife: "2024-10-22", latestPatch: "1.28.15", source: `${EOL}; released: ${SCHEDULE_2024}` },
  { minor: "1.29", released: "2023-12-13", endOfLife: "2025-02-28", latestPatch: "1.29.14", source: `${EOL}; released: ${SCHEDULE_2024}` },
  { minor: "1.30", released: "2024-04-17", endOfLife: "2025-07-15", source: `${EOL}; released: ${SCHEDULE_2024}` },
  { minor: "1.31", released: "2024-08-13", endOfLife: "2025-11-11", source: `${EOL}; released: ${SCHEDULE_2024}` },
  { minor: "1.32", endOfLife: "2026-02-28", source: EOL },
  // Past their planned end of life, but not in the eol.yaml copy read: the planned date, still marked projected.
  { minor: "1.33", endOfLife: "2026-06-28", endOfLifeProjected: true, source: page("1.33") },
  { minor: "1.34", endOfLife: "2026-10-27", endOfLifeProjected: true, source: page("1.34") },
  { minor: "1.35", endOfLife: "2027-02-28", endOfLifeProjected: true, source: page("1.35") },
  { minor: "1.36", released: "2026-04-22", endOfLife: "2027-06-28", endOfLifeProjected: true, source: `${page("1.36")}: 1.36.0 released 2026-04-22` },
  { minor: "1.37", released: "2026-08-26", endOfLife: "2027-10-28", endOfLifeProjected: true, source: `${page("1.37")}: 1.37.0 released 2026-08-26` },
];
