import { z } from "zod";
import { environmentSchema } from "./schema";

/** The JSON Schema of an environment file, generated from the zod schema (editors use it for completion). */
export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "cdktf-platform environment" }, null, 2)}\n`;
}
