/**
 * CrossGuard entry point: `pulumi preview --policy-pack policy`. The Pulumi CLI
 * runs this with the pack folder as working directory; Node resolves
 * @pulumi/policy and @pulumi/pulumi by walking up to the repository's
 * node_modules, so the pack and the program share one install. @pulumi/policy
 * takes the pack version from ./package.json.
 */
import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies } from "../src/policy/crossguard";

new PolicyPack("ci-infra", { policies: crossGuardPolicies() });
