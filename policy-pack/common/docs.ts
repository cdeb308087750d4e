/** Where each policy's page lives; the SDK sends it to the engine as the policy's `url` (SARIF helpUri). */
export const POLICY_DOCS_BASE_URL = "https://github.com/serverless-guard/serverless-guard/blob/main/docs/policies/";

export function policyDocUrl(name: string): string {
  return `${POLICY_DOCS_BASE_URL}${name}.md`;
}
