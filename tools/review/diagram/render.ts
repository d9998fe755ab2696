import { instance } from "@viz-js/viz";

/** DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system binaries, same bytes everywhere. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    throw new Error(`graphviz could not render the diagram: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output;
}
