import { PolicyPack } from "@pulumi/policy";

// The pack's entry: a plain list of policies. Never import this file from tests or the CLI:
// constructing a PolicyPack starts its gRPC server.
new PolicyPack("serverless-guard", {
  enforcementLevel: "mandatory",
  policies: [],
});
