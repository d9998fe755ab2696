import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentJsonSchema } from "../config/json-schema";
import { configurationReference } from "../config/reference";
import { ENVIRONMENTS_DIR } from "./helpers";

describe("config/environment.schema.json", () => {
  it("is generated from the zod schema (run `npm run generate` after changing config/schema.ts)", () => {
    expect(readFileSync(join(__dirname, "..", "config", "environment.schema.json"), "utf8")).toBe(environmentJsonSchema());
  });

  it("is referenced by every shipped environment file for editor completion", () => {
    for (const name of readdirSync(ENVIRONMENTS_DIR).filter((file) => /\.ya?ml$/.test(file))) {
      expect(readFileSync(join(ENVIRONMENTS_DIR, name), "utf8")).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/environment\.schema\.json$/m,
      );
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
});
