// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { scheduleOwnedBounds } from "../lib/ecs/service-scaling";
import { scheduleOwnedSizes } from "../lib/eks/node-group-schedules";
import {
  configuredEnvironments,
  eksEnvironmentYaml,
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  fixtureEnvironment,
  resources,
  type SynthesizedStack,
  stackOf,
  synthEnvironment,
} from "./helpers";

// Issue 17 items 1 and 2: a bound sits under ignore_changes only while a schedule sets it (design contract 8),
// every policy and scheduled action of one scalable target is applied one at a time, and replacing the
// target (which deletes its policies and actions in AWS) recreates them in the same run.

type Body = Record<string, unknown>;
const ignored = (body: Body) => ((body.lifecycle as Body | undefined)?.ignore_changes as string[] | undefined) ?? [];

const fixtures = FIXTURE_ENVIRONMENTS.map((name) => ({ name: `fixture ${name}`, stacks: synthEnvironment(fixtureEnvironment(name)) }));
const configured = configuredEnvironments().map((environment) => ({
  name: `configured ${environment.name}`,
  stacks: synthEnvironment(environment),
}));
/** A test that applies only where the environment has the layer it reads. */
const itIf = (condition: boolean) => (condition ? it : it.skip);
const layer = (stacks: readonly SynthesizedStack[], name: string) => stacks.find((s) => s.name.endsWith(`-${name}`));

describe("which bounds the schedules own", () => {
  it.each([
    ["no schedule", [], []],
    ["a schedule that sets only the minimum", [{ minCapacity: 10 }, { minCapacity: 3 }], ["min_capacity"]],
    ["a schedule that sets only the maximum", [{ maxCapacity: 40 }], ["max_capacity"]],
    ["schedules that set one bound each", [{ minCapacity: 10 }, { maxCapacity: 40 }], ["min_capacity", "max_capacity"]],
    ["a schedule that sets both (0 counts)", [{ minCapacity: 0, maxCapacity: 0 }], ["min_capacity", "max_capacity"]],
  ])("ECS: %s", (_, schedules, owned) => {
    expect(scheduleOwnedBounds(schedules)).toEqual(owned);
  });

  it("node groups: every schedule sets both sizes, so a group with schedules leaves both to them", () => {
    expect(scheduleOwnedSizes([])).toEqual([]);
    expect(scheduleOwnedSizes([{ minSize: 0, maxSize: 2 }])).toEqual(["min_size", "max_size"]);
  });
});

describe.each([...fixtures, ...configured])("Application Auto Scaling of every service ($name)", ({ stacks }) => {
  const ecs = layer(stacks, "ecs");
  const targets = ecs ? Object.entries(resources(ecs, "aws_appautoscaling_target")) : [];
  /** The policies and scheduled actions of a target (they name its resource_id), by Terraform address. */
  const membersOf = (target: string) =>
    (["aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action"] as const).flatMap((type) =>
      Object.entries(ecs ? resources(ecs, type) : {})
        .filter(([, body]) => body.resource_id === `\${aws_appautoscaling_target.${target}.resource_id}`)
        .map(([name, body]) => ({ address: `${type}.${name}`, type, body })),
    );

  itIf(targets.length > 0)("ignores exactly the bounds that the target's own scheduled actions set", () => {
    for (const [name, target] of targets) {
      const actions = membersOf(name).filter((m) => m.type === "aws_appautoscaling_scheduled_action");
      const set = actions.map((a) => a.body.scalable_target_action as { min_capacity?: string; max_capacity?: string });
      const expected = [
        ...(set.some((s) => s.min_capacity !== undefined) ? ["min_capacity"] : []),
        ...(set.some((s) => s.max_capacity !== undefined) ? ["max_capacity"] : []),
      ];
      expect({ target: name, ignored: ignored(target) }).toEqual({ target: name, ignored: expected });
    }
  });

  itIf(targets.length > 0)("applies each policy and scheduled action after exactly the previous one: target, policies, schedules", () => {
    for (const [name] of targets) {
      const members = membersOf(name);
      const after = new Map(members.map((m) => [m.address, m.body.depends_on as string[] | undefined]));
      for (const member of members)
        expect({ member: member.address, dependsOn: after.get(member.address)?.length }).toEqual({
          member: member.address,
          dependsOn: 1,
        });
      // Walk the chain from the target: each step has exactly one successor, and the walk covers every member.
      const order: string[] = [];
      let previous = `aws_appautoscaling_target.${name}`;
      for (;;) {
        const next = members.filter((m) => after.get(m.address)?.[0] === previous);
        expect(next.length).toBeLessThanOrEqual(1);
        if (next.length === 0) break;
        previous = next[0]!.address;
        order.push(next[0]!.type);
      }
      expect(order).toHaveLength(members.length);
      const firstSchedule = order.indexOf("aws_appautoscaling_scheduled_action");
      if (firstSchedule >= 0) expect(order.slice(firstSchedule).every((t) => t === "aws_appautoscaling_scheduled_action")).toBe(true);
    }
  });

  itIf(targets.length > 0)("recreates every policy and scheduled action when its target is replaced, and only then", () => {
    for (const [name] of targets) {
      for (const member of membersOf(name)) {
        // The arn changes only when the target is replaced; a whole-resource reference would also fire on in-place updates.
        expect((member.body.lifecycle as Body).replace_triggered_by).toEqual([`aws_appautoscaling_target.${name}.arn`]);
      }
    }
  });
});

