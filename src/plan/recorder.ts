/**
 * Records every resource registration the program makes under mocks, with what
 * `pulumi.runtime.Mocks` alone does not see: parent, dependencies, protect and
 * the replacement options (what an `up` may replace, and how).
 * The SDK's mock monitor is wrapped, not replaced, so the program runs exactly as
 * it does in the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { redact } from "./secrets";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly dependsOn: string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** A replacement deletes this resource before creating the new one. */
  readonly deleteBeforeReplace: boolean;
  /** Input paths an `up` does not apply (sorted: a set). */
  readonly ignoreChanges: string[];
  /** Input paths whose change replaces the resource (sorted: a set). */
  readonly replaceOnChanges: string[];
  /** Explicit provider reference (`<urn>::<id>`), when not the default provider. */
  readonly provider?: string;
  /** Inputs as sent to the engine, every secret replaced by "[secret]". */
  readonly inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean | undefined;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDependenciesList(): string[];
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: unknown): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, cb: unknown): void;
}

export interface Recording {
  readonly resources: PlannedResource[];
  /** Redacted outputs registered by each resource, by URN (the stack's are the stack outputs). */
  readonly outputs: Map<string, Record<string, unknown>>;
}

/** Must be called right after `pulumi.runtime.setMocks`. */
export function recordRegistrations(): Recording {
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const recording: Recording = { resources: [], outputs: new Map() };
  const register = monitor.registerResource.bind(monitor);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const parent = req.getParent();
    recording.resources.push({
      urn: monitor.newUrn(parent, req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: parent || undefined,
      dependsOn: [...req.getDependenciesList()].sort(),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
      ignoreChanges: [...req.getIgnorechangesList()].sort(),
      replaceOnChanges: [...req.getReplaceonchangesList()].sort(),
      provider: req.getProvider() || undefined,
      inputs: redact(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
    });
    return register(req, cb);
  };
  monitor.registerResourceOutputs = (req, cb) => {
    recording.outputs.set(req.getUrn(), redact(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
    return registerOutputs(req, cb);
  };
  return recording;
}
