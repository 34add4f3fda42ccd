/**
 * Stack config → the program it names. The one place a program is chosen.
 */
import type { StackConfig } from "../config";
import { kopsCi } from "./kops-ci";
import { ociPlatform } from "./oci-platform";
import type { ProgramResult } from "./types";

export function runProgram(cfg: StackConfig): Promise<ProgramResult> {
  switch (cfg.program) {
    case "oci-platform":
      return ociPlatform(cfg.stack, cfg.settings);
    case "kops-ci":
      return kopsCi(cfg.stack, cfg.settings);
  }
}
