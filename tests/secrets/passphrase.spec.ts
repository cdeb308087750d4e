// The passphrase secrets provider against the format the Pulumi CLI documents in its source
// (sdk/go/common/resource/config/crypt.go, pkg/secrets/passphrase/manager.go), checked with Node's raw crypto.
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../src/errors";
import {
  decryptValue,
  encryptValue,
  INCORRECT_PASSPHRASE,
  newPassphraseState,
  passphraseDecrypter,
  passphraseFromEnv,
} from "../../src/secrets/passphrase";

/** An independent reading of one `v1:<nonce>:<ciphertext+tag>` value with a key derived as the CLI derives it. */
function cliDecrypt(passphrase: string, salt: Buffer, value: string): string {
  const key = crypto.pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
  const [version, nonceB64, sealedB64] = value.split(":");
  expect(version).to.equal("v1");
  const nonce = Buffer.from(nonceB64, "base64");
  const sealed = Buffer.from(sealedB64, "base64");
  const d = crypto.createDecipheriv("aes-256-gcm", key, nonce);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]).toString("utf8");
}

describe("passphrase secrets provider", function () {
  // Each key derivation is 1,000,000 PBKDF2 rounds, as the CLI's.
  this.timeout(60_000);

  it("writes the state the CLI writes: v1:<8-byte salt>:v1:<12-byte nonce>:<ciphertext of 'pulumi' + 16-byte tag>", async () => {
    const salt = Buffer.from("0102030405060708", "hex");
    const { state, key } = await newPassphraseState("correct horse", salt);
    const m = /^v1:([A-Za-z0-9+/=]+):(v1:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+))$/.exec(state);
    expect(m, state).to.not.equal(null);
    expect(Buffer.from(m![1], "base64")).to.deep.equal(salt);
    expect(Buffer.from(m![3], "base64")).to.have.length(12);
    expect(Buffer.from(m![4], "base64")).to.have.length("pulumi".length + 16);
    expect(cliDecrypt("correct horse", salt, m![2])).to.equal("pulumi");

    const secret = encryptValue(key, "s3cr3t value ✓");
    expect(cliDecrypt("correct horse", salt, secret)).to.equal("s3cr3t value ✓");
    expect(decryptValue(key, secret)).to.equal("s3cr3t value ✓");
    // A fresh nonce each time, as the CLI draws one per value.
    expect(encryptValue(key, "same")).to.not.equal(encryptValue(key, "same"));
  });

  it("decrypts with the right passphrase and refuses a wrong one in the CLI's own words", async () => {
    const { state, key } = await newPassphraseState("right");
    const decrypt = await passphraseDecrypter("right", state);
    expect(decrypt(encryptValue(key, "db-password"))).to.equal("db-password");
    const wrong = await passphraseDecrypter("wrong", state).then(
      () => undefined,
      (err) => err,
    );
    expect(wrong).to.be.instanceOf(UsageError);
    expect(wrong.message).to.equal(INCORRECT_PASSPHRASE);
    expect(INCORRECT_PASSPHRASE).to.match(
      /^failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE/,
    );
  });

  it("rejects a tampered or malformed value without echoing it", async () => {
    const { state, key } = await newPassphraseState("p");
    const decrypt = await passphraseDecrypter("p", state);
    const value = encryptValue(key, "top-secret");
    const tampered = value.slice(0, -4) + (value.endsWith("AAA=") ? "BBB=" : "AAA=");
    expect(() => decrypt(tampered)).to.throw(UsageError, /not encrypted with this stack's passphrase/);
    expect(() => decrypt("v2:abc:def")).to.throw(/unknown value version/);
    expect(() => decrypt("plaintext")).to.throw(/bad value/);
  });

  it("reads the passphrase as the CLI does: PULUMI_CONFIG_PASSPHRASE (even empty) before PULUMI_CONFIG_PASSPHRASE_FILE (trimmed)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-pass-"));
    try {
      const file = path.join(dir, "pass.txt");
      fs.writeFileSync(file, "  from file\n");
      expect(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: file })).to.equal("");
      expect(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE_FILE: file })).to.equal("from file");
      expect(passphraseFromEnv({})).to.equal(undefined);
      expect(() => passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "none") })).to.throw(
        UsageError,
        "unable to read PULUMI_CONFIG_PASSPHRASE_FILE: ENOENT",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
