import type * as pulumi from "@pulumi/pulumi";

/** What every program returns: stack outputs, and the files the offline plan writes with `--out`. */
export interface ProgramResult {
  /** Stack outputs (`pulumi stack output`). */
  readonly outputs: Record<string, unknown>;
  /**
   * Rendered artifacts, relative path → text, with every secret replaced by a
   * placeholder that keeps the file valid. The same pure renderers produce what
   * the resources receive, with the real values.
   */
  readonly artifacts: Record<string, pulumi.Input<string>>;
}
