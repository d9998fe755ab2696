import type { Category } from "./catalog";
import type { Diagram } from "./graph";

const COLOURS: Readonly<Record<Category, { fill: string; line: string; shape: string }>> = {
  network: { fill: "#e8f1fb", line: "#4a7bb7", shape: "box" },
  security: { fill: "#fdecea", line: "#c0504d", shape: "box" },
  traffic: { fill: "#e9f6ec", line: "#3c8d4f", shape: "box" },
  compute: { fill: "#fff3e0", line: "#d98a1e", shape: "box" },
  data: { fill: "#f3edf9", line: "#7d5ba6", shape: "cylinder" },
  observability: { fill: "#f4f4f4", line: "#777777", shape: "note" },
  other: { fill: "#ffffff", line: "#999999", shape: "box" },
};

const WRAP = 52;
/**
 * The font Graphviz measures text with: DejaVu Sans, the widest of the sans-serif fonts a viewer is likely to
 * fall back to (16 % wider than Helvetica in Graphviz's tables), so labels fit their boxes whichever of them
 * draws the text. The SVG names a stack to draw with (render.ts, DISPLAY_FONTS).
 */
export const MEASURE_FONT = "DejaVu Sans";
const LEGEND =
  "Arrows: A → B when B refers to A (VPC → subnets → load balancer, target group → service) or traffic and logs flow from A to B (labelled). " +
  "Dashed: across stacks (terraform_remote_state). Left out: IAM, security groups (CIDR ingress is listed on the resource), route tables, tags.";

/** Graphviz DOT for one environment: a cluster per stack, deterministic (same diagram, same bytes). */
export function toDot(diagram: Diagram): string {
  const out: string[] = [];
  out.push(`digraph ${quote(diagram.environment)} {`);
  out.push(
    `  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.25, ranksep=0.7, fontname="${MEASURE_FONT}", fontsize=11, labelloc=t, labeljust=l, label=${html(
      `<B>${escapeHtml(`${diagram.environment}: ${diagram.stacks.map((s) => s.name).join(", ")}`)}</B><BR ALIGN="LEFT"/><FONT POINT-SIZE="9">${wrap(LEGEND, 120).map(escapeHtml).join('<BR ALIGN="LEFT"/>')}<BR ALIGN="LEFT"/></FONT>`,
    )}];`,
  );
  out.push(`  node [shape=box, style="rounded,filled", fontname="${MEASURE_FONT}", fontsize=10, margin="0.12,0.06"];`);
  out.push(`  edge [fontname="${MEASURE_FONT}", fontsize=8, color="#555555", fontcolor="#333333", arrowsize=0.7];`);
  // Downstream stacks first: Graphviz then stacks the clusters with the upstream one (the network) on top.
  for (const stack of [...diagram.stacks].reverse()) {
    out.push(`  subgraph ${quote(`cluster_${stack.name}`)} {`);
    out.push(`    label=${html(`<B>${escapeHtml(stack.name)}</B>`)}; style="rounded,dashed"; color="#888888"; fontsize=12;`);
    for (const node of stack.nodes) {
      const colour = COLOURS[node.category];
      const style = colour.shape === "box" ? "rounded,filled" : "filled";
      const lines = node.lines.flatMap((line) => wrap(line, WRAP));
      const body = lines.length
        ? `<BR/><FONT POINT-SIZE="8">${lines.map((l) => `${escapeHtml(l)}<BR ALIGN="LEFT"/>`).join("")}</FONT>`
        : "";
      out.push(
        `    ${quote(node.id)} [label=${html(`<B>${escapeHtml(node.title)}</B>${body}`)}, shape=${colour.shape}, style=${quote(style)}, fillcolor=${quote(colour.fill)}, color=${quote(colour.line)}];`,
      );
    }
    out.push("  }");
  }
  for (const edge of diagram.edges) {
    const attributes = [
      ...(edge.label ? [`label=${quote(edge.label)}`] : []),
      ...(edge.crossStack ? ['style="dashed"', 'color="#2f6db5"'] : []),
    ];
    out.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${attributes.length ? ` [${attributes.join(", ")}]` : ""};`);
  }
  for (const { from, to } of diagram.stackEdges) {
    const tail = diagram.stacks.find((s) => s.name === from)?.nodes[0];
    const head = diagram.stacks.find((s) => s.name === to)?.nodes[0];
    if (!tail || !head) continue;
    out.push(
      `  ${quote(tail.id)} -> ${quote(head.id)} [ltail=${quote(`cluster_${from}`)}, lhead=${quote(`cluster_${to}`)}, style="dashed", color="#2f6db5", label="deployed after"];`,
    );
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function html(markup: string): string {
  return `<${markup}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Splits a line after ", " or a space so no part is longer than `width` (longer words stay whole). */
function wrap(line: string, width: number): string[] {
  const parts: string[] = [];
  let current = "";
  for (const word of line.split(/(?<=\s)/)) {
    if (current && (current + word).trimEnd().length > width) {
      parts.push(current.trimEnd());
      current = `  ${word}`;
    } else current += word;
  }
  if (current.trim()) parts.push(current.trimEnd());
  return parts;
}
