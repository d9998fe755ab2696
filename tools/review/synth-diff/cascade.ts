import { compareText } from "../../../lib/order";
import { attributeChanges } from "./compare";
import { ignoredAttributes, isIgnored } from "./ignored";
import { itemsOf } from "./items";
import { renderPath } from "./paths";
import { replacementOf } from "./replacements";
import type { ChangedItem, Downstream, Item, Replacement, StackDiff } from "./types";

/** `aws_subnet.a.id`, `data.terraform_remote_state.x.outputs.y`: the references inside one interpolation. */
const REFERENCE =
  /\b(data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_]+)/g;
const INTERPOLATION = /\$\{[^}]*\}/g;
/** What a reference to a value that changes at apply reads as in the synthetic body (never a real value). */
const CHANGES = "(changes at apply)";

/** What changes in one stack, each with its root causes (`<stack> <address>` of the resources replaced or changed at the source). */
interface Changing {
  /** Replaced resources: address -> root causes. */
  readonly replaced: Map<string, Set<string>>;
  /** Literal top-level attributes that change, by address. */
  readonly attributes: Map<string, Set<string>>;
  /** Changing upstream outputs this stack reads (`data.terraform_remote_state.<n>.outputs.<o>`) -> root causes. */
  readonly remote: Map<string, Set<string>>;
}

/** The result of reading one reference: the root causes when its value changes at apply, else undefined. */
type Resolve = (reference: string) => Set<string> | undefined;

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
  const downstream = new Map<string, Downstream>();
  const changing = new Map<string, Changing>();
  for (const stack of stacks) {
    const attributes = new Map(stack.changed.map((item) => [item.address, new Set(item.changes.map((c) => String(c.path[0])))]));
    const replaced = new Map(
      direct
        .filter((r) => r.stack === stack.name && r.kind !== "revision")
        .map((r) => [r.address, new Set([`${stack.name} ${r.address}`])]),
    );
    changing.set(stack.name, { replaced, attributes, remote: new Map() });
  }
  const outputsDone = new Set<string>();
  // Each pass carries changes one stack further downstream; a stack graph has no cycles, so it settles.
  for (let pass = 0; pass <= stacks.length; pass++) {
    let moved = false;
    for (const stack of stacks) {
      if (stack.status === "removed") continue;
      const state = changing.get(stack.name)!;
      const items = new Map(stack.newItems.map((i) => [i.address, i]));
      const resolve = resolver(stack.name, state, items);
      for (const found of propagate(stack, items, state, resolve)) {
        const key = `${stack.name} ${found.address}`;
        if (found.replacement) {
          moved = true;
          replacements.push(found.replacement);
        }
        if (found.upstream.length > 0) {
          downstream.set(key, {
            stack: stack.name,
            address: found.address,
            attributes: found.attributes,
            upstream: found.upstream,
            sources: found.sources,
            replaced: found.replacement !== undefined || (downstream.get(key)?.replaced ?? false),
          });
        }
      }
      const terraform = after.get(stack.name);
      if (!terraform) continue;
      for (const [name, causes] of changingOutputs(terraform, stack, resolve)) {
        if (outputsDone.has(`${stack.name} ${name}`)) continue;
        outputsDone.add(`${stack.name} ${name}`);
        moved = true;
        for (const [reader, source] of readersOf(stack.name, after)) {
          changing.get(reader)?.remote.set(`data.terraform_remote_state.${source}.outputs.${name}`, causes);
        }
      }
    }
    if (!moved) break;
  }
  return {
    replacements,
    downstream: [...downstream.values()].sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address)),
  };
}

interface Found {
  readonly address: string;
  readonly replacement?: Replacement;
  readonly attributes: readonly string[];
  /** Upstream stacks whose outputs it reads, when a remote-state read is what changes. */
  readonly upstream: readonly string[];
  readonly sources: readonly string[];
}

/** Reads a reference in one stack: the root causes when the value it names changes at apply. */
function resolver(stackName: string, state: Changing, items: ReadonlyMap<string, Item>): Resolve {
  return (reference) => {
    if (reference.startsWith("data.terraform_remote_state.")) return state.remote.get(reference);
    const [type, name, attribute] = reference.split(".");
    const address = `${type}.${name}`;
    const target = items.get(address);
    if (!target) return undefined;
    const literalChanged = state.attributes.get(address)?.has(attribute!) ?? false;
    const causes = state.replaced.get(address);
    // A replaced resource gets new values for everything it does not set literally (id, arn, generated names).
    if (causes && (!isLiteral(target.body[attribute!]) || literalChanged)) return causes;
    return literalChanged ? new Set([`${stackName} ${address}`]) : undefined;
  };
}