describe("the fixtures' ECS targets (one per schedule pattern)", () => {
  const target = (environment: (typeof FIXTURE_ENVIRONMENTS)[number], service: string) => {
    const found = Object.entries(resources(stackOf(synthEnvironment(fixtureEnvironment(environment)), "ecs"), "aws_appautoscaling_target"));
    return found.find(([key]) => key.startsWith(`${service}-scaling_`))![1];
  };

  it("prod ingest has no schedule: both bounds reach AWS on the next apply", () => {
    expect(target("prod", "ingest").lifecycle).toBeUndefined();
  });

  it("prod api's schedules set only the minimum: its maximum stays managed", () => {
    expect(ignored(target("prod", "api"))).toEqual(["min_capacity"]);
  });

  it("dev api's night schedule sets both: both are left to the schedules", () => {
    expect(ignored(target("dev", "api"))).toEqual(["min_capacity", "max_capacity"]);
  });
});

describe.each([...fixtures, ...configured])("node group bounds ($name)", ({ stacks }) => {
  const eks = layer(stacks, "eks");
  const schedules = eks ? Object.values(resources(eks, "aws_autoscaling_schedule")) : [];
  /** The sizes that the schedules on a group set (the schedules name the group's Auto Scaling group). */
  const setBy = (reference: RegExp) => {
    const on = schedules.filter((s) => reference.test(String(s.autoscaling_group_name)));
    return [
      ...(on.some((s) => s.min_size !== undefined) ? ["min_size"] : []),
      ...(on.some((s) => s.max_size !== undefined) ? ["max_size"] : []),
    ];
  };

  itIf(eks !== undefined)(
    "managed groups ignore desired size, and min/max only where a schedule on their Auto Scaling group sets them",
    () => {
      for (const [name, group] of Object.entries(resources(eks!, "aws_eks_node_group"))) {
        const owned = setBy(new RegExp(`^\\$\\{aws_eks_node_group\\.${name}\\.resources\\[0\\]\\.autoscaling_groups\\[0\\]\\.name\\}$`));
        expect({ name, ignored: ignored(group) }).toEqual({
          name,
          ignored: ["scaling_config[0].desired_size", ...owned.map((b) => `scaling_config[0].${b}`)],
        });
      }
    },
  );

  itIf(eks !== undefined)("self-managed groups ignore desired capacity, and min/max only where a schedule sets them", () => {
    for (const [name, group] of Object.entries(resources(eks!, "aws_autoscaling_group"))) {
      const owned = setBy(new RegExp(`^\\$\\{aws_autoscaling_group\\.${name}\\.name\\}$`));
      expect({ name, ignored: ignored(group) }).toEqual({ name, ignored: ["desired_capacity", ...owned] });
    }
  });

  itIf(eks !== undefined)("creates the scheduled actions of one group one after another", () => {
    const byGroup = new Map<string, Body[]>();
    for (const s of schedules) byGroup.set(String(s.autoscaling_group_name), [...(byGroup.get(String(s.autoscaling_group_name)) ?? []), s]);
    for (const group of byGroup.values()) {
      const waiting = group.filter((s) => Array.isArray(s.depends_on) && (s.depends_on as string[]).length === 1);
      expect(waiting).toHaveLength(group.length - 1);
    }
  });
});

describe("node groups without schedules keep their bounds in Terraform", () => {
  const stack = stackOf(
    synthEnvironment(
      environmentFromYaml(
        eksEnvironmentYaml(`  managedSpotNodeGroups:
    - { name: spot, instanceTypes: [m5.large, m5a.large, m6i.large], minSize: 1, maxSize: 4, desiredSize: 1 }
  selfManagedSpotNodeGroups:
    - { name: workers, instanceTypes: [m5.large, m5a.large, m6i.large], minSize: 1, maxSize: 4, desiredSize: 1 }
`),
      ),
    ),
    "eks",
  );

  it("ignores only the desired size of a managed group and of a self-managed group", () => {
    for (const group of Object.values(resources(stack, "aws_eks_node_group"))) {
      expect(ignored(group)).toEqual(["scaling_config[0].desired_size"]);
    }
    expect(Object.values(resources(stack, "aws_autoscaling_group")).map(ignored)).toEqual([["desired_capacity"]]);
  });
});
