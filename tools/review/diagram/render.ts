import { instance } from "@viz-js/viz";
import { MEASURE_FONT } from "./dot";

/**
 * What the SVG draws with: Helvetica or Arial where installed, Liberation Sans (metric-compatible with Arial)
 * or DejaVu Sans on Linux. Graphviz sized every box for DejaVu Sans, the widest of them, so none overflows.
 */
export const DISPLAY_FONTS = `Helvetica,Arial,Liberation Sans,${MEASURE_FONT},sans-serif`;

/** DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no system binaries, same bytes everywhere. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    throw new Error(`graphviz could not render the diagram: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output.replaceAll(`font-family="${MEASURE_FONT}"`, `font-family="${DISPLAY_FONTS}"`);
}
