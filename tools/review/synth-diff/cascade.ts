import { compareText } from "../../../lib/order";
import { attributeChanges } from "./compare";
import { ignoredAttributes, isIgnored } from "./ignored";
import { itemsOf } from "./items";
import { renderPath } from "./paths";
import { replacementOf } from "./replacements";
import type { ChangedItem, Downstream, Item, Replacement, StackDiff } from "./types";

/** `${aws_subnet.a.id}`, `${data.terraform_remote_state.x.outputs.y}`: the references inside one interpolation. */
const REFERENCE =
  /\b(data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_]+)/g;
const INTERPOLATION = /\$\{[^}]*\}/g;
/** What a reference to a value that changes at apply reads as in the synthetic body (never a real value). */
const CHANGES = "(changes at apply)";

/** What changes in one stack: replaced resources, changed literal attributes, and changing upstream outputs it reads. */
interface Changing {
  readonly replaced: Set<string>;
  readonly attributes: Map<string, Set<string>>;
  readonly remote: Set<string>;
}

/**
 * Replacements that follow from others: a resource whose replacing attribute (per the replacement table)
 * references a replaced resource's id, arn or other value known only after apply, or a literal attribute that
 * changes, is replaced too; `lifecycle.replace_triggered_by` likewise. Across stacks, an output that reads a
 * changing value changes at deploy, and so does every resource of a downstream stack that reads it through
 * remote state: those are listed as downstream changes (and as replacements where they replace).
 */
export function findConsequences(
  stacks: readonly StackDiff[],
  direct: readonly Replacement[],
  after: ReadonlyMap<string, Record<string, unknown>>,
): { replacements: Replacement[]; downstream: Downstream[] } {
  const replacements: Replacement[] = [];
  const downstream: Downstream[] = [];
  const changing = new Map<string, Changing>();
  for (const stack of stacks) {
    const attributes = new Map<string, Set<string>>();
    for (const item of stack.changed) attributes.set(item.address, new Set(item.changes.map((c) => String(c.path[0]))));
    const replaced = new Set(direct.filter((r) => r.stack === stack.name && r.kind !== "revision").map((r) => r.address));
    changing.set(stack.name, { replaced, attributes, remote: new Set() });
  }
  const outputsDone = new Map<string, Set<string>>();
  const inPlace = new Map<string, Found>();
  // Each pass carries changes one stack further downstream; a stack graph has no cycles, so it settles.
  for (let pass = 0; pass <= stacks.length; pass++) {
    let moved = false;
    for (const stack of stacks) {
      if (stack.status === "removed") continue;
      const state = changing.get(stack.name)!;
      const items = new Map(stack.newItems.map((i) => [i.address, i]));
      for (const found of propagate(stack, items, state)) {
        const key = `${stack.name} ${found.address}`;
        if (found.replacement) {
          moved = true;
          inPlace.delete(key);
          replacements.push(found.replacement);
          if (found.upstream.length > 0) downstream.push(downstreamOf(stack.name, found));
        } else if (found.upstream.length > 0) inPlace.set(key, found);
      }
      const terraform = after.get(stack.name);
      if (!terraform) continue;
      const done = outputsDone.get(stack.name) ?? new Set<string>();
      outputsDone.set(stack.name, done);
      for (const name of changingOutputs(terraform, state, items, stack)) {
        if (done.has(name)) continue;
        done.add(name);
        moved = true;
        for (const [reader, source] of readersOf(stack.name, after)) {
          changing.get(reader)?.remote.add(`data.terraform_remote_state.${source}.outputs.${name}`);
        }
      }
    }
    if (!moved) break;
  }
  for (const [key, found] of inPlace) downstream.push(downstreamOf(key.split(" ")[0]!, found));
  return {
    replacements,
    downstream: downstream.sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address)),
  };
}

interface Found {
  readonly address: string;
  readonly replacement?: Replacement;
  readonly attributes: readonly string[];
  /** Upstream stacks whose outputs it reads, when a remote-state read is what changes. */
  readonly upstream: readonly string[];
}

