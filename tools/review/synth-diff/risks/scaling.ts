import { valueAt } from "../values";
import { pairs, type RiskRule } from "./context";

/** Capacity bounds by resource type: [minimum, maximum] attribute paths. */
const BOUNDS: Readonly<Record<string, readonly [string, string]>> = {
  aws_appautoscaling_target: ["min_capacity", "max_capacity"],
  aws_autoscaling_group: ["min_size", "max_size"],
  aws_eks_node_group: ["scaling_config.min_size", "scaling_config.max_size"],
};

/** A higher maximum multiplies load on what the service calls (field-notes lesson 7); a lower minimum may not survive losing a node or task. */
export const scaling: RiskRule = (stack, note) =>
  pairs(stack).flatMap(({ before, after }) => {
    const bounds = BOUNDS[after.type];
    if (!before || !bounds) return [];
    const [min, max] = bounds;
    const notes: string[] = [];
    const [maxWas, maxNow] = [valueAt(before.body, max), valueAt(after.body, max)];
    if (typeof maxWas === "number" && typeof maxNow === "number" && maxNow > maxWas) {
      notes.push(
        `autoscaling maximum raised (\`${max}\` ${maxWas} -> ${maxNow}): check that what it calls (databases, caches, quotas) takes the extra load`,
      );
    }
    const [minWas, minNow] = [valueAt(before.body, min), valueAt(after.body, min)];
    if (typeof minWas === "number" && typeof minNow === "number" && minNow < minWas) {
      notes.push(`autoscaling minimum lowered (\`${min}\` ${minWas} -> ${minNow}): check that it still survives losing one node or task`);
    }
    return notes.map((message) => note(after.address, message));
  });
