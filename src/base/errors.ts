/**
 * A user mistake in stack config. Carries one line per problem, each naming the
 * full key (`ci-infra:ingress.httpNodePort`), the value and the rule. Entry points
 * print the lines and exit 2 (offline plan) or report them without a stack trace
 * (`pulumi up`); nothing has been registered when it is thrown.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Shown instead of a secret value in messages, plan output and rendered files. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Shown for a value not known at plan time (a preview's computed output). */
export const UNKNOWN_PLACEHOLDER = "[unknown]";
