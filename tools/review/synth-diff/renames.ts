import { compareText } from "../../../lib/order";
import type { Item, Rename } from "./types";

/** The state moves the stack declares (`moved` blocks, written by moveTo()/moveToId()): old address by new address. */
export function movesDeclared(terraform: Record<string, unknown>): Map<string, string> {
  const moved = (terraform.moved ?? []) as { from?: string; to?: string }[];
  return new Map(moved.filter((m) => m.from && m.to).map((m) => [m.to!, m.from!]));
}

/**
 * A body as it reads once the declared moves are applied (old address -> new): a resource that refers to
 * a moved one keeps pointing at the same object, so the changed reference text is not a change.
 */
export function withMovesApplied(body: unknown, moves: ReadonlyMap<string, string>): unknown {
  if (moves.size === 0) return body;
  const oldToNew = new Map([...moves].map(([to, from]) => [from, to]));
  return JSON.parse(rewriteReferences(JSON.stringify(body), oldToNew));
}

/**
 * Pairs removed and added resources of one type whose bodies are identical once the renames already
 * found are applied to their references: cdktf names resources by construct path and hash, so moving a
 * construct renames it (and every resource under it). Repeats until no new pair appears, so a renamed
 * parent lets its renamed children match. Only unambiguous pairs count. Data sources are read, not
 * destroyed, so they are left out.
 */
export function findRenames(removed: readonly Item[], added: readonly Item[]): Rename[] {
  const renames: Rename[] = [];
  const open = (items: readonly Item[], taken: (i: Item) => boolean) => items.filter((i) => !i.data && !taken(i));
  for (;;) {
    const mapping = new Map(renames.map((r) => [r.from, r.to]));
    const before = open(removed, (i) => mapping.has(i.address));
    const after = open(added, (i) => renames.some((r) => r.to === i.address));
    const byKey = (items: Item[], rewrite: boolean) => {
      const groups = new Map<string, Item[]>();
      for (const item of items) {
        const key = `${item.type} ${rewrite ? rewriteReferences(canonical(item.body), mapping) : canonical(item.body)}`;
        groups.set(key, [...(groups.get(key) ?? []), item]);
      }
      return groups;
    };
    const afterGroups = byKey(after, false);
    const found: Rename[] = [];
    for (const [key, olds] of byKey(before, true)) {
      const news = afterGroups.get(key) ?? [];
      if (olds.length === 1 && news.length === 1) found.push({ type: olds[0]!.type, from: olds[0]!.address, to: news[0]!.address });
    }
    if (found.length === 0) break;
    renames.push(...found);
  }
  return renames.sort((a, b) => compareText(a.from, b.from));
}

/** JSON with object keys sorted, so key order does not hide an identical body. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => compareText(a, b)))
      : inner,
  );
}

/** Rewrites `${type.old.attr}` and bare `type.old` (depends_on) references to the renamed addresses. */
export function rewriteReferences(text: string, mapping: ReadonlyMap<string, string>): string {
  let result = text;
  for (const [from, to] of mapping) {
    result = result.replace(new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[.\\[}"]|$)`, "g"), to);
  }
  return result;
}
