/**
 * A Terraform state (v4) as if a plan were applied, built from the plan's JSON and the provider's
 * schemas alone (see stateFromPlan).
 */
import { createHash, randomUUID } from "node:crypto";
import { DEFAULT_CALLER_ACCOUNT } from "./setup";
import type { CtyType, Expression, Expressions, PlanJson, ProviderSchemas, SchemaAttribute, SchemaBlock, StateResource, TerraformState } from "./json";


/**
 * A Terraform state (v4) as if `plan` were applied: every managed resource in the plan's planned
 * values, with the attributes the plan knows and made-up values for those it leaves unknown
 * (`after_unknown`):
 * - an attribute the configuration takes from another resource's attribute (an expression with
 *   `references`, e.g. `${aws_security_group.x.id}`) gets the value made up for that one, so a
 *   rule's `security_group_id` is its group's `id`;
 * - otherwise a value by schema type: a string `id` a deterministic fake with the resource type's
 *   prefix (`sg-<hash of the address>`), an `arn` an ARN-shaped fake, another string
 *   `fake-<attribute>`; lists and sets [], maps {}, numbers 0, bools false.
 * Resources the plan deletes are absent. Outputs get the same filling. Only the root module.
 * `prior` (the state the plan was made against) only lends its lineage and serial.
 */
export function stateFromPlan(plan: PlanJson, schemas: ProviderSchemas, prior?: TerraformState): TerraformState {
  if (plan.planned_values.root_module.child_modules?.length) throw new Error("stateFromPlan: child modules are not supported");
  const planned = (plan.planned_values.root_module.resources ?? []).filter((r) => r.mode === "managed");
  const byAddress = new Map(planned.map((r) => [r.address, r]));
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c]));
  const configs = new Map((plan.configuration.root_module.resources ?? []).map((r) => [r.address, r]));
  const region = String((plan.configuration.provider_config?.aws?.expressions?.region as Expression | undefined)?.constant_value ?? "us-east-1");

  const filled = new Map<string, Record<string, unknown>>();
  const inProgress = new Set<string>();

  /** The value of `<type>.<name>.<attr>...` once that resource is filled, or undefined if unknown to us. */
  const resolve = (reference: string): { value: unknown } | undefined => {
    const match = /^([a-zA-Z][\w-]*)\.([a-zA-Z_][\w-]*)\.(.+)$/.exec(reference);
    if (!match || match[1] === "data" || match[1] === "var" || match[1] === "local" || match[1] === "module") return undefined;
    const address = `${match[1]}.${match[2]}`;
    if (!byAddress.has(address)) return undefined;
    let value: unknown = attributesOf(address);
    for (const step of match[3].split(".")) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[step];
    }
    return value === undefined ? undefined : { value };
  };

  const attributesOf = (address: string): Record<string, unknown> => {
    const done = filled.get(address);
    if (done) return done;
    if (inProgress.has(address)) throw new Error(`stateFromPlan: reference cycle through ${address}`);
    inProgress.add(address);
    const resource = byAddress.get(address)!;
    const schema = schemas.resources[resource.type];
    if (!schema) throw new Error(`stateFromPlan: no schema for ${resource.type}`);
    const change = changes.get(address);
    const expressions = configs.get(configAddress(address))?.expressions;
    const context: FillContext = { address, type: resource.type, region, resolve };
    const attributes = fillBlock(resource.values, change?.change.after_unknown, schema.block, expressions, context, []);
    filled.set(address, attributes);
    inProgress.delete(address);
    return attributes;
  };

  const grouped = new Map<string, StateResource>();
  for (const resource of planned) {
    const key = `${resource.type}.${resource.name}`;
    const schema = schemas.resources[resource.type];
    let entry = grouped.get(key);
    if (!entry) {
      entry = { mode: "managed", type: resource.type, name: resource.name, provider: `provider["${resource.provider_name}"]`, instances: [] };
      grouped.set(key, entry);
    }
    const dependencies = [...new Set(referencesIn(configs.get(configAddress(resource.address))?.expressions).map(resourceOfReference).filter((a): a is string => !!a && a !== key && byAddress.has(a)))].sort();
    entry.instances.push({
      ...(resource.index !== undefined ? { index_key: resource.index } : {}),
      schema_version: schema?.version ?? resource.schema_version,
      attributes: attributesOf(resource.address),
      sensitive_attributes: [],
      ...(dependencies.length ? { dependencies } : {}),
    });
  }

  const outputs: TerraformState["outputs"] = {};
  for (const [name, out] of Object.entries(plan.planned_values.outputs ?? {})) {
    const change = plan.output_changes?.[name];
    const expression = plan.configuration.root_module.outputs?.[name]?.expression;
    let value: unknown = "value" in out ? out.value : change?.after;
    if (containsUnknown(change?.after_unknown)) {
      const fromConfig = expression ? substituted(expression.constant_value, resolve) : undefined;
      value = fromConfig ? fromConfig.value : fillByShape(value, change?.after_unknown, `fake-output-${name}`);
    }
    if (value === undefined || value === null) continue;
    outputs[name] = { value, type: ctyTypeOfValue(value), ...(out.sensitive ? { sensitive: true } : {}) };
  }

  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: (prior?.serial ?? 0) + 1,
    lineage: prior?.lineage ?? randomUUID(),
    outputs,
    resources: [...grouped.values()],
    check_results: null,
  };
}

