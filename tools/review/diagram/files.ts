import { toDot } from "./dot";
import { buildDiagrams } from "./graph";
import { renderSvg } from "./render";
import type { StackJson } from "./terraform";

/**
 * The files `npm run diagram` writes for a synth output: `<env>.dot` (the reviewable source) and
 * `<env>.svg` (rendered from it) per environment, by file name in order.
 */
export async function diagramFiles(stacks: readonly StackJson[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const diagram of buildDiagrams(stacks)) {
    const dot = toDot(diagram);
    files.set(`${diagram.environment}.dot`, dot);
    files.set(`${diagram.environment}.svg`, await renderSvg(dot));
  }
  return files;
}
