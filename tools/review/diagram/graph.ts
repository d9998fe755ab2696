import { compareText } from "../../../lib/order";
import { dependencyOrder } from "../../shared/manifest";
import { type Category, displayName, type Fact, type Lookup, typeWords, viewOf } from "./catalog";
import {
  environmentOf,
  outputTargets,
  type Reference,
  type Resource,
  referencesOf,
  remoteStateStack,
  resourcesOf,
  type StackJson,
} from "./terraform";

export interface DiagramNode {
  /** `<stack>:<address>`, or `<stack>:<type>:<group>` for a grouped node. */
  readonly id: string;
  readonly stack: string;
  readonly category: Category;
  readonly title: string;
  readonly lines: readonly string[];
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** The reference crosses stacks (terraform_remote_state). */
  readonly crossStack: boolean;
}

export interface Diagram {
  readonly environment: string;
  /** Stacks in dependency order, each with its nodes. */
  readonly stacks: readonly { readonly name: string; readonly nodes: readonly DiagramNode[] }[];
  readonly edges: readonly DiagramEdge[];
  /** Stack dependencies (manifest.json) that no drawn edge shows, drawn between the stack clusters. */
  readonly stackEdges: readonly { readonly from: string; readonly to: string }[];
}

const key = (resource: Resource) => `${resource.stack}:${resource.address}`;
const CATEGORY_ORDER: readonly Category[] = ["network", "security", "traffic", "compute", "data", "observability", "other"];

/** One diagram per environment, in environment name order. */
export function buildDiagrams(stacks: readonly StackJson[]): Diagram[] {
  const environments = [...new Set(stacks.map(environmentOf))].sort();
  return environments.map((environment) => buildDiagram(stacks, environment));
}

