/** Harvester releases used by the matrices (BRIEF §3). */
import type { HarvesterRelease } from "../types";

export const HARVESTER: readonly HarvesterRelease[] = [{ version: "v1.4.3" }, { version: "v1.5.0" }];
