// npm run generate (with the policy-suite generators): writes the JSON Schema and the configuration reference from config/schema.ts.
// test/config-schema.test.ts fails when either is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { environmentJsonSchema } from "../../config/json-schema";
import { configurationReference } from "../../config/reference";

const root = join(__dirname, "..", "..");
for (const [file, text] of [
  ["config/environment.schema.json", environmentJsonSchema()],
  ["docs/configuration.md", configurationReference()],
] as const) {
  writeFileSync(join(root, file), text);
  console.log(`wrote ${file}`);
}
