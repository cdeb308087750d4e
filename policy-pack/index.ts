import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// The pack's entry (package.json main, compiled). Never import this file from tests or the CLI: constructing a
// PolicyPack starts its gRPC server. Tests and tools import ./policies instead.
new PolicyPack("serverless-guard", {
  enforcementLevel: "mandatory",
  policies,
});