/** The diagram of one environment's stacks; `stacks` may hold other environments' too (they are left out). */
export function buildDiagram(allStacks: readonly StackJson[], environment: string): Diagram {
  const stacks = inDependencyOrder(allStacks.filter((stack) => environmentOf(stack) === environment));
  const resources = new Map<string, Resource>();
  for (const stack of stacks) for (const resource of resourcesOf(stack)) resources.set(key(resource), resource);

  // References, with remote-state outputs resolved to the upstream stack's resources.
  const references = new Map<string, Reference[]>();
  const declaredIn = new Map(stacks.map((stack) => [stack.name, new Set(resourcesOf(stack).map((r) => r.address))]));
  for (const stack of stacks) {
    const remoteStates =
      ((stack.terraform.data ?? {}) as Record<string, Record<string, Record<string, unknown>>>).terraform_remote_state ?? {};
    const remote = (dataSource: string, output: string): string[] => {
      const block = remoteStates[dataSource];
      const upstream = block && remoteStateStack(block, dataSource, stacks);
      if (!upstream) return [];
      return outputTargets(upstream, output, declaredIn.get(upstream.name)!).map((address) => `${upstream.name}:${address}`);
    };
    for (const resource of resourcesOf(stack)) {
      references.set(
        key(resource),
        referencesOf(resource, declaredIn.get(stack.name)!, remote).map((ref) => ({
          ...ref,
          target: ref.target.includes(":") ? ref.target : `${stack.name}:${ref.target}`,
        })),
      );
    }
  }
  const referrersOf = new Map<string, string[]>();
  for (const [from, refs] of references)
    for (const ref of refs) referrersOf.set(ref.target, [...(referrersOf.get(ref.target) ?? []), from]);

  const lookup: Lookup = {
    referenced: (resource, attribute) =>
      (references.get(key(resource)) ?? [])
        .filter((ref) => attribute === undefined || ref.attribute === attribute)
        .map((ref) => resources.get(ref.target)!)
        .filter(Boolean),
    referrers: (resource, type) =>
      [...new Set(referrersOf.get(key(resource)) ?? [])].map((k) => resources.get(k)!).filter((r) => r?.type === type),
  };

  // Which node each resource is drawn in (undefined: hidden).
  const nodeOf = new Map<string, string | undefined>();
  const resolving = new Set<string>();
  const resolve = (resource: Resource): string | undefined => {
    const k = key(resource);
    if (nodeOf.has(k)) return nodeOf.get(k);
    const view = viewOf(resource.type);
    let node: string | undefined;
    if (!view.hide && !resolving.has(k)) {
      resolving.add(k);
      const host = foldHost(resource);
      node = host ? resolve(host) : view.group ? `${resource.stack}:${resource.type}:${view.group(resource)}` : k;
      resolving.delete(k);
    }
    nodeOf.set(k, node);
    return node;
  };
  const foldHost = (resource: Resource): Resource | undefined => {
    const fold = viewOf(resource.type).foldInto;
    if (!fold) return undefined;
    for (const type of fold.references ?? []) {
      const host = lookup.referenced(resource).find((r) => r.type === type && r.stack === resource.stack);
      if (host) return host;
    }
    for (const type of fold.referrers ?? []) {
      const host = lookup.referrers(resource, type).find((r) => r.stack === resource.stack);
      if (host) return host;
    }
    const scope = resource.path.split("/").slice(0, -1).join("/");
    for (const type of fold.siblings ?? []) {
      const host = [...resources.values()].find(
        (r) => r.type === type && r.stack === resource.stack && r.path.split("/").slice(0, -1).join("/") === scope,
      );
      if (host) return host;
    }
    return undefined;
  };
  for (const resource of resources.values()) resolve(resource);

  // Nodes: own resources give the title, every resource drawn in the node gives facts.
  const members = new Map<string, { own: Resource[]; all: Resource[] }>();
  for (const resource of resources.values()) {
    const node = nodeOf.get(key(resource));
    if (!node) continue;
    const entry = members.get(node) ?? { own: [], all: [] };
    const isOwn = node === key(resource) || node.startsWith(`${resource.stack}:${resource.type}:`);
    if (isOwn) entry.own.push(resource);
    entry.all.push(resource);
    members.set(node, entry);
  }
  const nodes: DiagramNode[] = [...members.entries()].map(([id, { own, all }]) => {
    const first = own[0] ?? all[0]!;
    const view = viewOf(first.type);
    const title = view.title ? view.title(own, lookup) : `${typeWords(first.type)} ${displayName(first)}`;
    const facts = all.flatMap((resource) => viewOf(resource.type).facts?.(resource, lookup) ?? []);
    return { id, stack: first.stack, category: view.category ?? "other", title, lines: factLines(facts) };
  });

  // Edges from references: the referenced resource points at the one that refers to it (the VPC at its
  // subnets, the subnets at the load balancer, the target group at the service), except attributes a
  // type declares as flows (listener -> target group, flow log -> destination), which point forward.
  const edges = new Map<string, { from: string; to: string; labels: Set<string>; crossStack: boolean }>();
  const addEdge = (from: string, to: string, label: string | undefined, crossStack: boolean) => {
    if (from === to) return;
    const k = `${from}\u0000${to}`;
    const edge = edges.get(k) ?? { from, to, labels: new Set<string>(), crossStack };
    if (label) edge.labels.add(label);
    edges.set(k, edge);
  };
  for (const resource of resources.values()) {
    const node = nodeOf.get(key(resource));
    if (!node) continue;
    const view = viewOf(resource.type);
    if (view.noEdges === true) continue;
    for (const ref of references.get(key(resource)) ?? []) {
      if (view.noEdges?.includes(ref.attribute)) continue;
      const target = resources.get(ref.target);
      const targetNode = target && nodeOf.get(ref.target);
      if (!target || !targetNode) continue;
      const flows = view.flowsTo?.includes(ref.attribute) ?? false;
      if (ref.attribute === "depends_on" && !flows) continue;
      const only = viewOf(target.type).edgesOnlyFrom;
      if (only && !only.includes(resource.type)) continue;
      const crossStack = target.stack !== resource.stack;
      if (flows) addEdge(node, targetNode, view.edgeLabel?.(resource, ref.attribute), crossStack);
      else addEdge(targetNode, node, undefined, crossStack);
    }
  }
  // Routes: the tier whose route table sends a destination to a gateway points at that gateway.
  for (const route of [...resources.values()].filter((r) => r.type === "aws_route")) {
    const tables = lookup.referenced(route, "route_table_id");
    const gateways = lookup.referenced(route).filter((r) => r.type !== "aws_route_table");
    for (const table of tables) {
      for (const association of lookup.referrers(table, "aws_route_table_association")) {
        for (const subnet of lookup.referenced(association, "subnet_id")) {
          for (const gateway of gateways) {
            const from = nodeOf.get(key(subnet));
            const to = nodeOf.get(key(gateway));
            const destination = String(route.attributes.destination_cidr_block ?? route.attributes.destination_ipv6_cidr_block ?? "");
            if (from && to) addEdge(from, to, destination, false);
          }
        }
      }
    }
  }

  const drawnEdges = [...edges.values()]
    .map((edge) => ({ from: edge.from, to: edge.to, label: [...edge.labels].sort().join("\n"), crossStack: edge.crossStack }))
    .sort((x, y) => compareText(`${x.from}\u0000${x.to}`, `${y.from}\u0000${y.to}`));
  const stackOfNode = new Map(nodes.map((n) => [n.id, n.stack]));
  const linked = new Set(drawnEdges.filter((e) => e.crossStack).map((e) => `${stackOfNode.get(e.from)}\u0000${stackOfNode.get(e.to)}`));
  const names = new Set(stacks.map((s) => s.name));
  const stackEdges = stacks.flatMap((stack) =>
    stack.dependencies
      .filter((dep) => names.has(dep) && !linked.has(`${dep}\u0000${stack.name}`))
      .map((dep) => ({ from: dep, to: stack.name })),
  );

  return {
    environment,
    stacks: stacks.map((stack) => ({
      name: stack.name,
      nodes: nodes
        .filter((n) => n.stack === stack.name)
        .sort((x, y) => CATEGORY_ORDER.indexOf(x.category) - CATEGORY_ORDER.indexOf(y.category) || compareText(x.id, y.id)),
    })),
    edges: drawnEdges,
    stackEdges,
  };
}

/** Plain facts in order, then each list as `name: a, b, c` (items once each, in order of appearance). */
function factLines(facts: readonly Fact[]): string[] {
  const plain: string[] = [];
  const lists = new Map<string, string[]>();
  for (const fact of facts) {
    if (typeof fact === "string") {
      if (fact && !plain.includes(fact)) plain.push(fact);
    } else {
      const items = lists.get(fact.list) ?? [];
      if (!items.includes(fact.item)) items.push(fact.item);
      lists.set(fact.list, items);
    }
  }
  return [...plain, ...[...lists.entries()].map(([list, items]) => (list ? `${list}: ${items.join(", ")}` : items.join(", ")))];
}

/** Stacks ordered so every stack comes after those it depends on; ties by name. */
function inDependencyOrder(stacks: readonly StackJson[]): StackJson[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  return dependencyOrder([...byName.keys()], (name) => byName.get(name)!.dependencies).map((name) => byName.get(name)!);
}
