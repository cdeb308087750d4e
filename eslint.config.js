// ESLint flat config: typescript-eslint's recommended rules on all TypeScript and JavaScript, formatting left to
// Prettier (eslint-config-prettier turns off the rules that would fight it).
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const prettier = require("eslint-config-prettier");

module.exports = tseslint.config(
  { ignores: ["**/node_modules/", "**/dist/", "out/", "cli/dist/", "cli/policy-pack/", "lambdas/dist/", "tests/fixtures/**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly" } },
    rules: {
      // Unused parameters named with a leading underscore are deliberate (callbacks with fixed signatures).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
