// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scheduleMatcher, unixCron } from "../tools/review/cost/cron";
import { costDiff } from "../tools/review/cost/diff";
import { environmentOf, estimateStack, estimateStacks } from "../tools/review/cost/estimate";
import { PRICES_DIR, type PriceKey, priceTable, tableAgeDays } from "../tools/review/cost/price-table";
import { renderReport } from "../tools/review/cost/report";
import { RESOURCE_KINDS } from "../tools/review/cost/resource-kinds";
import type { StackJson } from "../tools/review/cost/types";
import { DEFAULT_WEEK_START, firings } from "../tools/review/cost/week";
import {
  configuredEnvironments,
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  FIXTURE_ENVIRONMENTS_DIR,
  fixtureEnvironment,
  runTs,
  synthEnvironment,
  synthToDir,
} from "./helpers";

const table = priceTable("eu-west-1");
const synthesized = new Map<string, ReturnType<typeof synthEnvironment>>();
/** A fixture environment's stacks, synthesized once for the whole file. */
function fixtureStacks(name: (typeof FIXTURE_ENVIRONMENTS)[number]) {
  if (!synthesized.has(name)) synthesized.set(name, synthEnvironment(fixtureEnvironment(name)));
  return synthesized.get(name)!;
}
const HOUR = 3_600_000;
/** UTC hour-of-week of each firing in the week starting at `start` (Monday 00:00 UTC = 0). */
const firingHours = (expression: string, zone: string, start: number) =>
  firings(/^(cron|rate|at)\(/.test(expression) ? scheduleMatcher(expression) : unixCron(expression), zone, start, 7 * 24 * 60).map(
    (m) => m / 60,
  );

// Weeks of 2026, each Monday 00:00 UTC. Europe changes to summer time on Sunday 29 March, 01:00 UTC, and back
// on Sunday 25 October; the United States on Sunday 8 March, 07:00 UTC.
const JAN_5 = Date.UTC(2026, 0, 5);
const MAR_9 = Date.UTC(2026, 2, 9);
const MAR_23 = Date.UTC(2026, 2, 23);
const OCT_19 = Date.UTC(2026, 9, 19);

describe("schedule expressions over a week, DST-correct", () => {
  it("fires AWS cron at local wall-clock time: 07:30 Berlin is 06:30 UTC in winter, 05:30 UTC after the change", () => {
    expect(firingHours("cron(30 7 ? * MON-FRI *)", "Europe/Berlin", JAN_5)).toEqual([6.5, 30.5, 54.5, 78.5, 102.5]);
    // Daily 06:00 Berlin in the week Europe changes: Monday to Saturday at 05:00 UTC, Sunday at 04:00 UTC.
    expect(firingHours("cron(0 6 * * ? *)", "Europe/Berlin", MAR_23)).toEqual([5, 29, 53, 77, 101, 125, 148]);
  });

  it("skips a local time that does not exist (spring forward) and fires twice in the repeated hour (fall back)", () => {
    expect(firingHours("cron(30 2 * * ? *)", "Europe/Berlin", MAR_23)).toHaveLength(6);
    expect(firingHours("cron(30 2 * * ? *)", "Europe/Berlin", OCT_19).slice(-3)).toEqual([144.5 - 24, 144.5, 145.5]);
  });

  it("reads UNIX cron (0 and 7 are Sunday; both day fields restricted means either) and rate()", () => {
    expect(firingHours("0 22 * * FRI", "Europe/Dublin", JAN_5)).toEqual([4 * 24 + 22]);
    expect(firingHours("0 0 * * 7", "UTC", JAN_5)).toEqual([6 * 24]);
    expect(firingHours("0 12 10 * MON", "UTC", JAN_5)).toEqual([12, 5 * 24 + 12]); // Monday, and Saturday the 10th;
    expect(firingHours("rate(12 hours)", "UTC", JAN_5)).toHaveLength(14);
    // at() in the schedule's zone: 2026-01-07 18:00 Berlin is Wednesday 17:00 UTC.
    expect(firingHours("at(2026-01-07T18:00:00)", "Europe/Berlin", JAN_5)).toEqual([2 * 24 + 17]);
    expect(() => scheduleMatcher("cron(0 8 L * ? *)")).toThrow(/does not simulate/);
  });
});

/** A stack with one Fargate service (1 vCPU, 2 GB, x86, on FARGATE only) and the given scheduled actions. */
function serviceStack(schedules: { schedule: string; timezone: string; min?: number; max?: number }[], policy = true): StackJson {
  const target = "${aws_appautoscaling_target.t.resource_id}";
  return {
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_ecs_task_definition: { td: { cpu: "1024", memory: "2048", runtime_platform: { cpu_architecture: "X86_64" } } },
      aws_ecs_service: { svc: { name: "api", desired_count: 2, task_definition: "${aws_ecs_task_definition.td.arn}" } },
      aws_appautoscaling_target: { t: { min_capacity: 2, max_capacity: 10, resource_id: "service/c/${aws_ecs_service.svc.name}" } },
      ...(policy ? { aws_appautoscaling_policy: { p: { resource_id: target } } } : {}),
      aws_appautoscaling_scheduled_action: Object.fromEntries(
        schedules.map((s, i) => [
          `a${i}`,
          {
            name: `a${i}`,
            resource_id: target,
            schedule: s.schedule,
            timezone: s.timezone,
            scalable_target_action: {
              ...(s.min === undefined ? {} : { min_capacity: String(s.min) }),
              ...(s.max === undefined ? {} : { max_capacity: String(s.max) }),
            },
          },
        ]),
      ),
    },
  };
}

