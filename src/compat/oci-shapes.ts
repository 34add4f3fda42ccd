/**
 * Compute shapes this project knows the limits of. Flexible shapes take OCPUs and
 * memory; fixed shapes must not. Limits from Oracle's "Compute Shapes" reference.
 */
export interface FlexShape {
  readonly kind: "flex";
  readonly maxOcpus: number;
  /** Memory per OCPU, GB. */
  readonly minGbPerOcpu: number;
  readonly maxGbPerOcpu: number;
  readonly maxMemoryGbs: number;
  readonly arch: "x86_64" | "aarch64";
}

export interface FixedShape {
  readonly kind: "fixed";
  readonly ocpus: number;
  readonly memoryGbs: number;
  readonly arch: "x86_64" | "aarch64";
}

export type Shape = FlexShape | FixedShape;

export const SHAPES: Readonly<Record<string, Shape>> = {
  "VM.Standard.E4.Flex": { kind: "flex", maxOcpus: 64, minGbPerOcpu: 1, maxGbPerOcpu: 64, maxMemoryGbs: 1024, arch: "x86_64" },
  "VM.Standard.E5.Flex": { kind: "flex", maxOcpus: 94, minGbPerOcpu: 1, maxGbPerOcpu: 64, maxMemoryGbs: 1049, arch: "x86_64" },
  "VM.Standard3.Flex": { kind: "flex", maxOcpus: 32, minGbPerOcpu: 1, maxGbPerOcpu: 64, maxMemoryGbs: 512, arch: "x86_64" },
  // Always Free eligible up to 4 OCPUs / 24 GB in total per tenancy.
  "VM.Standard.A1.Flex": { kind: "flex", maxOcpus: 80, minGbPerOcpu: 1, maxGbPerOcpu: 64, maxMemoryGbs: 512, arch: "aarch64" },
  // Always Free eligible (two per tenancy); too small for a Kubernetes server.
  "VM.Standard.E2.1.Micro": { kind: "fixed", ocpus: 1, memoryGbs: 1, arch: "x86_64" },
  "VM.Standard2.1": { kind: "fixed", ocpus: 1, memoryGbs: 15, arch: "x86_64" },
  "VM.Standard2.2": { kind: "fixed", ocpus: 2, memoryGbs: 30, arch: "x86_64" },
  "VM.Standard2.4": { kind: "fixed", ocpus: 4, memoryGbs: 60, arch: "x86_64" },
};

/** OCI refuses boot volumes below 50 GB and above 32 TB. */
export const BOOT_VOLUME_MIN_GBS = 50;
export const BOOT_VOLUME_MAX_GBS = 32768;
