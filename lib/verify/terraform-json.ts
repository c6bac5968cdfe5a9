// The Terraform JSON cdktf wrote, read as plain JSON: no cdktf, no construct tree, no policy. What
// the verifier reads is what Terraform will read.
import * as fs from "node:fs";
import * as path from "node:path";

/** A resource's arguments as written (snake_case keys), with cdktf's `//` metadata among them. */
export type ResourceBody = Readonly<Record<string, unknown>>;

/** The parts of a stack's `cdk.tf.json` the verifier reads; the rest (backend, outputs, moved, import) it ignores. */
export interface TerraformJson {
  readonly provider?: { readonly aws?: readonly { readonly region?: unknown }[] };
  /** Resource type -> Terraform name -> arguments. */
  readonly resource?: Readonly<Record<string, Readonly<Record<string, ResourceBody>>>>;
  readonly output?: Readonly<Record<string, { readonly value: unknown }>>;
}

/** One stack as written: its name, its folder under the output directory, and its JSON. */
export interface WrittenStack {
  readonly name: string;
  /** `stacks/<name>`: the manifest's working directory, relative to the output directory. */
  readonly folder: string;
  readonly json: TerraformJson;
}

/** One resource of one stack, with the name an error shows. */
export interface WrittenResource {
  readonly stack: string;
  readonly type: string;
  /** The Terraform name: `${type}.${name}` is its address, and `${type}.${name}.id` its reference. */
  readonly name: string;
  /** cdktf's construct path from the `//` metadata (what a developer finds in the code), else the stack and address. */
  readonly path: string;
  readonly body: ResourceBody;
}

/**
 * Every stack cdktf wrote into `outDir` (a staging directory in main.ts): the manifest names them
 * and where each one's JSON is. Sorted by name, so whatever reads them reports in one order.
 */
export function readWrittenStacks(outDir: string): WrittenStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; workingDirectory: string; synthesizedStackPath: string }>;
  };
  return Object.entries(manifest.stacks)
    .map(([key, stack]) => ({
      name: stack.name ?? key,
      folder: stack.workingDirectory,
      json: JSON.parse(fs.readFileSync(path.join(outDir, stack.synthesizedStackPath), "utf8")) as TerraformJson,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The resources of one type in one stack, in the order written. */
export function resourcesOf(stack: string, json: TerraformJson, type: string): WrittenResource[] {
  return Object.entries(json.resource?.[type] ?? {}).map(([name, body]) => ({ stack, type, name, path: pathOf(stack, type, name, body), body }));
}

/** The reference Terraform resolves to a resource's id: how one resource of a stack names another. */
export function idReference(type: string, name: string): string {
  return `\${${type}.${name}.id}`;
}

/** The region of the stack's one AWS provider; none when there is no provider or more than one. */
export function providerRegion(json: TerraformJson): string | undefined {
  const providers = json.provider?.aws ?? [];
  return providers.length === 1 ? text(providers[0]?.region) : undefined;
}

function pathOf(stack: string, type: string, name: string, body: ResourceBody): string {
  const metadata = (body["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
  return text(metadata?.path) ?? `${stack}/${type}.${name}`;
}

/** A string argument; anything else (absent, a number, an object) is none. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A number argument; anything else is none, so `"993"` is never taken for a port. */
export function integer(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** A map of strings (tags); anything else is none. */
export function stringMap(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