const fargateLine = (stack: StackJson, weekStartMs: number) =>
  estimateStack("t-ecs", stack, { weekStartMs }).lines.find((l) => l.kind === "Fargate service")!;
const TASK_HOUR = 1 * table.prices.fargateVcpuHourX86.price + 2 * table.prices.fargateGbHourX86.price;
const monthlyOf = (taskHoursPerWeek: number) => (taskHoursPerWeek * TASK_HOUR * table.hoursPerMonth) / 168;

describe("Fargate task-hours integrated over a week of schedules in two time zones", () => {
  // Up to 6 tasks at 09:00 New York, back to 2 at 18:00 Berlin, weekdays.
  const stack = serviceStack([
    { schedule: "cron(0 9 ? * MON-FRI *)", timezone: "America/New_York", min: 6 },
    { schedule: "cron(0 18 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 2 },
  ]);

  it("winter: 14:00-17:00 UTC at 6 tasks on five days, 2 otherwise: 336 + 5 x 3 x 4 = 396 task-hours", () => {
    const line = fargateLine(stack, JAN_5);
    expect(line.count).toBe(Math.round((396 / 168) * 100) / 100);
    expect(line.monthly!.low).toBeCloseTo(monthlyOf(396), 6);
    expect(line.unitPrice).toBeCloseTo(0.04937, 6);
  });

  it("the weeks between the US and the European change: New York's 09:00 is 13:00 UTC, Berlin's 18:00 still 17:00 UTC: 416 task-hours", () => {
    expect(fargateLine(stack, MAR_9).monthly!.low).toBeCloseTo(monthlyOf(336 + 5 * 4 * 4), 6);
  });

  it("a night schedule shows its saving: off at 20:00, on at 07:00 Berlin on weekdays (no policies: bounds push the desired count)", () => {
    const always = fargateLine(serviceStack([], false), JAN_5);
    const nights = fargateLine(
      serviceStack(
        [
          { schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 0, max: 0 },
          { schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 2, max: 10 },
        ],
        false,
      ),
      JAN_5,
    );
    expect(always.monthly!.low).toBeCloseTo(monthlyOf(2 * 168), 6);
    // Weekdays 07:00-20:00 (13 h x 5), off from Friday 20:00 to Monday 07:00.
    expect(nights.monthly!.low).toBeCloseTo(monthlyOf(2 * 65), 6);
    expect(
      costDiff(
        [estimateStack("t-ecs", serviceStack([], false))],
        [
          estimateStack(
            "t-ecs",
            serviceStack(
              [
                { schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 0, max: 0 },
                { schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 2, max: 10 },
              ],
              false,
            ),
          ),
        ],
      ).stacks[0]!.lines[0],
    ).toBe(`schedule changed on Fargate service api: -$${(monthlyOf(2 * 168) - monthlyOf(130)).toFixed(2)}/month (average 2 -> 0.77)`);
  });

  it("discounts the FARGATE_SPOT share after the base: 10 tasks, base 2 on FARGATE, weights 1:1 -> 4 on spot", () => {
    const spot = serviceStack([]);
    const body = (spot.resource as Record<string, Record<string, Record<string, unknown>>>).aws_ecs_service!.svc!;
    body.desired_count = 10;
    body.capacity_provider_strategy = [
      { capacity_provider: "FARGATE", base: 2, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
    ];
    (spot.resource as Record<string, Record<string, Record<string, unknown>>>).aws_appautoscaling_target!.t!.min_capacity = 10;
    // Fargate Spot is a range like EC2 spot: the deeper discount gives the low end, the shallower the high end.
    const [shallow, deep] = table.assumptions.fargateSpotDiscount.value;
    const line = fargateLine(spot, JAN_5);
    expect(line.monthly!.low).toBeCloseTo((6 + 4 * (1 - deep)) * TASK_HOUR * table.hoursPerMonth, 6);
    expect(line.monthly!.high).toBeCloseTo((6 + 4 * (1 - shallow)) * TASK_HOUR * table.hoursPerMonth, 6);
  });
});

describe("floor and ceiling, unknown prices", () => {
  it("prices a service at its maximum capacity too, so a maxCapacity change shows", () => {
    const raised = serviceStack([]);
    (raised.resource as Record<string, Record<string, Record<string, unknown>>>).aws_appautoscaling_target!.t!.max_capacity = 20;
    const diff = costDiff([estimateStack("t-ecs", serviceStack([]))], [estimateStack("t-ecs", raised)]);
    const ceiling = (tasks: number) => (tasks * TASK_HOUR * table.hoursPerMonth).toFixed(2);
    expect(diff.stacks[0]!.lines).toEqual([
      `Fargate service api at maximum capacity: $${ceiling(10)} -> $${ceiling(20)} (+$${(Number(ceiling(20)) - Number(ceiling(10))).toFixed(2)}/month ceiling)`,
    ]);
    expect(diff.delta).toEqual({ low: 0, high: 0 });
  });

  it("leaves the ceiling alone when schedules own the maximum (the edit is not applied: ignore_changes)", () => {
    const owned = [
      { schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 0, max: 0 },
      { schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Berlin", min: 2, max: 10 },
    ];
    const raised = serviceStack(owned);
    (raised.resource as Record<string, Record<string, Record<string, unknown>>>).aws_appautoscaling_target!.t!.max_capacity = 20;
    expect(costDiff([estimateStack("t-ecs", serviceStack(owned))], [estimateStack("t-ecs", raised)]).stacks).toEqual([]);
  });

  it("reports an instance type without a price as unknown and leaves it out of both totals, never as removed", () => {
    const group = (type: string): StackJson => ({
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_eks_node_group: {
          g: { node_group_name: "system", instance_types: [type], scaling_config: { min_size: 2, max_size: 2, desired_size: 2 } },
        },
      },
    });
    const diff = costDiff([estimateStack("prod-eks", group("m6i.large"))], [estimateStack("prod-eks", group("m8g.large"))]);
    expect([diff.before, diff.after, diff.delta, diff.unpriced]).toEqual([
      { low: 0, high: 0 },
      { low: 0, high: 0 },
      { low: 0, high: 0 },
      ["prod-eks EC2 on-demand nodes system"],
    ]);
    expect(diff.stacks[0]!.lines[0]).toMatch(
      /^EC2 on-demand nodes system: price unknown after the change \(no eu-west-1 on-demand price for m8g\.large; .*\): not in either total; was \$156\.22$/,
    );
  });

  it("sums the headline per environment", () => {
    const diff = costDiff(
      [estimateStack("dev-ecs", serviceStack([])), estimateStack("prod-ecs", serviceStack([]))],
      [estimateStack("dev-ecs", serviceStack([], false)), estimateStack("prod-ecs", serviceStack([]))],
    );
    expect(diff.environments.map((e) => e.environment)).toEqual(["dev", "prod"]);
    expect(diff.environments[1]!.delta).toEqual({ low: 0, high: 0 });
  });
});

describe("node groups through their schedules, spot as a range", () => {
  it("prices the prod fixture's self-managed spot workers: 8 nodes 07:30-20:00 Dublin on weekdays, 3 otherwise", () => {
    const eks = fixtureStacks("prod").find((s) => s.name === "prod-eks")!;
    const cost = estimateStack(eks.name, eks.terraform as StackJson);
    const workers = cost.lines.find((l) => l.kind === "EC2 spot nodes" && l.name === "prod-eks-spot-workers")!;
    const nodeHours = 5 * 12.5 * 8 + (168 - 5 * 12.5) * 3;
    const types = ["m5.xlarge", "m5a.xlarge", "m6i.xlarge", "m6a.xlarge", "m7i.xlarge"].map((t) => table.ec2OnDemandHour.types[t]!);
    const mean = types.reduce((a, b) => a + b, 0) / types.length;
    const [low, high] = table.assumptions.ec2SpotShareOfOnDemand.value;
    expect(workers.monthly!.low).toBeCloseTo((nodeHours * mean * low * table.hoursPerMonth) / 168, 6);
    expect(workers.monthly!.high).toBeCloseTo((nodeHours * mean * high * table.hoursPerMonth) / 168, 6);
    const system = cost.lines.find((l) => l.name === "prod-eks-system" && l.kind === "EC2 on-demand nodes")!;
    expect(system.monthly).toEqual({ low: 3 * 0.107 * 730, high: 3 * 0.107 * 730 });
  });
});

describe("fixture environments", () => {
  const costs = FIXTURE_ENVIRONMENTS.flatMap((name) =>
    estimateStacks(new Map(fixtureStacks(name).map((s) => [s.name, s.terraform as StackJson]))),
  );

  it("totals per environment and stack, every line (snapshot: a change here is a price or estimate change to review)", () => {
    const round = (n: number) => Math.round(n * 100) / 100;
    expect(
      costs.map((c) => ({
        stack: c.stack,
        total: [round(c.total.low), round(c.total.high)],
        lines: c.lines
          .filter((l) => l.monthly)
          .map(
            (l) =>
              `${l.kind}${l.name ? ` ${l.name}` : ""}: ${l.count} x ${l.unitPrice}/${l.unit} = ${round(l.monthly!.low)}-${round(l.monthly!.high)}`,
          ),
      })),
    ).toMatchSnapshot();
    const byEnv = (env: string) => costs.filter((c) => environmentOf(c.stack) === env).reduce((n, c) => n + c.total.low, 0);
    // dev: one NAT gateway and its address, an ALB in two zones, the API on weekdays only, two keys, and the alarm
    // metrics of the API and of the jobs worker (its queue, scale-out from zero, backlog at maximum); the worker idles at zero tasks.
    expect(round(byEnv("dev"))).toBe(70.68);
  });

  it("the report says estimate and the table's age", () => {
    const text = renderReport(costs, [{ table, ageDays: tableAgeDays(table, new Date(Date.UTC(2026, 11, 23))) }]);
    expect(text).toContain("**Estimate** from list prices: price table eu-west-1 read 2026-11-23 (30 days old)");
    expect(text).toMatch(/^## prod: \$[\d,.]+-\$[\d,.]+\/month \(ceiling at maximum capacity \$[\d,.]+-\$[\d,.]+\)$/m);
    expect(text).toContain("| NAT gateway | 3 | $0.048/hour | $105.12 |");
  });
});

describe("every resource type is priced, or listed as free or usage-only", () => {
  const environments = [
    ...FIXTURE_ENVIRONMENTS.map((name) => [`fixture ${name}`, () => fixtureStacks(name)] as const),
    ...configuredEnvironments().map((e) => [`config/environments ${e.name}`, () => synthEnvironment(e)] as const),
  ];

  it.each(environments)("%s: no unclassified type, nothing left unpriced", (_name, synth) => {
    const stacks = synth();
    for (const stack of stacks) {
      // Classification does not depend on the region: a fork's environment in a region without a price
      // table yet is checked against the shipped table (its own prices are `npm run cost`'s concern).
      const cost = estimateStack(stack.name, stack.terraform as StackJson, {
        prices: (region) => priceTable(existsSync(join(PRICES_DIR, `${region}.json`)) ? region : "eu-west-1"),
      });
      expect([stack.name, cost.unclassified, cost.warnings]).toEqual([stack.name, [], []]);
    }
  });

  it("a type the table does not know is reported, not silently free", () => {
    const cost = estimateStack("x-network", { provider: { aws: [{ region: "eu-west-1" }] }, resource: { aws_rds_cluster: { db: {} } } });
    expect(cost.unclassified).toEqual(["aws_rds_cluster"]);
  });

  it("an instance type missing from the price table is a warning that names the file", () => {
    const yaml = readFileSync(`${FIXTURE_ENVIRONMENTS_DIR}/prod.yaml`, "utf8").replace(
      "instanceTypes: [m6i.large]",
      "instanceTypes: [r6i.large]",
    );
    const eks = synthEnvironment(environmentFromYaml(yaml, "prod")).find((s) => s.name === "prod-eks")!;
    expect(estimateStack(eks.name, eks.terraform as StackJson).warnings).toEqual([
      expect.stringMatching(/no eu-west-1 on-demand price for r6i.large; add it to tools\/review\/cost\/prices\/eu-west-1.json$/),
    ]);
  });

  it("classifies every type with a reason", () => {
    for (const [type, c] of Object.entries(RESOURCE_KINDS)) expect([type, c.why.length > 10]).toEqual([type, true]);
  });
});

describe("price table", () => {
  it("gives every price a unit, the date it was read and a source", () => {
    for (const [key, p] of Object.entries(table.prices) as [PriceKey, (typeof table.prices)[PriceKey]][]) {
      expect([key, p.price > 0, p.unit.length > 2, /^\d{4}-\d{2}-\d{2}$/.test(p.read), p.source.length > 20]).toEqual([
        key,
        true,
        true,
        true,
        true,
      ]);
    }
    expect(Object.values(table.ec2OnDemandHour.types).every((p) => p > 0)).toBe(true);
  });

  it("names the file to add for a region without a table", () => {
    expect(() => priceTable("ap-south-2")).toThrow(
      "no price table for ap-south-2; copy tools/review/cost/prices/eu-west-1.json to ap-south-2.json",
    );
  });

  it("the default week has no DST change in the zones the fixtures use", () => {
    for (const zone of ["Europe/Berlin", "Europe/Dublin", "America/New_York"]) {
      expect(firingHours("cron(0 12 * * ? *)", zone, DEFAULT_WEEK_START).map((h) => h % 24)).toEqual(
        Array(7).fill(firingHours("cron(0 12 * * ? *)", zone, DEFAULT_WEEK_START)[0]),
      );
    }
    expect(DEFAULT_WEEK_START).toBe(JAN_5);
    expect(HOUR).toBe(3_600_000);
  });
});

describe("npm run cost", () => {
  const work = mkdtempSync(join(tmpdir(), "cost-cli-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("prints one environment's estimate from an existing synth (--dir), and names the environments when one is unknown", async () => {
    synthToDir([fixtureEnvironment("dev")], work);
    const dev = await runTs(["tools/review/cost/cli.ts", "--dir", work, "dev"]);
    expect([dev.code, dev.stderr]).toEqual([0, ""]);
    expect(dev.stdout).toContain("## dev: $70.68/month");
    const unknown = await runTs(["tools/review/cost/cli.ts", "--dir", work, "qa"]);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, `cost: no stacks of qa in ${work}; environments: dev`]);
  });
});

describe("a type classified as priced is priced", () => {
  // The smallest stack in which each priced type must produce a monthly figure; a type added to
  // RESOURCE_KINDS as priced without code that prices it fails here.
  const td = { aws_ecs_task_definition: { td: { cpu: "256", memory: "512" } } };
  const minimal: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {
    aws_nat_gateway: { aws_nat_gateway: { n: {} } },
    aws_eip: { aws_eip: { e: {} } },
    aws_lb: { aws_lb: { l: { internal: true, subnets: ["a"] } } },
    aws_vpc_endpoint: { aws_vpc_endpoint: { v: { vpc_endpoint_type: "Interface", subnet_ids: ["a", "b"] } } },
    aws_eks_cluster: { aws_eks_cluster: { c: {} } },
    aws_kms_key: { aws_kms_key: { k: {} } },
    aws_cloudwatch_metric_alarm: { aws_cloudwatch_metric_alarm: { a: {} } },
    aws_wafv2_web_acl: { aws_wafv2_web_acl: { w: { rule: [{}] } } },
    aws_ecs_service: { ...td, aws_ecs_service: { s: { desired_count: 1, task_definition: "${aws_ecs_task_definition.td.arn}" } } },
    aws_eks_node_group: {
      aws_eks_node_group: { g: { instance_types: ["m6i.large"], scaling_config: { min_size: 1, max_size: 1, desired_size: 1 } } },
    },
    aws_autoscaling_group: {
      aws_autoscaling_group: {
        g: {
          min_size: 1,
          max_size: 1,
          desired_capacity: 1,
          mixed_instances_policy: { launch_template: { override: [{ instance_type: "m5.large" }] } },
        },
      },
    },
  };
  const priced = Object.entries(RESOURCE_KINDS)
    .filter(([, c]) => c.treatment === "priced")
    .map(([type]) => type);

  it("has a minimal stack for every priced type", () => {
    expect(Object.keys(minimal).sort()).toEqual(priced.sort());
  });

  it.each(priced)("%s", (type) => {
    const cost = estimateStack("x-test", { provider: { aws: [{ region: "eu-west-1" }] }, resource: minimal[type] });
    expect([cost.total.low > 0, cost.warnings]).toEqual([true, []]);
  });
});
