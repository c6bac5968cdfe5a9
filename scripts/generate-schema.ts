// Regenerates the editor schema from the validator's zod schema: `npm run schema`.
import * as fs from "node:fs";
import { configJsonSchema, JSON_SCHEMA_PATH } from "../lib/config/json-schema";

fs.writeFileSync(JSON_SCHEMA_PATH, configJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