/** Resources of one stack that change because something they reference changes; repeats until no new replacement appears. */
function propagate(stack: StackDiff, items: ReadonlyMap<string, Item>, state: Changing, resolve: Resolve): Found[] {
  const found = new Map<string, Found>();
  const added = new Set(stack.added.map((i) => i.address));
  for (;;) {
    let more = false;
    for (const item of items.values()) {
      if (item.data || added.has(item.address) || state.replaced.has(item.address)) continue;
      const sources = new Set<string>();
      const referenced = new Set<string>();
      const upstream = new Set<string>();
      const isChanging = (reference: string) => {
        const causes = resolve(reference);
        if (!causes) return false;
        for (const cause of causes) sources.add(cause);
        if (reference.startsWith("data.terraform_remote_state.")) {
          for (const cause of causes) upstream.add(cause.split(" ")[0]!);
        } else {
          const address = reference.split(".").slice(0, 2).join(".");
          referenced.add(state.replaced.has(address) ? `\`${address}\` is replaced` : `\`${reference}\` changes`);
        }
        return true;
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
      const attributes = [...new Set(changes.map((c) => renderPath(c.path)))];
      const direct = replacementOf(stack.name, changed);
      const cause =
        upstream.size > 0
          ? `reads \`${[...upstream].sort(compareText).join("`, `")}\` outputs that change`
          : [...referenced].sort(compareText).join(", ");
      let replacement: Replacement | undefined;
      if (direct && direct.kind !== "revision") {
        replacement = {
          ...direct,
          effect: direct.effect.replace(/^is destroyed and recreated/, `is destroyed and recreated as a consequence (${cause})`),
          kind: "consequence",
        };
      } else if (triggeredBy) {
        for (const c of state.replaced.get(triggeredBy) ?? []) sources.add(c);
        replacement = {
          stack: stack.name,
          address: item.address,
          attributes: [`lifecycle.replace_triggered_by ${triggeredBy}`],
          effect: `is destroyed and recreated as a consequence (\`${triggeredBy}\` is replaced; \`replace_triggered_by\`)`,
          kind: "consequence",
        };
      }
      if (replacement) {
        state.replaced.set(item.address, sources);
        more = true;
      }
      found.set(item.address, {
        address: item.address,
        replacement,
        attributes,
        upstream: [...upstream].sort(compareText),
        sources: [...sources].sort(compareText),
      });
    }
    if (!more) break;
  }
  return [...found.values()];
}

/** The body with every interpolation that reads a changing value replaced by a marker (the value Terraform will see is new). */
function substitute(value: unknown, isChanging: (reference: string) => boolean): unknown {
  if (typeof value === "string") {
    return value.replace(INTERPOLATION, (text) => {
      // Every reference is read (no short cut), so each one's causes are collected.
      const hits = [...text.matchAll(REFERENCE)].map((m) => isChanging(m[1]!));
      return hits.some(Boolean) ? CHANGES : text;
    });
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

function replaceTriggeredBy(item: Item, replaced: ReadonlyMap<string, unknown>): string | undefined {
  const triggers = (item.body.lifecycle as { replace_triggered_by?: unknown[] } | undefined)?.replace_triggered_by ?? [];
  for (const trigger of triggers) {
    const [type, name] = String(trigger)
      .replace(/^\$\{|\}$/g, "")
      .split(".");
    if (replaced.has(`${type}.${name}`)) return `${type}.${name}`;
  }
  return undefined;
}

/** The outputs of a stack whose value changes at deploy (the value itself, or a value it reads), with their root causes. */
function changingOutputs(terraform: Record<string, unknown>, stack: StackDiff, resolve: Resolve): [string, Set<string>][] {
  const outputs = (terraform.output ?? {}) as Record<string, { value?: unknown }>;
  const edited = new Set(stack.settings.filter((c) => c.path[0] === "output").map((c) => String(c.path[1])));
  const result: [string, Set<string>][] = [];
  for (const [name, output] of Object.entries(outputs)) {
    const causes = new Set<string>(edited.has(name) ? [`${stack.name} output.${name}`] : []);
    for (const [interpolation] of JSON.stringify(output.value ?? null).matchAll(INTERPOLATION)) {
      for (const [, reference] of interpolation.matchAll(REFERENCE)) for (const cause of resolve(reference!) ?? []) causes.add(cause);
    }
    if (causes.size > 0) result.push([name, causes]);
  }
  return result.sort(([a], [b]) => compareText(a, b));
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
        ?.replace(/\.tfstate$/, "")
        .replace(/^terraform\./, "");
      if (name === `cross-stack-reference-input-${stack}` || file === stack) readers.push([reader, name]);
    }
  }
  return readers;
}
