import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { environmentJsonSchema } from "../config/json-schema";
import { configurationReference, schemaKeyPaths } from "../config/reference";
import { ENVIRONMENTS_DIR, FIXTURE_ENVIRONMENTS_DIR } from "./helpers";

describe("config/environment.schema.json", () => {
  it("is generated from the zod schema (run `npm run generate` after changing config/schema.ts)", () => {
    expect(readFileSync(join(__dirname, "..", "config", "environment.schema.json"), "utf8")).toBe(environmentJsonSchema());
  });

  it("is what every environment file that names a schema points to (the comment is optional; the fixtures carry it)", () => {
    const schemaFile = join(__dirname, "..", "config", "environment.schema.json");
    for (const dir of [ENVIRONMENTS_DIR, FIXTURE_ENVIRONMENTS_DIR]) {
      for (const name of readdirSync(dir).filter((file) => /\.ya?ml$/.test(file))) {
        const reference = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(join(dir, name), "utf8"))?.[1];
        if (dir === FIXTURE_ENVIRONMENTS_DIR) expect(reference).toBeDefined();
        if (reference) expect(`${name}: ${resolve(dir, reference)}`).toBe(`${name}: ${schemaFile}`);
      }
    }
  });

  it("refuses unknown keys, like the validator", () => {
    const schema = JSON.parse(environmentJsonSchema()) as {
      additionalProperties?: boolean;
      properties: Record<string, { additionalProperties?: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.network?.additionalProperties).toBe(false);
  });
});

describe("docs/configuration.md", () => {
  it("is generated from the zod schema (run `npm run generate` after changing config/schema.ts)", () => {
    expect(readFileSync(join(__dirname, "..", "docs", "configuration.md"), "utf8")).toBe(configurationReference());
  });

  it("lists every key of the schema, the keys of map values (services, dependencies) included", () => {
    const listed = new Set([...configurationReference().matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    const paths = schemaKeyPaths();
    expect(paths).toEqual(expect.arrayContaining(["ecs.services.<name>.scaling.maxCapacity", "ecs.dependencies.<name>.maxConnections"]));
    expect(paths.filter((path) => !listed.has(path))).toEqual([]);
  });
});
