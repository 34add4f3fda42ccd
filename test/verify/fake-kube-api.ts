/**
 * A Kubernetes API server that answers the few calls `npm run verify` makes, with the
 * paths and object shapes upstream serves, written out here rather than taken from
 * src/verify/facts.ts: a wrong group, version, plural, label or field in verify gets a
 * 404 or an object without the field, and the tests fail. Sources:
 * - Helm release Secrets: helm/helm pkg/storage/driver/secrets.go (v3.21.4, v4.2.4).
 * - settings/backups.longhorn.io v1beta2: longhorn/longhorn-manager k8s/pkg/apis/longhorn/v1beta2 (v1.12.1).
 * - etcdsnapshotfiles.k3s.cattle.io v1, cluster-scoped: k3s-io/api (v0.1.2).
 * Anything else is a 404, and every request is recorded.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface KubeWorld {
  token: string;
  secrets: { namespace: string; name: string; type: string; labels?: Record<string, string>; data?: Record<string, string> }[];
  /** `<namespace>/<name>` → the Setting's top-level value. */
  settings: Record<string, string>;
  etcdSnapshotFiles: object[];
  /** Backup objects in longhorn-system. */
  backups: object[];
  persistentVolumes: object[];
  pod: { phase: string; log: string };
  created: { namespace: string; body: Record<string, unknown> }[];
  deleted: string[];
  requests: string[];
}

const notFound = { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 };

function selects(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return labels?.[k] === v;
  });
}

export async function startFakeKubeApi(world: KubeWorld): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    world.requests.push(`${req.method} ${u.pathname}${u.search}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${world.token}`) return json(401, { kind: "Status", code: 401, reason: "Unauthorized" });
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const p = u.pathname;
      let m: RegExpExecArray | null;
      if (req.method === "GET" && p === "/api/v1/secrets") {
        const items = world.secrets
          .filter((s) => selects(s.labels, u.searchParams.get("labelSelector")))
          .map((s) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: s.name, namespace: s.namespace, labels: s.labels }, type: s.type, data: s.data }));
        return json(200, { apiVersion: "v1", kind: "SecretList", metadata: {}, items });
      }
      if (req.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(p))) {
        const s = world.secrets.find((x) => x.namespace === m![1] && x.name === m![2]);
        return s ? json(200, { apiVersion: "v1", kind: "Secret", metadata: { name: s.name, namespace: s.namespace }, type: s.type, data: s.data }) : json(404, notFound);
      }
      if (req.method === "GET" && (m = /^\/apis\/longhorn\.io\/v1beta2\/namespaces\/([^/]+)\/settings\/([^/]+)$/.exec(p))) {
        const v = world.settings[`${m[1]}/${m[2]}`];
        return v === undefined ? json(404, notFound) : json(200, { apiVersion: "longhorn.io/v1beta2", kind: "Setting", metadata: { name: m[2], namespace: m[1] }, value: v, status: { applied: true } });
      }
      if (req.method === "GET" && p === "/apis/k3s.cattle.io/v1/etcdsnapshotfiles") {
        return json(200, { apiVersion: "k3s.cattle.io/v1", kind: "ETCDSnapshotFileList", metadata: {}, items: world.etcdSnapshotFiles });
      }
      if (req.method === "GET" && p === "/apis/longhorn.io/v1beta2/namespaces/longhorn-system/backups") {
        return json(200, { apiVersion: "longhorn.io/v1beta2", kind: "BackupList", metadata: {}, items: world.backups });
      }
      if (req.method === "GET" && p === "/api/v1/persistentvolumes") {
        return json(200, { apiVersion: "v1", kind: "PersistentVolumeList", metadata: {}, items: world.persistentVolumes });
      }
      if (req.method === "POST" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
        const pod = JSON.parse(body) as Record<string, unknown>;
        world.created.push({ namespace: m[1], body: pod });
        return json(201, { ...pod, status: { phase: "Pending" } });
      }
      if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/log)?$/.exec(p))) {
        const known = world.created.some((c) => c.namespace === m![1] && (c.body.metadata as { name: string }).name === m![2]);
        if (!known) return json(404, notFound);
        if (req.method === "DELETE") {
          world.deleted.push(`${m[1]}/${m[2]}`);
          return json(200, { kind: "Pod", metadata: { name: m[2], namespace: m[1] } });
        }
        if (req.method === "GET" && m[3]) {
          res.writeHead(200, { "Content-Type": "text/plain" });
          return res.end(world.pod.log);
        }
        if (req.method === "GET") return json(200, { apiVersion: "v1", kind: "Pod", metadata: { name: m[2], namespace: m[1] }, status: { phase: world.pod.phase } });
      }
      return json(404, notFound);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}
