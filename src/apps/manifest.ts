/**
 * Kubernetes objects the project writes itself are built as plain objects by pure
 * functions (tested against the Kubernetes schemas), then applied here with the
 * typed resource for their kind, and rendered for the plan's `manifests/`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { podSecurityLabels } from "./pod-security";

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The typed resource of each kind we write; anything else is a custom resource (e.g. ClusterIssuer). */
const KINDS: Record<string, ResourceClass> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/Service": k8s.core.v1.Service,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
};

export function applyManifest(logicalName: string, m: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const Kind = KINDS[`${m.apiVersion}/${m.kind}`] ?? k8s.apiextensions.CustomResource;
  return new Kind(logicalName, m, opts);
}

/** `manifests/<namespace or cluster>/<kind>-<name>.yaml` */
export function manifestPath(m: Manifest): string {
  return `manifests/${m.metadata.namespace ?? "_cluster"}/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

export function renderManifest(m: Manifest): string {
  return stringify(m);
}

/** A namespace, with its Pod Security Admission level (src/apps/pod-security.ts). */
export function namespace(name: string, labels: Record<string, string> = {}): Manifest {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "app.kubernetes.io/managed-by": "ci-infra", ...podSecurityLabels(name), ...labels } } };
}

/** An Opaque Secret; values are whatever the caller passes (real secrets, or placeholders for the plan). */
export function opaqueSecret<T>(name: string, ns: string, data: Record<string, T | string>, labels?: Record<string, string>): Manifest {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, type: "Opaque", stringData: data };
}
