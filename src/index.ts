/**
 * Pulumi entry point. Config is read and validated once, here; a user mistake is
 * reported as plain lines (no stack trace) before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./config";
import { ConfigError } from "./base/errors";
import { runProgram } from "./programs";

async function main(): Promise<Record<string, unknown>> {
  try {
    const result = await runProgram(readStackConfig());
    return result.outputs;
  } catch (err) {
    // RunError is printed by the Pulumi CLI without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

export = main();
