/**
 * A small evaluator of IAM policy documents, for tests: enough of AWS's
 * evaluation logic (explicit deny wins, then any allow) and of the condition
 * operators our policies use to ask "may this request happen?" instead of
 * comparing JSON. Wildcards: `*` any run of characters, `?` one character.
 */
import type { PolicyDocument, PolicyStatement } from "../../src/kops/aws-policies";

export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context keys (aws:RequestTag/..., aws:ResourceTag/..., iam:PermissionsBoundary, ...). */
  readonly context?: Readonly<Record<string, string | boolean | undefined>>;
}

const wildcard = (pattern: string, flags = "") =>
  new RegExp(`^${pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("")}$`, flags);
/** Actions compare case-insensitively; resources and condition values do not. */
const actionLike = (pattern: string, value: string) => wildcard(pattern, "i").test(value);
const like = (pattern: string, value: string) => wildcard(pattern).test(value);
const exact = (pattern: string, value: string) => pattern === value;

type Test = (expected: string, actual: string) => boolean;
// A negated operator is true when the key is absent; a positive one false (unless ...IfExists).
const OPERATORS: Record<string, { test: Test; negated?: boolean }> = {
  StringEquals: { test: exact },
  StringNotEquals: { test: exact, negated: true },
  StringLike: { test: like },
  StringNotLike: { test: like, negated: true },
  ArnEquals: { test: exact },
  ArnLike: { test: like },
  ArnNotLike: { test: like, negated: true },
  Bool: { test: (p, v) => p.toLowerCase() === v.toLowerCase() },
};

function conditionHolds(condition: PolicyStatement["Condition"], context: IamRequest["context"] = {}): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([rawOperator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (rawOperator === "Null") {
        const absent = actual === undefined;
        return String(expected) === "true" ? absent : !absent;
      }
      const ifExists = rawOperator.endsWith("IfExists");
      const operator = OPERATORS[ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator];
      if (!operator) throw new Error(`iam-eval: operator ${rawOperator} not implemented`);
      if (actual === undefined) return ifExists || Boolean(operator.negated);
      const values = [expected].flat().map(String);
      const match = values.some((v) => operator.test(v, String(actual)));
      return operator.negated ? !match : match;
    }),
  );
}

function statementMatches(st: PolicyStatement, req: IamRequest): boolean {
  const actions = [st.Action].flat();
  if (!actions.some((a) => actionLike(a, req.action))) return false;
  const resources = st.Resource === undefined ? ["*"] : [st.Resource].flat();
  if (!resources.some((r) => like(r, req.resource))) return false;
  return conditionHolds(st.Condition, req.context);
}

/** AWS's decision for one request against one or more identity documents. */
export function decide(docs: PolicyDocument | readonly PolicyDocument[], req: IamRequest): "allow" | "deny" | "implicit-deny" {
  const statements = [docs].flat().flatMap((d) => d.Statement);
  if (statements.some((st) => st.Effect === "Deny" && statementMatches(st, req))) return "deny";
  return statements.some((st) => st.Effect === "Allow" && statementMatches(st, req)) ? "allow" : "implicit-deny";
}

export const allows = (docs: PolicyDocument | readonly PolicyDocument[], req: IamRequest) => decide(docs, req) === "allow";
