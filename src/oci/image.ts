/**
 * Which image the VMs boot. No hard-coded OCIDs: the newest platform image of
 * the configured Oracle Linux release that fits the shape, or an explicit OCID.
 */
import * as oci from "@pulumi/oci";
import { ConfigError } from "../base/errors";
import { keyOf } from "../base/format";

export interface ChosenImage {
  readonly id: string;
  readonly displayName: string;
  readonly operatingSystem: string;
  readonly operatingSystemVersion: string;
  /** The image's own size, rounded up to whole GB: no boot volume may be smaller. */
  readonly sizeGbs: number;
}

/**
 * The `getImages` query for a release and shape. The display-name filter keeps
 * Oracle's plain platform images (`Oracle-Linux-7.9-2024.05.29-0`, or with
 * `-aarch64-` on Ampere) and drops the GPU and other variants a shape filter lets through.
 */
export function imageQuery(compartmentId: string, operatingSystem: string, version: string, shape: string): oci.core.GetImagesArgs {
  const name = `^${operatingSystem.replace(/ /g, "-")}-${version.replace(/\./g, "\\.")}-(aarch64-)?\\d{4}\\.\\d{2}\\.\\d{2}-\\d+$`;
  return {
    compartmentId,
    operatingSystem,
    operatingSystemVersion: version,
    shape,
    state: "AVAILABLE",
    sortBy: "TIMECREATED",
    sortOrder: "DESC",
    filters: [{ name: "display_name", values: [name], regex: true }],
  };
}

function toChosen(i: { id: string; displayName: string; operatingSystem: string; operatingSystemVersion: string; sizeInMbs: string }): ChosenImage {
  return {
    id: i.id,
    displayName: i.displayName,
    operatingSystem: i.operatingSystem,
    operatingSystemVersion: i.operatingSystemVersion,
    sizeGbs: Math.ceil(Number(i.sizeInMbs) / 1024),
  };
}

/** The image a shape boots, and the newest platform image when that is another one. */
export interface ImageChoice {
  readonly image: ChosenImage;
  /** Set when a newer platform image than the pinned one exists, or when nothing is pinned. */
  readonly newer?: ChosenImage;
  readonly pinned: boolean;
}

/**
 * Looks up the image for one shape: an explicit `image.id` for every pool, the
 * pinned OCID of the shape, or the newest platform image. The newest is always looked
 * up for platform images so the plan can say when a pin is behind. A missing image is
 * a config problem (wrong region/shape).
 */
export async function lookupImage(q: { compartmentId: string; operatingSystem: string; version: string; shape: string; imageId?: string; pinnedId?: string }): Promise<ImageChoice> {
  if (q.imageId) return { image: toChosen(await oci.core.getImage({ imageId: q.imageId })), pinned: true };
  const result = await oci.core.getImages(imageQuery(q.compartmentId, q.operatingSystem, q.version, q.shape));
  const newest = result.images[0];
  if (q.pinnedId) {
    const image = toChosen(await oci.core.getImage({ imageId: q.pinnedId }));
    return { image, pinned: true, newer: newest && newest.id !== image.id ? toChosen(newest) : undefined };
  }
  if (!newest) {
    throw new ConfigError([
      `${keyOf(["image", "version"])} has no ${q.operatingSystem} ${q.version} platform image for shape ${q.shape} in this region (got ${JSON.stringify(q.version)}); pick another shape or set ${keyOf(["image", "id"])}`,
    ]);
  }
  return { image: toChosen(newest), pinned: false, newer: toChosen(newest) };
}

/** The config command that pins (or moves the pin of) a shape's image. */
export function pinImageCommand(shape: string, imageId: string): string {
  return `pulumi config set --path 'ci-infra:image.pinned["${shape}"]' ${imageId}`;
}

/** A boot volume smaller than its image cannot hold it (Harvester refuses the same for root disks). */
export function bootVolumeProblems(groups: readonly { key: string[]; count: number; bootVolumeGbs: number; image: ChosenImage }[]): string[] {
  return groups
    .filter((g) => g.count > 0 && g.bootVolumeGbs < g.image.sizeGbs)
    .map((g) => `${keyOf(g.key)} must be at least the image's own size, ${g.image.sizeGbs} GB for ${g.image.displayName} (got ${g.bootVolumeGbs})`);
}