interface FillContext {
  readonly address: string;
  readonly type: string;
  readonly region: string;
  readonly resolve: (reference: string) => { value: unknown } | undefined;
}

/** Configuration addresses have no instance keys: `aws_x.y[0]` is configured as `aws_x.y`. */
const configAddress = (address: string) => address.replace(/\[[^\]]*\]$/, "");
const resourceOfReference = (reference: string): string | undefined => /^([a-zA-Z][\w-]*\.[a-zA-Z_][\w-]*)(?:\[|\.|$)/.exec(reference)?.[1];

function referencesIn(expressions: unknown): string[] {
  if (!expressions || typeof expressions !== "object") return [];
  if (Array.isArray(expressions)) return expressions.flatMap(referencesIn);
  const out: string[] = [];
  for (const [key, value] of Object.entries(expressions)) {
    if (key === "references" && Array.isArray(value)) out.push(...(value as string[]));
    else if (key !== "constant_value") out.push(...referencesIn(value));
  }
  return out;
}

export function containsUnknown(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker && typeof marker === "object") return Object.values(marker).some(containsUnknown);
  return false;
}

/**
 * A configuration value with every `${<reference>}` replaced by the referenced (filled) value;
 * undefined if anything in it is more than a plain reference (a function call, a variable...).
 */
