/**
 * Pulumi's passphrase secrets provider, as the Pulumi CLI implements it (pulumi/pulumi
 * `sdk/go/common/resource/config/crypt.go` and `pkg/secrets/passphrase/manager.go`):
 * - the stack's state is `v1:<base64 salt>:<check value>`, where the check value is the word `pulumi`
 *   encrypted with the key, so a wrong passphrase is detected before any secret is read;
 * - key = PBKDF2-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes);
 * - each secret is `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext with its 16-byte tag appended>`.
 * Node's own crypto does all of it, so no dependency is needed.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { UsageError } from "../errors";

const ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The Pulumi CLI's own words for a wrong passphrase (manager.go's errorCrypter). */
export const INCORRECT_PASSPHRASE =
  "failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase";

const pbkdf2 = promisify(crypto.pbkdf2);

export async function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2(Buffer.from(passphrase, "utf8"), salt, ITERATIONS, KEY_BYTES, "sha256");
}

export function encryptValue(key: Buffer, plaintext: string, nonce: Buffer = crypto.randomBytes(NONCE_BYTES)): string {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

/** Throws on a malformed value or a failed authentication (wrong key or tampered ciphertext). */
export function decryptValue(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3) throw new Error("bad value");
  if (parts[0] !== "v1") throw new Error("unknown value version");
  const nonce = Buffer.from(parts[1], "base64");
  const sealed = Buffer.from(parts[2], "base64");
  if (nonce.length !== NONCE_BYTES) throw new Error("bad value: nonce size is incorrect");
  if (sealed.length < TAG_BYTES) throw new Error("bad value");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
    "utf8",
  );
}

/** A new provider state (`encryptionsalt`) for a passphrase, as `pulumi stack init` writes it (8-byte salt). */
export async function newPassphraseState(
  passphrase: string,
  salt: Buffer = crypto.randomBytes(8),
): Promise<{ state: string; key: Buffer }> {
  const key = await deriveKey(passphrase, salt);
  return { state: `v1:${salt.toString("base64")}:${encryptValue(key, "pulumi")}`, key };
}

/** A decrypter for a stack's passphrase state; a wrong passphrase is a UsageError in the CLI's wording. */
export async function passphraseDecrypter(passphrase: string, state: string): Promise<(ciphertext: string) => string> {
  const [version, salt] = state.split(":", 3);
  const check = state.split(":").slice(2).join(":");
  if (version !== "v1" || salt === undefined || !check)
    throw new UsageError(`passphrase secrets provider: malformed state value '${state.slice(0, 12)}...'`);
  const key = await deriveKey(passphrase, Buffer.from(salt, "base64"));
  let word: string | undefined;
  try {
    word = decryptValue(key, check);
  } catch {
    word = undefined;
  }
  if (word !== "pulumi") throw new UsageError(INCORRECT_PASSPHRASE);
  return (ciphertext: string) => {
    try {
      return decryptValue(key, ciphertext);
    } catch (err) {
      // Never echo the value: only that it could not be decrypted.
      throw new UsageError(
        `failed to decrypt a secret: ${(err as Error).message === "Unsupported state or unable to authenticate data" ? "it was not encrypted with this stack's passphrase" : (err as Error).message}`,
      );
    }
  };
}

/**
 * The passphrase as the Pulumi CLI reads it: `PULUMI_CONFIG_PASSPHRASE` (set, even empty), else the file named by
 * `PULUMI_CONFIG_PASSPHRASE_FILE` (trimmed); undefined when neither is set.
 */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (!file) return undefined;
  try {
    return fs.readFileSync(path.resolve(file), "utf8").trim();
  } catch (err) {
    throw new UsageError(
      `unable to read PULUMI_CONFIG_PASSPHRASE_FILE: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
