/**
 * What the offline plan's invokes return: realistic answers of the OCI API for a
 * three-AD region, shaped as the provider returns them.
 */

export const AVAILABILITY_DOMAINS = ["Uocm:US-ASHBURN-AD-1", "Uocm:US-ASHBURN-AD-2", "Uocm:US-ASHBURN-AD-3"];

function olImage(date: string, suffix: string, arch: "" | "aarch64-", sizeInMbs: number) {
  return {
    id: `ocid1.image.oc1.iad.aaaaaaaa${suffix}`,
    displayName: `Oracle-Linux-7.9-${arch}${date}-0`,
    operatingSystem: "Oracle Linux",
    operatingSystemVersion: "7.9",
    sizeInMbs: String(sizeInMbs),
    billableSizeInGbs: "0",
    state: "AVAILABLE",
    launchMode: "PARAVIRTUALIZED",
    timeCreated: `${date.replace(/\./g, "-")}T00:00:00.000Z`,
  };
}

/** Newest first, as `sortBy: TIMECREATED, sortOrder: DESC` returns them. */
export const OL79_X86_IMAGES = [
  olImage("2025.10.23", "ol79x86newest00000000000000000000000000000000000000", "", 47694),
  olImage("2025.07.21", "ol79x86previous0000000000000000000000000000000000000", "", 47694),
];
export const OL79_ARM_IMAGES = [olImage("2025.10.23", "ol79armnewest00000000000000000000000000000000000000", "aarch64-", 47694)];

/** A custom image (as `image.id` may name) bigger than the default boot volume. */
export const CUSTOM_IMAGE = {
  ...olImage("2025.11.02", "customci0000000000000000000000000000000000000000000", "", 122880),
  displayName: "ci-agent-golden-2025.11.02",
};

/** The tenancy's Object Storage namespace, as `oci os ns get` prints it. */
export const OBJECT_STORAGE_NAMESPACE = "axciexample01";
