// ESLint flat config: typescript-eslint's recommended rules on all TypeScript and JavaScript, formatting left to
// Prettier (eslint-config-prettier turns off the rules that would fight it).
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const prettier = require("eslint-config-prettier");

module.exports = tseslint.config(
  {
    ignores: [
      "**/node_modules/",
      "**/dist/",
      "out/",
      "cli/dist/",
      "cli/policy-pack/",
      "lambdas/dist/",
      "tests/fixtures/**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: {
      // Unused parameters named with a leading underscore are deliberate (callbacks with fixed signatures).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // require() is deliberate here: commands and heavy modules load lazily (start-up cost), and a program's own
      // copy of @pulumi/pulumi is loaded from a path computed at run time.
      "@typescript-eslint/no-require-imports": "off",
      // `any` stays at the boundaries that are untyped upstream: the policy SDK's property bags
      // (ResourceValidationArgs.props is Record<string, any>), gRPC messages and parsed JSON.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["tests/**/*.ts"],
    // chai's property assertions (`.to.be.empty`) are expressions by design.
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
  },
);
