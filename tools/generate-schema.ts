// Writes config/environment.schema.json from the zod schema; test/config-schema.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { environmentJsonSchema } from "../config/json-schema";

const target = join(__dirname, "..", "config", "environment.schema.json");
writeFileSync(target, environmentJsonSchema());
console.log(`wrote ${target}`);
