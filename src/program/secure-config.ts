/**
 * `secure:` config as the Pulumi CLI hands it to a program: decrypted with the stack's passphrase
 * provider when the passphrase is given (top-level and nested in structured values), marked secret;
 * otherwise left undecided, and the program sees each such key as a secret whose value is unknown
 * (as an output is during a preview), so it runs on and policies that need the value say they cannot decide.
 */
import * as path from "path";
import { UsageError } from "../errors";
import { passphraseDecrypter, passphraseFromEnv } from "../secrets/passphrase";
import { configValueToString, isSecureValue, StackConfig } from "./project";

export interface ResolvedSecureConfig {
  /** Decrypted values, JSON-encoded as the CLI does for structured config. */
  config: Record<string, string>;
  /** Keys whose values are secrets (the SDK's `setAllConfig` marks them). */
  secretKeys: string[];
  /** Keys left undecided, with why (for a one-line note on stderr). */
  undecided: string[];
  /** Why the undecided keys could not be decrypted; undefined when there are none. */
  reason?: string;
}

/** Replaces every `{secure: ciphertext}` inside `value` with its plaintext. */
function decryptNested(value: unknown, decrypt: (c: string) => string): unknown {
  if (isSecureValue(value)) {
    const c = (value as { secure: unknown }).secure;
    if (typeof c !== "string") throw new UsageError("a secure config value is not a string");
    return decrypt(c);
  }
  if (Array.isArray(value)) return value.map((v) => decryptNested(v, decrypt));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decryptNested(v, decrypt)]));
  return value;
}

/** The provider that encrypted the stack's config: passphrase (with its salt) or another one, named. */
function providerOf(stack: StackConfig): { passphraseState?: string; name: string } {
  const declared = stack.secretsProvider;
  if (stack.encryptionSalt && (!declared || declared === "passphrase"))
    return { passphraseState: stack.encryptionSalt, name: "passphrase" };
  if (declared) return { name: declared.split("://")[0] + (declared.includes("://") ? "://" : "") };
  return { name: "the Pulumi Cloud service" };
}

export async function resolveSecureConfig(
  stack: StackConfig,
  overridden: (key: string) => boolean,
): Promise<ResolvedSecureConfig> {
  const keys = Object.keys(stack.secure).filter((k) => !overridden(k));
  const result: ResolvedSecureConfig = { config: {}, secretKeys: [], undecided: [] };
  if (keys.length === 0) return result;
  const provider = providerOf(stack);
  const passphrase = provider.passphraseState !== undefined ? passphraseFromEnv() : undefined;
  if (provider.passphraseState === undefined || passphrase === undefined) {
    result.undecided = keys.sort();
    result.reason =
      provider.passphraseState !== undefined
        ? "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to decrypt them"
        : `they are encrypted by ${provider.name}, which only the Pulumi CLI can reach`;
    return result;
  }
  let decrypt: (c: string) => string;
  try {
    decrypt = await passphraseDecrypter(passphrase, provider.passphraseState);
  } catch (err) {
    if (err instanceof UsageError && stack.file)
      throw new UsageError(`stack file ${path.basename(stack.file)}: ${err.message}`);
    throw err;
  }
  for (const key of keys) {
    try {
      result.config[key] = configValueToString(decryptNested(stack.secure[key], decrypt));
    } catch (err) {
      throw new UsageError(
        `config '${key}' in ${stack.file ? path.basename(stack.file) : "the stack file"}: ${(err as Error).message}`,
      );
    }
    result.secretKeys.push(key);
  }
  return result;
}

/**
 * Makes the program's `Config` answer every secret accessor of an undecided key with a secret whose value is
 * unknown. The plain accessors (`get`, `require`) return a value synchronously, which cannot be unknown, so
 * they fail with a message naming the key and the way out.
 */
export function installUndecidedSecrets(pulumiDir: string, keys: string[], reason: string): void {
  if (keys.length === 0) return;
  const undecided = new Set(keys);

  const { Config } = require(`${pulumiDir}/config`);

  const { Output } = require(`${pulumiDir}/output`);
  const unknownSecret = () =>
    new Output([], Promise.resolve(undefined), Promise.resolve(false), Promise.resolve(true), Promise.resolve([]));
  const proto = Config.prototype as Record<string, (...args: unknown[]) => unknown> & { fullKey(key: string): string };
  const secretAccessors = [
    "getSecret",
    "getSecretBoolean",
    "getSecretNumber",
    "getSecretObject",
    "requireSecret",
    "requireSecretBoolean",
    "requireSecretNumber",
    "requireSecretObject",
  ];
  for (const name of secretAccessors) {
    const original = proto[name];
    if (typeof original !== "function") continue;
    proto[name] = function (this: typeof proto, key: unknown, ...rest: unknown[]) {
      if (typeof key === "string" && undecided.has(this.fullKey(key))) return unknownSecret();
      return original.call(this, key, ...rest);
    };
  }
  const getImpl = proto.getImpl;
  proto.getImpl = function (this: typeof proto, key: unknown, ...rest: unknown[]) {
    if (typeof key === "string" && undecided.has(this.fullKey(key))) {
      throw new Error(
        `config '${this.fullKey(key)}' is a secret that could not be decrypted (${reason}); read it with getSecret/requireSecret, or give it with --config`,
      );
    }
    return getImpl.call(this, key, ...rest);
  };
}
