/**
 * Empties a versioned OCI Object Storage bucket: every object version (delete markers
 * included) and every uncommitted multipart upload. A rehearsal's review stack writes
 * real backups into its `<stack>-longhorn-backups` bucket, and OCI refuses to delete a
 * bucket that still holds "objects and object versions ... uncommitted multi-part
 * uploads" (https://docs.oracle.com/iaas/Content/Object/Tasks/managingbuckets_topic-To_delete_a_bucket.htm),
 * so `pulumi destroy` of the stack fails unless this runs first.
 *
 * The REST calls are the Object Storage API 20160918 as Oracle's TypeScript SDK makes
 * them (oracle/oci-typescript-sdk lib/objectstorage/lib/client.ts at 2.137.1, the
 * newest read here; this project runs oci-common 2.139.1): GetNamespace `GET /n`,
 * ListObjectVersions `GET /n/{ns}/b/{bucket}/objectversions` (body
 * ObjectVersionCollection `{items: [{name, versionId, isDeleteMarker}]}`, next page in
 * the `opc-next-page` header, passed back as `page`), DeleteObject `DELETE
 * /n/{ns}/b/{bucket}/o/{object}?versionId=`, ListMultipartUploads `GET
 * /n/{ns}/b/{bucket}/u` (an array of `{object, uploadId}`, paged the same way), and
 * AbortMultipartUpload `DELETE /n/{ns}/b/{bucket}/u/{object}?uploadId=`; endpoint
 * `https://objectstorage.{region}.oraclecloud.com` (ObjectStorageClient
 * serviceEndpointTemplate, OC1 realm).
 */
import * as common from "oci-common";

/** One page of a listing and the token of the next, if any. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export interface ObjectStore {
  versions(page?: string): Promise<Page<{ readonly name: string; readonly versionId: string }>>;
  deleteVersion(name: string, versionId: string): Promise<void>;
  uploads(page?: string): Promise<Page<{ readonly object: string; readonly uploadId: string }>>;
  abortUpload(object: string, uploadId: string): Promise<void>;
}

/** Deletes every version and aborts every upload, until a listing comes back empty. Returns the counts. */
export async function emptyBucket(store: ObjectStore, log: (line: string) => void = () => undefined, maxRounds = 20): Promise<{ versions: number; uploads: number }> {
  const done = { versions: 0, uploads: 0 };
  for (let round = 0; round < maxRounds; round++) {
    let found = 0;
    let page: string | undefined;
    do {
      const r = await store.uploads(page);
      for (const u of r.items) await store.abortUpload(u.object, u.uploadId);
      found += r.items.length;
      done.uploads += r.items.length;
      page = r.next;
    } while (page);
    // Deleting while paging would shift the pages: collect a page, delete it, list again.
    const r = await store.versions();
    for (const v of r.items) await store.deleteVersion(v.name, v.versionId);
    found += r.items.length;
    done.versions += r.items.length;
    if (r.items.length) log(`deleted ${done.versions} object versions so far`);
    if (found === 0) return done;
  }
  throw new Error(`the bucket still held objects after ${maxRounds} rounds of deletion (${done.versions} versions deleted): is something still writing to it?`);
}

/** The API key of an OCI user, as the stack's ESC environment holds it (docs/adopting.md, step 3). */
export interface OciApiKey {
  readonly tenancy: string;
  readonly user: string;
  readonly fingerprint: string;
  readonly privateKey: string;
}

/** The key from the `pulumiConfig` of an opened ESC environment (`pulumi env open <env> pulumiConfig`). */
export function apiKeyFromPulumiConfig(config: Record<string, unknown>): OciApiKey {
  const pick = (k: string) => {
    const v = config[k];
    if (typeof v !== "string" || !v) throw new Error(`the environment's pulumiConfig has no ${k}`);
    return v;
  };
  return { tenancy: pick("oci:tenancyOcid"), user: pick("oci:userOcid"), fingerprint: pick("oci:fingerprint"), privateKey: pick("oci:privateKey") };
}

export async function ociObjectStore(key: OciApiKey, region: string, bucket: string): Promise<ObjectStore> {
  const auth = new common.SimpleAuthenticationDetailsProvider(key.tenancy, key.user, key.fingerprint, key.privateKey, null);
  const http = new common.FetchHttpClient(new common.DefaultRequestSigner(auth));
  const baseEndpoint = `https://objectstorage.${region}.oraclecloud.com`;
  const call = async (method: common.Method, path: string, pathParams: common.Params, queryParams: common.Params = {}) => {
    const request = await common.composeRequest({ baseEndpoint, path, method, defaultHeaders: {}, pathParams, queryParams, headerParams: { "Content-Type": "application/json" } });
    const response = await http.send(request);
    if (!response.ok) throw new Error(`Object Storage ${method} ${path.replace("{bucketName}", bucket)}: HTTP ${response.status} ${await response.text()}`);
    return response;
  };
  const namespace = (await (await call("GET", "/n", {})).json()) as string;
  const b = { "{namespaceName}": namespace, "{bucketName}": bucket };
  return {
    async versions(page) {
      const r = await call("GET", "/n/{namespaceName}/b/{bucketName}/objectversions", b, { page });
      const body = (await r.json()) as { items?: { name: string; versionId: string }[] };
      return { items: body.items ?? [], next: r.headers.get("opc-next-page") ?? undefined };
    },
    async deleteVersion(name, versionId) {
      await call("DELETE", "/n/{namespaceName}/b/{bucketName}/o/{objectName}", { ...b, "{objectName}": name }, { versionId });
    },
    async uploads(page) {
      const r = await call("GET", "/n/{namespaceName}/b/{bucketName}/u", b, { page });
      return { items: ((await r.json()) as { object: string; uploadId: string }[]) ?? [], next: r.headers.get("opc-next-page") ?? undefined };
    },
    async abortUpload(object, uploadId) {
      await call("DELETE", "/n/{namespaceName}/b/{bucketName}/u/{objectName}", { ...b, "{objectName}": object }, { uploadId });
    },
  };
}
