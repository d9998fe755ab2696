import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_ENVIRONMENTS, fixtureEnvironment, resources, stackOf, synthEnvironment, terraformVersion } from "./helpers";

// Issue 17 items 1 and 2, run through Terraform itself. No AWS provider can be installed here, so each
// scalable target, policy and scheduled action of the synthesized fixtures becomes a terraform_data
// stand-in (built into Terraform) with the same name, the same depends_on and the same
// replace_triggered_by (the target's computed `arn` becomes terraform_data's computed `id`: both are
// known until the target is replaced). Then Terraform plans and applies what a user runs:
// `terraform apply -replace=<target>`, and an in-place edit of a bound.

type Body = Record<string, unknown>;
const SCALING = ["aws_appautoscaling_target", "aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action"] as const;

interface Stand {
  readonly targets: string[];
  /** The policies and scheduled actions of each target, by stand-in address. */
  readonly members: Map<string, string[]>;
  readonly json: Body;
}

function standIn(): Stand {
  const data: Record<string, Body> = {};
  const targets: string[] = [];
  const members = new Map<string, string[]>();
  const rename = (address: string) => `terraform_data.${address.split(".")[1]}`;
  for (const environment of FIXTURE_ENVIRONMENTS) {
    const ecs = stackOf(synthEnvironment(fixtureEnvironment(environment)), "ecs");
    for (const type of SCALING) {
      for (const [name, body] of Object.entries(resources(ecs, type))) {
        const key = `${environment}_${name}`;
        const lifecycle = body.lifecycle as { replace_triggered_by?: string[] } | undefined;
        data[key] = {
          input: type === "aws_appautoscaling_target" ? { min: body.min_capacity, max: body.max_capacity } : name,
          ...(body.depends_on ? { depends_on: (body.depends_on as string[]).map((d) => rename(d).replace(".", `.${environment}_`)) } : {}),
          ...(lifecycle?.replace_triggered_by
            ? {
                lifecycle: {
                  replace_triggered_by: lifecycle.replace_triggered_by.map((r) =>
                    r.replace(/^aws_appautoscaling_target\.([\w-]+)\.arn$/, `terraform_data.${environment}_$1.id`),
                  ),
                },
              }
            : {}),
        };
        if (type === "aws_appautoscaling_target") targets.push(`terraform_data.${key}`);
        else {
          const target = `terraform_data.${environment}_${String(body.resource_id).match(/aws_appautoscaling_target\.([\w-]+)\./)![1]}`;
          members.set(target, [...(members.get(target) ?? []), `terraform_data.${key}`]);
        }
      }
    }
  }
  return { targets, members, json: { resource: { terraform_data: data } } };
}

const version = terraformVersion("the scaling replacement test (terraform plan/apply of terraform_data stand-ins)");
const whenTerraform = version ? describe : describe.skip;

whenTerraform("replacing a scalable target, and editing one in place (Terraform, terraform_data stand-ins)", () => {
  const stand = standIn();
  const dir = mkdtempSync(join(tmpdir(), "scaling-replace-"));
  const terraform = (...args: string[]) =>
    execFileSync("terraform", args, {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    });
  const write = (json: Body) => writeFileSync(join(dir, "main.tf.json"), JSON.stringify(json, null, 2));
  /** Planned actions by address, without no-ops. */
  const planned = (...args: string[]) => {
    terraform("plan", "-input=false", "-out=plan.bin", ...args);
    const plan = JSON.parse(terraform("show", "-json", "plan.bin")) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    return Object.fromEntries(
      plan.resource_changes.filter((r) => r.change.actions.join() !== "no-op").map((r) => [r.address, r.change.actions.join()]),
    );
  };

  beforeAll(() => {
    write(stand.json);
    terraform("init", "-input=false");
    terraform("apply", "-input=false", "-auto-approve");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds a target with policies and schedules among the fixtures", () => {
    expect([...stand.members.values()].some((m) => m.length >= 3)).toBe(true);
  });

  it("-replace of a target replaces exactly it and every policy and scheduled action of it", () => {
    for (const target of stand.targets) {
      const expected = Object.fromEntries([target, ...(stand.members.get(target) ?? [])].map((a) => [a, "delete,create"]));
      expect(planned(`-replace=${target}`)).toEqual(expected);
    }
  });

  it("applies that replacement one change at a time: members deleted newest first, the target replaced, members created in order", () => {
    const target = stand.targets.find((t) => (stand.members.get(t) ?? []).length >= 3)!;
    const chain = stand.members.get(target)!;
    const lines = terraform("apply", "-input=false", "-auto-approve", "-json", `-replace=${target}`)
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; hook?: { resource: { addr: string }; action: string } });
    const events = lines
      .filter((l) => l.type === "apply_start" || l.type === "apply_complete")
      .map((l) => `${l.type === "apply_start" ? "start" : "done"} ${l.hook!.action} ${l.hook!.resource.addr}`);
    // Never two changes to one target's family in flight at once.
    let inFlight = 0;
    for (const event of events) {
      inFlight += event.startsWith("start") ? 1 : -1;
      expect(inFlight).toBeLessThanOrEqual(1);
    }
    const order = events.filter((e) => e.startsWith("start")).map((e) => e.replace(/^start /, ""));
    // The chain in the synthesized JSON is target -> members in the order their depends_on link them.
    const linked = chainOrder(stand.json, target);
    expect(new Set(linked)).toEqual(new Set(chain));
    expect(order).toEqual([
      ...[...linked].reverse().map((a) => `delete ${a}`),
      `delete ${target}`,
      `create ${target}`,
      ...linked.map((a) => `create ${a}`),
    ]);
  });

  it("an in-place edit of a bound updates only the target (its policies and schedules stay)", () => {
    const target = stand.targets.find((t) => (stand.members.get(t) ?? []).length > 0)!;
    const json = structuredClone(stand.json) as { resource: { terraform_data: Record<string, { input: { max: number } }> } };
    json.resource.terraform_data[target.split(".")[1]!]!.input.max += 5;
    write(json);
    expect(planned()).toEqual({ [target]: "update" });
    write(stand.json);
  });
});

/** The members of a target's chain, following depends_on from the target. */
function chainOrder(json: Body, target: string): string[] {
  const data = (json.resource as { terraform_data: Record<string, { depends_on?: string[] }> }).terraform_data;
  const order: string[] = [];
  let previous = target;
  for (;;) {
    const next = Object.entries(data).find(([, body]) => body.depends_on?.[0] === previous);
    if (!next) return order;
    previous = `terraform_data.${next[0]}`;
    order.push(previous);
  }
}
