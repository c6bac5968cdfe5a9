// Reading and comparing cdktf output directories: the floor app's spec is made from mailgate's
// output, and the floor's output is checked against it so the ratio compares like with like.
import * as fs from "node:fs";
import * as path from "node:path";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Every stack's `cdk.tf.json`, parsed, by stack name (from `manifest.json`). */
export function readStacks(outdir: string): Map<string, JsonObject> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks = new Map<string, JsonObject>();
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    stacks.set(name, JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")) as JsonObject);
  }
  return stacks;
}

/** The JSON without cdktf's `//` metadata (construct paths, which differ by design). */
export function stripMetadata(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripMetadata);
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) if (key !== "//") out[key] = stripMetadata(value[key]);
  return out;
}

/** The floor app's input: mailgate's stacks without metadata. */
export function floorSpec(outdir: string): { stacks: Record<string, Json> } {
  const stacks: Record<string, Json> = {};
  for (const [name, json] of readStacks(outdir)) stacks[name] = stripMetadata(json);
  return { stacks };
}

export interface OutputSummary {
  readonly stacks: number;
  /** Resources per Terraform type, over all stacks. */
  readonly resources: Record<string, number>;
  readonly providersWithAssumeRole: number;
}

export function summarize(outdir: string): OutputSummary {
  const resources: Record<string, number> = {};
  let providersWithAssumeRole = 0;
  const stacks = readStacks(outdir);
  for (const json of stacks.values()) {
    for (const [type, byName] of Object.entries((json.resource ?? {}) as JsonObject)) {
      resources[type] = (resources[type] ?? 0) + Object.keys(byName as JsonObject).length;
    }
    for (const list of Object.values((json.provider ?? {}) as JsonObject)) {
      for (const provider of list as JsonObject[]) if (provider.assume_role !== undefined) providersWithAssumeRole++;
    }
  }
  return { stacks: stacks.size, resources, providersWithAssumeRole };
}

/** Differences between two output directories, ignoring `//` metadata; empty when equal. */
export function compareOutputs(expectedDir: string, actualDir: string, limit = 5): string[] {
  const expected = readStacks(expectedDir);
  const actual = readStacks(actualDir);
  const problems: string[] = [];
  for (const name of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(name);
    const a = actual.get(name);
    if (!e || !a) problems.push(`stack ${name} only in ${e ? "mailgate" : "floor"} output`);
    else diff(stripMetadata(e), stripMetadata(a), name, problems, limit);
    if (problems.length >= limit) break;
  }
  return problems.slice(0, limit);
}

function diff(e: Json, a: Json, at: string, problems: string[], limit: number): void {
  if (problems.length >= limit) return;
  if (e === null || a === null || typeof e !== "object" || typeof a !== "object" || Array.isArray(e) !== Array.isArray(a)) {
    if (e !== a) problems.push(`${at}: mailgate ${short(e)}, floor ${short(a)}`);
    return;
  }
  const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
  for (const key of keys) {
    const ek = (e as JsonObject)[key];
    const ak = (a as JsonObject)[key];
    if (ek === undefined || ak === undefined) problems.push(`${at}.${key}: only in ${ek === undefined ? "floor" : "mailgate"}`);
    else diff(ek, ak, `${at}.${key}`, problems, limit);
    if (problems.length >= limit) return;
  }
}

function short(value: Json): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
