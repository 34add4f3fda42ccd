/**
 * What the kops-ci program's invokes return offline: the CI host projects of the
 * shipped kops-ci stacks, as `projects.get` reports them. Any other project is
 * answered the way GCP answers a project you cannot see.
 */

type Inputs = Record<string, unknown>;

export const HOST_PROJECTS: Readonly<Record<string, { readonly number: string; readonly name: string; readonly folderId: string }>> = {
  "k8s-infra-kops-ci": { number: "480235681042", name: "k8s-infra-kops-ci", folderId: "758905017065" },
  "k8s-infra-kops-ci-stg": { number: "731904266127", name: "k8s-infra-kops-ci-stg", folderId: "758905017065" },
};

export const KOPS_INVOKES: Readonly<Record<string, (inputs: Inputs) => Inputs>> = {
  "gcp:organizations/getProject:getProject": (a) => {
    const p = HOST_PROJECTS[String(a.projectId)];
    if (!p) throw new Error(`project ${String(a.projectId)} not found or permission denied (403)`);
    return { id: `projects/${String(a.projectId)}`, projectId: a.projectId, number: p.number, name: p.name, folderId: p.folderId, orgId: "", labels: {} };
  },
};