function substituted(value: unknown, resolve: FillContext["resolve"]): { value: unknown } | undefined {
  if (typeof value === "string") {
    const whole = /^\$\{([^${}]+)\}$/.exec(value);
    if (whole) return resolve(whole[1].trim());
    let failed = false;
    const text = value.replace(/\$\{([^${}]+)\}/g, (_, reference: string) => {
      const r = resolve(reference.trim());
      if (!r || (typeof r.value !== "string" && typeof r.value !== "number" && typeof r.value !== "boolean")) failed = true;
      return r ? String(r.value) : "";
    });
    return failed || /\$\{|%\{/.test(text.replace(/\$\$\{|%%\{/g, "")) ? undefined : { value: text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{") };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => substituted(v, resolve));
    return items.every((i) => i) ? { value: items.map((i) => i!.value) } : undefined;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, substituted(v, resolve)] as const);
    return entries.every(([, i]) => i) ? { value: Object.fromEntries(entries.map(([k, i]) => [k, i!.value])) } : undefined;
  }
  return { value };
}

const hash = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** EC2-style id prefixes of the resource types mailgate emits; other types get `fake-`. */
const ID_PREFIX: Record<string, string> = {
  aws_security_group: "sg-",
  aws_vpc_security_group_ingress_rule: "sgr-",
  aws_vpc_security_group_egress_rule: "sgr-",
  aws_security_group_rule: "sgrule-",
  aws_ec2_managed_prefix_list: "pl-",
  aws_network_acl_rule: "nacl-",
};

function fakeString(attribute: string, path: readonly (string | number)[], context: FillContext): string {
  if (path.length === 0 && attribute === "id") {
    // Network Firewall's ids are ARNs.
    if (context.type.startsWith("aws_networkfirewall_")) return fakeArn(context);
    return `${ID_PREFIX[context.type] ?? "fake-"}${hash(context.address, 17)}`;
  }
  if (attribute === "arn" || attribute.endsWith("_arn")) return fakeArn(context, attribute);
  return `fake-${attribute}`;
}

/** ARN service and resource kind of the types mailgate emits (others: derived from the type name). */
const ARN_PARTS: Record<string, [string, string]> = {
  aws_security_group: ["ec2", "security-group"],
  aws_vpc_security_group_ingress_rule: ["ec2", "security-group-rule"],
  aws_vpc_security_group_egress_rule: ["ec2", "security-group-rule"],
  aws_ec2_managed_prefix_list: ["ec2", "prefix-list"],
  aws_networkfirewall_rule_group: ["network-firewall", "stateful-rulegroup"],
};

function fakeArn(context: FillContext, attribute = "arn"): string {
  const [service, kind] = ARN_PARTS[context.type] ?? [context.type.replace(/^aws_/, "").split("_")[0], context.type.replace(/^aws_/, "")];
  return `arn:aws:${service}:${context.region}:${DEFAULT_CALLER_ACCOUNT}:${kind}/${hash(`${context.address}.${attribute}`, 17)}`;
}

/** The made-up value of a whole unknown attribute of type `type`. */
function fillType(type: CtyType | undefined, attribute: string, path: readonly (string | number)[], context: FillContext): unknown {
  if (type === "string") return fakeString(attribute, path, context);
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") return [];
    if (kind === "map") return {};
    if (kind === "object") {
      const attrs = inner as Record<string, CtyType>;
      return Object.fromEntries(Object.entries(attrs).map(([k, t]) => [k, fillType(t, k, [...path, k], context)]));
    }
  }
  return null;
}

function fillAttribute(schema: SchemaAttribute, attribute: string, path: readonly (string | number)[], context: FillContext): unknown {
  if (schema.type !== undefined) return fillType(schema.type, attribute, path, context);
  const nested = schema.nested_type;
  if (!nested) return null;
  if (nested.nesting_mode === "single") return fillObject({}, true, nested.attributes, undefined, context, path);
  return nested.nesting_mode === "map" ? {} : [];
}

/**
 * Known values with every unknown position (per the plan's `after_unknown` marker) filled: from
 * the configuration's reference when there is one, else by schema type.
 */
function fillBlock(
  known: unknown,
  marker: unknown,
  block: SchemaBlock,
  expressions: Expressions | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): Record<string, unknown> {
  const values = (known && typeof known === "object" ? known : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const markers = (marker && typeof marker === "object" ? marker : {}) as Record<string, unknown>;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const expression = expressions?.[name] as Expression | undefined;
    out[name] = fillValue(values[name], marker === true ? true : markers[name], attribute, name, expression, context, [...path, name]);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const value = values[name];
    const m = marker === true ? true : markers[name];
    const blockExpressions = expressions?.[name] as Record<string, unknown>[] | undefined;
    if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
      out[name] = value == null && m !== true ? null : fillBlock(value, m, nested.block, blockExpressions?.[0] as Expressions | undefined, context, [...path, name]);
    } else if (nested.nesting_mode === "map") {
      out[name] = m === true ? {} : value ?? {};
    } else if (m === true) {
      out[name] = [];
    } else {
      const items = Array.isArray(value) ? value : [];
      const itemMarkers = Array.isArray(m) ? m : [];
      out[name] = items.map((item, i) =>
        fillBlock(item, itemMarkers[i], nested.block, (nested.nesting_mode === "list" ? blockExpressions?.[i] : undefined) as Expressions | undefined, context, [...path, name, i]),
      );
    }
  }
  return out;
}

function fillObject(
  known: unknown,
  marker: unknown,
  attributes: Record<string, SchemaAttribute>,
  expressions: Expressions | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): Record<string, unknown> {
  return fillBlock(known, marker, { attributes }, expressions, context, path);
}

function fillValue(
  known: unknown,
  marker: unknown,
  schema: SchemaAttribute,
  name: string,
  expression: Expression | undefined,
  context: FillContext,
  path: readonly (string | number)[],
): unknown {
  if (!containsUnknown(marker)) return known === undefined ? null : known;
  // Taken from another resource: the value made up for that one, at the same position.
  const fromConfig = expression?.references?.length ? substituted(expression.constant_value, context.resolve) : undefined;
  if (fromConfig) return fromConfig.value;
  if (marker === true) return fillAttribute(schema, name, path.slice(0, -1), context);
  if (schema.nested_type) {
    const { nesting_mode, attributes } = schema.nested_type;
    if (nesting_mode === "single") return fillObject(known, marker, attributes, undefined, context, path);
    if (nesting_mode === "map") {
      const values = (known ?? {}) as Record<string, unknown>;
      const markers = marker as Record<string, unknown>;
      return Object.fromEntries(Object.keys({ ...values, ...markers }).map((k) => [k, fillObject(values[k], markers[k], attributes, undefined, context, [...path, k])]));
    }
    const items = Array.isArray(known) ? known : [];
    const markers = marker as unknown[];
    return items.map((item, i) => fillObject(item, markers[i], attributes, undefined, context, [...path, i]));
  }
  return fillTyped(known, marker, schema.type, name, context, path);
}

/** A partly known value of a cty type: recurse into lists, maps and objects. */
function fillTyped(known: unknown, marker: unknown, type: CtyType | undefined, name: string, context: FillContext, path: readonly (string | number)[]): unknown {
  if (marker === true) return fillType(type, name, path, context);
  if (!containsUnknown(marker)) return known === undefined ? null : known;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === "list" || kind === "set" || kind === "tuple") {
      const items = Array.isArray(known) ? known : [];
      const markers = marker as unknown[];
      return markers.map((m, i) => fillTyped(items[i], m, kind === "tuple" ? (inner as CtyType[])[i] : (inner as CtyType), name, context, [...path, i]));
    }
    if (kind === "map" || kind === "object") {
      const values = (known ?? {}) as Record<string, unknown>;
      const markers = marker as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys({ ...values, ...markers }).map((k) => [k, fillTyped(values[k], markers[k], kind === "map" ? (inner as CtyType) : (inner as Record<string, CtyType>)[k], k, context, [...path, k])]),
      );
    }
  }
  return known ?? null;
}

/** Outputs have no schema: fill unknown strings by position. */
function fillByShape(known: unknown, marker: unknown, fake: string): unknown {
  if (marker === true) return fake;
  if (Array.isArray(marker)) return marker.map((m, i) => fillByShape((known as unknown[] | undefined)?.[i], m, `${fake}-${i}`));
  if (marker && typeof marker === "object") {
    const values = (known ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.keys({ ...values, ...marker }).map((k) => [k, fillByShape(values[k], (marker as Record<string, unknown>)[k], `${fake}-${k}`)]));
  }
  return known;
}

/** The cty type Terraform records for an output value written in JSON configuration. */
function ctyTypeOfValue(value: unknown): CtyType {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(ctyTypeOfValue)];
  if (value && typeof value === "object") return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ctyTypeOfValue(v)]))];
  return "dynamic";
}
