import { compareText } from "../../../lib/order";
import { parseJsonStrings } from "./json-strings";
import type { Block, Item } from "./types";

interface Justification {
  readonly rule?: string;
  readonly reason?: string;
}

/** The resources (`type.name`) and data sources (`data.type.name`) of one stack, by address, in sorted order. */
export function itemsOf(terraform: Record<string, unknown>): Map<string, Item> {
  const items: Item[] = [];
  for (const [section, data] of [
    ["resource", false],
    ["data", true],
  ] as const) {
    const byType = (terraform[section] ?? {}) as Record<string, Record<string, Block>>;
    for (const [type, byName] of Object.entries(byType)) {
      for (const [name, raw] of Object.entries(byName)) {
        const { "//": meta, ...rest } = raw;
        items.push({
          address: `${data ? "data." : ""}${type}.${name}`,
          type,
          body: parseJsonStrings(rest) as Block,
          justifications: justificationsOf(meta),
          data,
        });
      }
    }
  }
  items.sort((a, b) => compareText(a.address, b.address));
  return new Map(items.map((item) => [item.address, item]));
}

/** The justify() suppressions by rule id; the rest of "//" (construct path, unique id) is cdktf bookkeeping. */
function justificationsOf(meta: unknown): Record<string, string> {
  const list = (meta as { justifications?: Justification[] } | undefined)?.justifications ?? [];
  return Object.fromEntries(list.map((j) => [j.rule ?? "?", j.reason ?? ""]));
}
