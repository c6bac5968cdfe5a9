/**
 * The JSON the Terraform tier reads: the parts of Terraform's documented JSON output formats
 * (`terraform show -json`, state v4, `terraform providers schema -json`) that the helpers use.
 */

export interface TerraformState {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>;
  resources: StateResource[];
  check_results: null;
}

export interface StateResource {
  mode: "managed" | "data";
  type: string;
  name: string;
  provider: string;
  instances: { index_key?: string | number; schema_version: number; attributes: Record<string, unknown>; sensitive_attributes: unknown[]; dependencies?: string[] }[];
}

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface ResourceChange {
  address: string;
  /** The address the resource had in the prior state, when a `moved` block moved it. */
  previous_address?: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: { actions: Action[]; before: unknown; after: unknown; after_unknown: unknown; before_sensitive?: unknown; after_sensitive?: unknown };
}

export interface PlannedResource {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  schema_version: number;
  values: Record<string, unknown>;
}

export interface Expression {
  constant_value?: unknown;
  references?: string[];
}
/** An attribute's expression, or a nested block's list of expression objects. */
export type Expressions = Record<string, Expression | Record<string, unknown>[]>;

export interface PlanJson {
  format_version: string;
  terraform_version: string;
  planned_values: {
    outputs?: Record<string, { sensitive: boolean; value?: unknown }>;
    root_module: { resources?: PlannedResource[]; child_modules?: unknown[] };
  };
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: Action[]; before?: unknown; after?: unknown; after_unknown?: unknown }>;
  configuration: {
    provider_config?: Record<string, { name: string; full_name?: string; expressions?: Expressions }>;
    root_module: {
      resources?: { address: string; mode: string; type: string; name: string; expressions?: Expressions; schema_version?: number }[];
      outputs?: Record<string, { expression?: Expression; sensitive?: boolean }>;
    };
  };
  errored?: boolean;
}

/** What a schema says about an attribute or block (the subset of `terraform providers schema -json`). */
export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: "single" | "group" | "list" | "set" | "map"; block: SchemaBlock }>;
}
export interface SchemaAttribute {
  type?: CtyType;
  nested_type?: { nesting_mode: "single" | "list" | "set" | "map"; attributes: Record<string, SchemaAttribute> };
  computed?: boolean;
  optional?: boolean;
  required?: boolean;
  sensitive?: boolean;
}
export type CtyType = string | [string, CtyType] | ["object", Record<string, CtyType>] | ["tuple", CtyType[]];

/** Resource schemas of hashicorp/aws, by resource type. */
export interface ProviderSchemas {
  readonly provider: string;
  readonly resources: Record<string, { version: number; block: SchemaBlock }>;
}
