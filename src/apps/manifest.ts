/**
 * Kubernetes objects the project writes itself are built as plain objects by pure
 * functions (tested against the Kubernetes schemas), then applied here with the
 * typed resource for their kind, and rendered for the plan's `manifests/`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export function applyManifest(logicalName: string, m: Manifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const args = m as any;
  switch (`${m.apiVersion}/${m.kind}`) {
    case "v1/Namespace":
      return new k8s.core.v1.Namespace(logicalName, args, opts);
    case "v1/ConfigMap":
      return new k8s.core.v1.ConfigMap(logicalName, args, opts);
    case "v1/Secret":
      return new k8s.core.v1.Secret(logicalName, args, opts);
    case "v1/Service":
      return new k8s.core.v1.Service(logicalName, args, opts);
    case "v1/PersistentVolumeClaim":
      return new k8s.core.v1.PersistentVolumeClaim(logicalName, args, opts);
    case "apps/v1/Deployment":
      return new k8s.apps.v1.Deployment(logicalName, args, opts);
    case "networking.k8s.io/v1/Ingress":
      return new k8s.networking.v1.Ingress(logicalName, args, opts);
    case "storage.k8s.io/v1/StorageClass":
      return new k8s.storage.v1.StorageClass(logicalName, args, opts);
    default:
      return new k8s.apiextensions.CustomResource(logicalName, args, opts);
  }
}

/** `manifests/<namespace or cluster>/<kind>-<name>.yaml` */
export function manifestPath(m: Manifest): string {
  return `manifests/${m.metadata.namespace ?? "_cluster"}/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

export function renderManifest(m: Manifest): string {
  return stringify(m);
}

export function namespace(name: string, labels: Record<string, string> = {}): Manifest {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "app.kubernetes.io/managed-by": "ci-infra", ...labels } } };
}