/** Resources of one stack that change because something they reference changes (each found once). */
function propagate(stack: StackDiff, items: ReadonlyMap<string, Item>, state: Changing): Found[] {
  const found: Found[] = [];
  const added = new Set(stack.added.map((i) => i.address));
  for (;;) {
    let more = false;
    for (const item of items.values()) {
      if (item.data || added.has(item.address) || state.replaced.has(item.address)) continue;
      const upstream = new Set<string>();
      const isChanging = (reference: string) => {
        if (reference.startsWith("data.terraform_remote_state.")) {
          const hit = state.remote.has(reference);
          if (hit) upstream.add(reference.split(".")[2]!.replace(/^cross-stack-reference-input-/, ""));
          return hit;
        }
        const [type, name, attribute] = reference.split(".");
        const address = `${type}.${name}`;
        const target = items.get(address);
        if (!target || address === item.address) return false;
        if (state.replaced.has(address)) return !isLiteral(target.body[attribute!]) || !!state.attributes.get(address)?.has(attribute!);
        return !!state.attributes.get(address)?.has(attribute!);
      };
      const synthetic = substitute(item.body, isChanging) as Item["body"];
      const ignored = ignoredAttributes(item.body);
      const changes = attributeChanges(item.body, synthetic).filter((c) => !isIgnored(c, ignored));
      const triggeredBy = replaceTriggeredBy(item, state.replaced);
      if (changes.length === 0 && !triggeredBy) continue;
      const changed: ChangedItem = {
        address: item.address,
        type: item.type,
        old: item,
        new: { ...item, body: synthetic },
        changes,
        justificationChanges: [],
      };
      const attributes = changes.map((c) => renderPath(c.path)).filter((p, i, all) => all.indexOf(p) === i);
      const direct = replacementOf(stack.name, changed);
      const why = [...upstream].length > 0 ? `reads \`${[...upstream].join("`, `")}\` outputs that change` : undefined;
      let replacement: Replacement | undefined;
      if (direct && direct.kind !== "revision") {
        replacement = consequence(stack.name, item, direct, why);
      } else if (triggeredBy) {
        replacement = {
          stack: stack.name,
          address: item.address,
          attributes: [`lifecycle.replace_triggered_by ${triggeredBy}`],
          effect: `is destroyed and recreated because \`${triggeredBy}\` is replaced (\`replace_triggered_by\`)`,
          kind: "consequence",
        };
      }
      if (replacement) {
        state.replaced.add(item.address);
        more = true;
      }
      found.push({ address: item.address, replacement, attributes, upstream: [...upstream] });
    }
    if (!more) break;
  }
  // An in-place change found before a later replacement made it one is reported once, as the replacement.
  return found.filter((f) => f.replacement || !state.replaced.has(f.address));
}

function consequence(stack: string, item: Item, direct: Replacement, why: string | undefined): Replacement {
  const cause = why ?? "references a resource that is replaced, or a value that changes at apply";
  return {
    ...direct,
    stack,
    address: item.address,
    effect: direct.effect.replace(/^is destroyed and recreated/, `is destroyed and recreated as a consequence (${cause})`),
    kind: "consequence",
  };
}

function downstreamOf(stack: string, found: Found): Downstream {
  return {
    stack,
    address: found.address,
    attributes: found.attributes,
    upstream: found.upstream,
    replaced: found.replacement !== undefined,
  };
}

/** The body with every interpolation that reads a changing value replaced by a marker (the value Terraform will see is new). */
function substitute(value: unknown, isChanging: (reference: string) => boolean): unknown {
  if (typeof value === "string") {
    return value.replace(INTERPOLATION, (text) => ([...text.matchAll(REFERENCE)].some((m) => isChanging(m[1]!)) ? CHANGES : text));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, isChanging));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === "lifecycle" || key === "depends_on" ? inner : substitute(inner, isChanging),
      ]),
    );
  }
  return value;
}

function isLiteral(value: unknown): boolean {
  return value !== undefined && !(typeof value === "string" && value.includes("${"));
}

function replaceTriggeredBy(item: Item, replaced: ReadonlySet<string>): string | undefined {
  const triggers = (item.body.lifecycle as { replace_triggered_by?: unknown[] } | undefined)?.replace_triggered_by ?? [];
  for (const trigger of triggers) {
    const [type, name] = String(trigger)
      .replace(/^\$\{|\}$/g, "")
      .split(".");
    if (replaced.has(`${type}.${name}`)) return `${type}.${name}`;
  }
  return undefined;
}

/** The outputs of a stack whose value changes at deploy: the value itself, or a value it reads. */
function changingOutputs(
  terraform: Record<string, unknown>,
  state: Changing,
  items: ReadonlyMap<string, Item>,
  stack: StackDiff,
): string[] {
  const outputs = (terraform.output ?? {}) as Record<string, { value?: unknown }>;
  const settingsChanged = new Set(stack.settings.filter((c) => c.path[0] === "output").map((c) => String(c.path[1])));
  return Object.entries(outputs)
    .filter(([name, output]) => {
      if (settingsChanged.has(name)) return true;
      const text = JSON.stringify(output.value ?? null);
      return [...text.matchAll(INTERPOLATION)].some(([interpolation]) =>
        [...interpolation.matchAll(REFERENCE)].some(([, reference]) => {
          if (reference!.startsWith("data.terraform_remote_state.")) return state.remote.has(reference!);
          const [type, name, attribute] = reference!.split(".");
          const address = `${type}.${name}`;
          const target = items.get(address);
          if (!target) return false;
          if (state.replaced.has(address)) return !isLiteral(target.body[attribute!]) || !!state.attributes.get(address)?.has(attribute!);
          return !!state.attributes.get(address)?.has(attribute!);
        }),
      );
    })
    .map(([name]) => name)
    .sort(compareText);
}

/**
 * The stacks that read `stack`'s outputs, with the remote-state data source name they read it through:
 * cdktf names it `cross-stack-reference-input-<stack>`; a hand-written one is matched by its state key or path.
 */
function readersOf(stack: string, after: ReadonlyMap<string, Record<string, unknown>>): [string, string][] {
  const readers: [string, string][] = [];
  for (const [reader, terraform] of after) {
    if (reader === stack) continue;
    for (const item of itemsOf(terraform).values()) {
      if (item.type !== "terraform_remote_state" || !item.data) continue;
      const name = item.address.split(".")[2]!;
      const config = (item.body.config ?? {}) as { key?: string; path?: string };
      const file = (config.key ?? config.path ?? "")
        .split("/")
        .pop()
        ?.replace(/\.tfstate$/, "");
      if (name === `cross-stack-reference-input-${stack}` || file === stack) readers.push([reader, name]);
    }
  }
  return readers;
}
