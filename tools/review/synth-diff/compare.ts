import diff from "microdiff";
import { compareText } from "../../../lib/order";
import { asApplied } from "./ignored";
import { itemsOf } from "./items";
import { findRenames, movesDeclared, withMovesApplied } from "./renames";
import type { AttributeChange, Block, ChangedItem, Path, StackDiff } from "./types";

/** Top-level blocks that are not resources: compared as stack settings ("//" is cdktf's own bookkeeping). */
const NOT_SETTINGS = new Set(["resource", "data", "//", "moved", "removed"]);

/**
 * Attribute-level differences between two values (paths run into parsed JSON strings). Lists of plain
 * values (subnet ids, CIDRs, actions) are compared as sets: which values left and which arrived, instead
 * of every index after an insertion showing as changed.
 */
export function attributeChanges(before: unknown, after: unknown): AttributeChange[] {
  const changes: AttributeChange[] = [];
  const listsDone = new Set<string>();
  for (const d of diff(before as Record<string, unknown>, after as Record<string, unknown>)) {
    const parent = d.path.slice(0, -1);
    const [was, now] = [at(before, parent), at(after, parent)];
    if (typeof d.path[d.path.length - 1] === "number" && isValueList(was) && isValueList(now)) {
      const key = JSON.stringify(parent);
      if (!listsDone.has(key)) changes.push(...valueListChanges(parent, was, now));
      listsDone.add(key);
      continue;
    }
    if (d.type === "CREATE") changes.push({ kind: "added", path: d.path, new: d.value });
    else if (d.type === "REMOVE") changes.push({ kind: "removed", path: d.path, old: d.oldValue });
    else changes.push({ kind: "changed", path: d.path, old: d.oldValue, new: d.value });
  }
  return changes;
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (current, key) => (current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined),
    value,
  );
}

function isValueList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every((v) => v === null || typeof v !== "object");
}

function valueListChanges(path: Path, was: unknown[], now: unknown[]): AttributeChange[] {
  const removed = was.filter((v) => !now.includes(v)).map((old): AttributeChange => ({ kind: "removed", path, old }));
  const added = now.filter((v) => !was.includes(v)).map((value): AttributeChange => ({ kind: "added", path, new: value }));
  if (removed.length + added.length > 0) return [...removed, ...added];
  return [{ kind: "changed", path, old: was, new: now }];
}

/** Compares one stack's synthesized JSON before and after; either side is undefined for an added or removed stack. */
export function compareStack(
  name: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): StackDiff {
  const oldItems = itemsOf(before ?? {});
  const newItems = itemsOf(after ?? {});
  const moves = movesDeclared(after ?? {});
  const changed: ChangedItem[] = [];
  const matchedOld = new Set<string>();
  for (const item of newItems.values()) {
    const movedFrom = oldItems.has(item.address) ? undefined : moves.get(item.address);
    const previous = oldItems.get(movedFrom ?? item.address);
    if (!previous) continue;
    matchedOld.add(previous.address);
    const previousBody = withMovesApplied(previous.body, moves) as Block;
    // Compared as Terraform applies it: edits of `ignore_changes` attributes are listed apart, never as changes.
    const applied = asApplied(previousBody, item.body);
    const changes = attributeChanges(previousBody, applied);
    const ignored = attributeChanges(applied, item.body);
    const justificationChanges = justificationDifferences(previous.justifications, item.justifications);
    if (movedFrom || changes.length > 0 || ignored.length > 0 || justificationChanges.length > 0) {
      changed.push({
        address: item.address,
        type: item.type,
        movedFrom,
        old: previous,
        new: applied === item.body ? item : { ...item, body: applied },
        changes,
        ignored,
        justificationChanges,
      });
    }
  }
  const removedAll = [...oldItems.values()].filter((item) => !matchedOld.has(item.address));
  const addedAll = [...newItems.values()].filter((item) => !oldItems.has(item.address) && !changed.some((c) => c.address === item.address));
  const renamed = findRenames(removedAll, addedAll);
  const renamedFrom = new Set(renamed.map((r) => r.from));
  const renamedTo = new Set(renamed.map((r) => r.to));
  // An added or removed stack brings or takes its provider and backend blocks: nothing to read there.
  const settings = before && after ? attributeChanges(settingsOf(before), settingsOf(after)) : [];
  const removed = removedAll.filter((item) => !renamedFrom.has(item.address));
  const added = addedAll.filter((item) => !renamedTo.has(item.address));
  const kept = ((after?.removed ?? []) as { from?: string; lifecycle?: { destroy?: boolean } }[]).filter(
    (r) => r.lifecycle?.destroy === false,
  );
  const forgotten = removed.map((item) => item.address).filter((address) => kept.some((r) => r.from === address));
  const status = !before
    ? "added"
    : !after
      ? "removed"
      : [added, removed, changed, renamed, settings].some((l) => l.length > 0)
        ? "changed"
        : "unchanged";
  return {
    name,
    status,
    added,
    removed,
    forgotten,
    changed,
    renamed,
    settings,
    oldItems: [...oldItems.values()],
    newItems: [...newItems.values()],
  };
}

/** Every stack of either side, in name order. */
export function compareOutputs(
  before: ReadonlyMap<string, Record<string, unknown>>,
  after: ReadonlyMap<string, Record<string, unknown>>,
): StackDiff[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareText);
  return names.map((name) => compareStack(name, before.get(name), after.get(name)));
}

function settingsOf(terraform: Record<string, unknown>): Block {
  return Object.fromEntries(Object.entries(terraform).filter(([key]) => !NOT_SETTINGS.has(key)));
}

/** A reworded, added or removed justification is a reviewable decision, so it gets a line of its own. */
function justificationDifferences(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const rules = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareText);
  const lines: string[] = [];
  for (const rule of rules) {
    const [was, now] = [before[rule], after[rule]];
    if (was === now) continue;
    if (was === undefined) lines.push(`justification added: ${rule} "${now}"`);
    else if (now === undefined) lines.push(`justification removed: ${rule} "${was}"`);
    else lines.push(`justification reworded: ${rule} "${was}" -> "${now}"`);
  }
  return lines;
}
