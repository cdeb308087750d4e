/**
 * Turns a ResourceRecord into the Analyzer protocol's messages, as the engine would send them.
 * Property bags go through google-protobuf's own `Struct.fromJavaScript` (the copy @pulumi/pulumi
 * and @pulumi/policy use), so secret and unknown sentinels reach the pack unchanged.
 */
import { isDeepStrictEqual } from "util";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ProviderRecord, ResourceRecord, SECRET_SIG, SECRET_SIG_VALUE } from "./resource-record";

/** The engine's sentinel for a value unknown during preview (pulumi's `unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Makes a JS value fit for a protobuf Struct: drops `undefined` members (as JSON would) and turns a
 * secret that has only ciphertext (state files) into a secret whose value is unknown. The policy
 * SDK cannot deserialize a secret without `value`; an unknown one makes a policy that reads it
 * report "can't be known" (advisory) instead of crashing, which is honest: we cannot decrypt it.
 */
export function toWireValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toWireValue(v)));
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG] === SECRET_SIG_VALUE) {
    return {
      [SECRET_SIG]: SECRET_SIG_VALUE,
      value: "value" in obj && obj.value !== undefined ? toWireValue(obj.value) : UNKNOWN_VALUE,
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined && typeof v !== "function") out[k] = toWireValue(v);
  }
  return out;
}

/**
 * A remediation returns the whole bag as the pack saw it, so a ciphertext secret comes back as a secret
 * of unknown value. Every part the pack left as it was sent is given back in its original form (the
 * ciphertext, not the unknown sentinel), so only real changes remain.
 */
export function restoreUnchanged(returned: unknown, sent: unknown): unknown {
  if (isDeepStrictEqual(returned, toWireValue(sent))) return sent;
  if (Array.isArray(returned) && Array.isArray(sent))
    return returned.map((v, i) => (i < sent.length ? restoreUnchanged(v, sent[i]) : v));
  const isPlain = (v: unknown): v is Record<string, unknown> =>
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    (v as Record<string, unknown>)[SECRET_SIG] === undefined;
  if (isPlain(returned) && isPlain(sent)) {
    return Object.fromEntries(
      Object.entries(returned).map(([k, v]) => [k, k in sent ? restoreUnchanged(v, sent[k]) : v]),
    );
  }
  return returned;
}

export function toStruct(props: Record<string, unknown> | undefined): Struct {
  return Struct.fromJavaScript((toWireValue(props ?? {}) ?? {}) as Record<string, any>);
}

export function resourceOptions(r: ResourceRecord): analyzerpb.AnalyzerResourceOptions {
  const o = r.options ?? {};
  const opts = new analyzerpb.AnalyzerResourceOptions();
  opts.setProtect(!!o.protect);
  opts.setIgnorechangesList(o.ignoreChanges ?? []);
  if (o.deleteBeforeReplace !== undefined) {
    opts.setDeletebeforereplacedefined(true);
    opts.setDeletebeforereplace(o.deleteBeforeReplace);
  }
  opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
  opts.setAliasesList(o.aliases ?? []);
  if (o.customTimeouts) {
    const t = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
    t.setCreate(durationSeconds(o.customTimeouts.create));
    t.setUpdate(durationSeconds(o.customTimeouts.update));
    t.setDelete(durationSeconds(o.customTimeouts.delete));
    opts.setCustomtimeouts(t);
  }
  if (r.parent) opts.setParent(r.parent);
  return opts;
}

/** "5m", "1h30m", "90s" -> seconds (Go duration syntax, as Pulumi's customTimeouts use). */
export function durationSeconds(d: string | undefined): number {
  if (!d) return 0;
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "s" ? n : n / 1000;
  }
  return total;
}

export function providerResource(p: ProviderRecord): analyzerpb.AnalyzerProviderResource {
  const pr = new analyzerpb.AnalyzerProviderResource();
  pr.setType(p.type);
  pr.setName(p.name);
  pr.setUrn(p.urn);
  pr.setProperties(toStruct(p.properties));
  return pr;
}

/** Analyze (preview-like) and Remediate: the resource's inputs. */
export function analyzeRequest(
  r: ResourceRecord,
  inputs: Record<string, unknown> = r.inputs,
): analyzerpb.AnalyzeRequest {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setProperties(toStruct(inputs));
  req.setOptions(resourceOptions(r));
  if (r.provider) req.setProvider(providerResource(r.provider));
  return req;
}

/** AnalyzeStack (update-like): every resource's outputs with the graph edges. */
export function stackResource(r: ResourceRecord): analyzerpb.AnalyzerResource {
  const ar = new analyzerpb.AnalyzerResource();
  ar.setType(r.type);
  ar.setName(r.name);
  ar.setUrn(r.urn);
  ar.setProperties(toStruct(r.custom ? r.outputs : { ...r.inputs, ...r.outputs }));
  ar.setOptions(resourceOptions(r));
  if (r.provider) ar.setProvider(providerResource(r.provider));
  if (r.parent) ar.setParent(r.parent);
  ar.setDependenciesList(r.dependencies ?? []);
  const deps = ar.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
    deps.set(k, new analyzerpb.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return ar;
}
