import { z } from "zod";
import type { Diagnostic } from "./diagnostic";
import { messages, type Problem } from "./messages";
import { configFileSchema, FIREWALL_TYPES } from "./schema";
import { diagnosticAt, type Path, type SourceFile } from "./source";
import { didYouMean } from "./suggest";

/**
 * Checks one file's plain value against the schema and turns every zod issue into a diagnostic
 * with our codes, at the YAML position of the offending key or value.
 */
export function checkShape(source: SourceFile, value: unknown): Diagnostic[] {
  const result = configFileSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => translate(source, value, issue));
}

function translate(source: SourceFile, root: unknown, issue: z.core.$ZodIssue): Diagnostic[] {
  const path = issue.path;
  const received = valueAt(root, path);
  const at = (problem: Problem): Diagnostic[] => [diagnosticAt(problem, source.value(path))];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = objectKeysAt(path, root);
      return issue.keys.map((key) =>
        diagnosticAt(
          messages.unknownKey(key, where(path), allowed, didYouMean(key, allowed)),
          source.key([...path, key]),
        ),
      );
    }
    case "invalid_type":
      if (received === undefined) return at(messages.missingField(String(path[path.length - 1]), whereParent(path)));
      if (path.length === 0) return at(messages.fileNotMapping(received));
      return at(messages.wrongType(fieldName(path), issue.expected, received, source.sourceText(path)));
    case "invalid_union":
      // Only the firewall `type` discriminator produces this: no member matched its value.
      if (received === undefined) return at(messages.missingField(String(path[path.length - 1]), whereParent(path)));
      return at(
        messages.unknownFirewallType(
          received,
          FIREWALL_TYPES,
          typeof received === "string" ? didYouMean(received, FIREWALL_TYPES) : undefined,
        ),
      );
    case "invalid_value": {
      const allowed = issue.values.map(String);
      return at(
        messages.invalidChoice(fieldName(path), received, allowed, typeof received === "string" ? didYouMean(received, allowed) : undefined),
      );
    }
    case "too_small":
    case "too_big": {
      const key = String(path[path.length - 1]);
      if (issue.origin === "number") {
        if (key === "port") return at(messages.invalidPort(received));
        const bound = issue.code === "too_small" ? { min: Number(issue.minimum) } : { max: Number(issue.maximum) };
        return at(messages.numberOutOfRange(fieldName(path), key, received, bound));
      }
      if (issue.origin === "array") return at(key === "destinations" ? messages.emptyDestinations(fieldName(path)) : messages.emptyList(fieldName(path)));
      if (issue.origin === "string" && (key === "source" || key === "allowBroadRanges")) {
        const problem = issue.code === "too_small" ? ({ kind: "empty" } as const) : ({ kind: "too-long", length: String(received).length } as const);
        return at(key === "source" ? messages.invalidSourceText(problem) : messages.invalidReasonText(problem));
      }
      break;
    }
    default:
      break;
  }
  // A schema rule without a translation above: still report it rather than drop it.
  return at(messages.otherShapeProblem(fieldName(path), received, issue.message));
}

/** `domains[0].imap.incoming.port` */
export function describePath(path: Path): string {
  return path
    .map((segment, i) => (typeof segment === "number" ? `[${segment}]` : i === 0 ? String(segment) : `.${String(segment)}`))
    .join("");
}

function fieldName(path: Path): string {
  return path.length === 0 ? "(file)" : describePath(path);
}

function where(path: Path): string {
  return path.length === 0 ? "at the top level" : `in ${describePath(path)}`;
}

function whereParent(path: Path): string {
  return where(path.slice(0, -1));
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * The keys the schema allows in the mapping at `path`, for "did you mean". Walks the schema
 * alongside the value so a discriminated union resolves to the member the value selects.
 */
function objectKeysAt(path: Path, root: unknown): string[] {
  let schema: z.ZodType | undefined = configFileSchema;
  for (let i = 0; i <= path.length && schema; i++) {
    schema = unwrap(schema, valueAt(root, path.slice(0, i)));
    if (i === path.length) break;
    const segment = path[i];
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else schema = undefined;
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  if (schema instanceof z.ZodOptional) return unwrap(schema.unwrap() as z.ZodType, value);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const key = schema.def.discriminator;
    const selected = (value as Record<string, unknown> | null)?.[key];
    return (schema.options as z.ZodType[]).find(
      (option) => option instanceof z.ZodObject && (option.shape[key] as z.ZodLiteral).values.has(selected as never),
    );
  }
  return schema;
}
