// The benchmark's floor: a bare cdktf app declaring exactly the resources mailgate synthesized,
// with the provider's L1 classes and nothing else (no YAML, no validation, no policy, no audit,
// no artifacts). Its synth time is what cdktf itself costs for that output; mailgate's ratio to it
// is its own overhead.
//
//   FLOOR_SPEC=spec.json CDKTF_OUTDIR=out npx tsx scripts/bench/floor-app.ts
//
// The spec is `{ "stacks": { "<name>": <cdk.tf.json without "//" metadata> } }`, made by
// `floorSpecFromOutput` (bench/run.ts) from mailgate's own output before anything is timed.
// Deep imports only, resolved from the resource type, as mailgate does (DESIGN.md: the
// provider's index costs seconds and hundreds of MB).
import * as fs from "node:fs";
import type { Construct } from "constructs";
import * as cdktf from "cdktf";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Attributes that are maps: their keys are data (tag names), not Terraform argument names. */
const MAP_ATTRIBUTES = new Set(["tags", "tags_all", "session_tags", "transitive_tag_keys"]);

const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (kebab: string): string => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Terraform JSON arguments -> the L1 constructor's config (snake_case -> camelCase, deeply). */
function toProps(value: Json, mapKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toProps(v));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "//") continue;
    out[mapKeys ? key : camel(key)] = mapKeys ? v : toProps(v, MAP_ATTRIBUTES.has(key));
  }
  return out;
}

type L1Class = new (scope: Construct, id: string, config: unknown) => cdktf.TerraformElement;
const classes = new Map<string, L1Class>();

/** `aws_vpc_security_group_ingress_rule` -> `@cdktf/provider-aws/lib/vpc-security-group-ingress-rule`'s `VpcSecurityGroupIngressRule`. */
function l1Class(type: string, kind: "resource" | "data"): L1Class {
  const key = `${kind}:${type}`;
  let cls = classes.get(key);
  if (!cls) {
    const [provider, ...rest] = type.split("_");
    if (provider !== "aws") throw new Error(`floor: only the aws provider is supported, not ${type}`);
    const module = (kind === "data" ? ["data", "aws", ...rest] : rest).join("-");
    const exports = require(`@cdktf/provider-aws/lib/${module}`) as Record<string, L1Class>;
    cls = exports[pascal(module)];
    if (!cls) throw new Error(`floor: no class ${pascal(module)} in @cdktf/provider-aws/lib/${module}`);
    classes.set(key, cls);
  }
  return cls;
}

function addStack(app: cdktf.App, name: string, spec: JsonObject): void {
  const stack = new cdktf.TerraformStack(app, name);
  const terraform = (spec.terraform ?? {}) as JsonObject;
  for (const [type, config] of Object.entries((terraform.backend ?? {}) as JsonObject)) {
    const Backend = (cdktf as unknown as Record<string, new (scope: Construct, config: unknown) => unknown>)[`${pascal(type)}Backend`];
    if (!Backend) throw new Error(`floor: unsupported backend ${type}`);
    new Backend(stack, toProps(config));
  }

  const providers = new Map<string, cdktf.TerraformProvider>();
  for (const [type, list] of Object.entries((spec.provider ?? {}) as JsonObject)) {
    if (type !== "aws") throw new Error(`floor: only the aws provider is supported, not ${type}`);
    const { AwsProvider } = require("@cdktf/provider-aws/lib/provider") as typeof import("@cdktf/provider-aws/lib/provider");
    (list as JsonObject[]).forEach((config, i) => {
      const alias = typeof config.alias === "string" ? config.alias : undefined;
      const provider = new AwsProvider(stack, alias ?? (i === 0 ? "aws" : `aws${i}`), toProps(config) as never);
      providers.set(alias ? `aws.${alias}` : "aws", provider);
    });
  }

  const declare = (kind: "resource" | "data", blocks: Json | undefined): void => {
    for (const [type, byName] of Object.entries((blocks ?? {}) as JsonObject)) {
      const Cls = l1Class(type, kind);
      for (const [name, config] of Object.entries(byName as JsonObject)) {
        const props = toProps(config) as Record<string, unknown>;
        if (typeof props.provider === "string") {
          props.provider = providers.get(props.provider) ?? fail(`floor: unknown provider ${props.provider as string}`);
        }
        if (props.dependsOn !== undefined) fail(`floor: depends_on is not supported (${type}.${name})`);
        const element = new Cls(stack, `${kind}.${type}.${name}`, props);
        element.overrideLogicalId(name);
      }
    }
  };
  declare("resource", spec.resource);
  declare("data", spec.data);

  for (const [name, config] of Object.entries((spec.output ?? {}) as JsonObject)) {
    new cdktf.TerraformOutput(stack, `output.${name}`, toProps(config) as cdktf.TerraformOutputConfig).overrideLogicalId(name);
  }
  const unsupported = Object.keys(spec).filter((k) => !["terraform", "provider", "resource", "data", "output", "//"].includes(k));
  if (unsupported.length > 0) fail(`floor: unsupported top-level blocks ${unsupported.join(", ")}`);
}

function fail(message: string): never {
  throw new Error(message);
}

function main(): void {
  const specFile = process.env.FLOOR_SPEC ?? fail("floor: set FLOOR_SPEC to the spec JSON file");
  const spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as { stacks: Record<string, JsonObject> };
  const app = new cdktf.App();
  for (const [name, stack] of Object.entries(spec.stacks)) addStack(app, name, stack);
  app.synth();
}

main();
