import { z } from "zod";
import { configFileSchema } from "./schema";

/** Where the committed editor schema lives, relative to the project root. */
export const JSON_SCHEMA_PATH = "schema/mailgate-config.schema.json";

/**
 * The JSON Schema editors use to complete and check config files, generated from the same zod
 * schema the validator runs, so the two cannot drift. Draft 7: what yaml-language-server (VS
 * Code's YAML extension) and most editors support best.
 */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configFileSchema, { target: "draft-7" });
  const document = {
    ...schema,
    title: "mailgate config file (format version 1)",
    description:
      "One file under config/: any of `hubspot`, `domains`, `firewalls`. Editors check shape; `npm run validate` checks everything (values, cross-file rules).",
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
