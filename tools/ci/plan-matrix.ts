// npm run plan-matrix [-- --github-output] [--changed-since <base-outdir>] [--environment <env>]: the plan workflow's matrices, one
// per layer, from the synth output. --changed-since leaves out the stacks whose cdk.tf.json is byte-identical
// to the base branch's synth: identical Terraform JSON plans identically, so planning it says nothing new.
// Each layer's job plans its stacks in parallel after the layers they depend on (.github/workflows/plan.yml);
// stacks with local state cannot be planned in CI and are listed separately.
import { appendFileSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { loadEnvironmentsOrExit } from "../../config/loader";
import type { Layer } from "../../stacks/layers";
import {
  backendOf,
  LAYERS,
  type Manifest,
  readManifest,
  readStackDocuments,
  type StackDocument,
  sameAsBase,
  splitStackName,
} from "../shared/manifest";

export interface PlanEntry {
  readonly stack: string;
  readonly environment: string;
  /** The stack's folder, relative to the repository root (where the workflow runs). */
  readonly directory: string;
  /** Stacks this one reads outputs from or is ordered after (manifest dependencies). */
  readonly upstream: readonly string[];
  /** The AWS provider's region: the region the job's credentials are issued for. */
  readonly region: string;
  /**
   * The environment's in-VPC runner (the CodeBuild project of its synth output, docs/ci-runners.md) for a stack
   * that talks to the private cluster endpoint (eks-addons); "" for the others, and where there is none.
   */
  readonly runner: string;
  /** The environment's `aws.planRoleArn` ("" when unset: the workflow falls back to the repository variable AWS_PLAN_ROLE_ARN). */
  readonly planRole: string;
}

/** Layers whose plans and applies dial the cluster's private endpoint: their jobs run on the in-VPC runner. */
export const CLUSTER_FACING_LAYERS: readonly Layer[] = ["eks-addons"];

/**
 * The CodeBuild project that hosts an environment's GitHub Actions runners: the `aws_codebuild_project` with a
 * literal name in the environment's stacks (the first by name if there are several), or undefined.
 */
export function runnerProject(documents: readonly StackDocument[]): string | undefined {
  const names = documents.flatMap((document) =>
    Object.values((document.resource as Record<string, Record<string, { name?: unknown }>> | undefined)?.aws_codebuild_project ?? {})
      .map((project) => project.name)
      .filter((name): name is string => typeof name === "string" && !name.includes("${")),
  );
  return names.sort()[0];
}

export interface PlanMatrix {
  readonly layers: Readonly<Record<Layer, readonly PlanEntry[]>>;
  /** Stacks on the local backend: their state is a file on someone's machine, so CI cannot plan them. */
  readonly localState: readonly string[];
}

function providerRegion(document: StackDocument): string {
  const aws = (document.provider as { aws?: { region?: string }[] } | undefined)?.aws;
  return aws?.find((p) => typeof p.region === "string")?.region ?? "us-east-1";
}

/** Groups the S3-state stacks by layer; throws for a stack whose name ends in no known layer (it would never be planned). */
export function planMatrix(
  manifest: Manifest,
  documents: Readonly<Record<string, StackDocument>>,
  outdir = "cdktf.out",
  planRoles: Readonly<Record<string, string>> = {},
): PlanMatrix {
  const layers = Object.fromEntries(LAYERS.map((layer) => [layer, [] as PlanEntry[]])) as Record<Layer, PlanEntry[]>;
  const localState: string[] = [];
  for (const stack of Object.keys(manifest.stacks).sort()) {
    const parts = splitStackName(stack);
    if (!parts) {
      throw new Error(
        `stack ${stack} ends in no known layer (${LAYERS.join(", ")}); add its layer to LAYERS in stacks/layers.ts and a plan job to plan.yml`,
      );
    }
    const document = documents[stack];
    if (!document) throw new Error(`stack ${stack} has no cdk.tf.json in the synth output`);
    if (backendOf(document) === "local") {
      localState.push(stack);
      continue;
    }
    const { workingDirectory, dependencies } = manifest.stacks[stack]!;
    const environmentDocuments = Object.keys(documents)
      .filter((name) => splitStackName(name)?.environment === parts.environment)
      .map((name) => documents[name]!);
    layers[parts.layer].push({
      stack,
      environment: parts.environment,
      directory: join(outdir, workingDirectory),
      upstream: [...dependencies].sort(),
      region: providerRegion(document),
      runner: CLUSTER_FACING_LAYERS.includes(parts.layer) ? (runnerProject(environmentDocuments) ?? "") : "",
      planRole: planRoles[parts.environment] ?? "",
    });
  }
  return { layers, localState };
}

/**
 * The matrix without the stacks whose Terraform JSON equals the base synth's (`unchanged`); a stack that
 * is new or differs stays, with every stack it depends on left to its own comparison (a plan reads the
 * deployed upstream state, not the upstream's plan).
 */
export function withoutUnchanged(
  matrix: PlanMatrix,
  outdir: string,
  baseOutdir: string,
  manifest: Manifest,
): { matrix: PlanMatrix; unchanged: string[] } {
  const unchanged = Object.keys(manifest.stacks)
    .filter((stack) => sameAsBase(outdir, baseOutdir, manifest.stacks[stack]!.workingDirectory))
    .sort();
  const keep = (stack: string) => !unchanged.includes(stack);
  const layers = Object.fromEntries(LAYERS.map((layer) => [layer, matrix.layers[layer].filter((e) => keep(e.stack))])) as Record<
    Layer,
    PlanEntry[]
  >;
  return { matrix: { layers, localState: matrix.localState.filter(keep) }, unchanged };
}

/** Only the stacks of `environment` (the deploy workflow plans one environment at a time). */
export function forEnvironment(matrix: PlanMatrix, environment: string): PlanMatrix {
  const layers = Object.fromEntries(
    LAYERS.map((layer) => [layer, matrix.layers[layer].filter((e) => e.environment === environment)]),
  ) as Record<Layer, PlanEntry[]>;
  return { layers, localState: matrix.localState.filter((stack) => splitStackName(stack)?.environment === environment) };
}

/**
 * `key=value` lines for $GITHUB_OUTPUT: one JSON array per layer, the same entries split into those GitHub-hosted
 * runners plan (`hosted`) and the cluster-facing ones (`cluster`), the local-state stacks, and every stack name.
 */
export function githubOutputLines(matrix: PlanMatrix): string[] {
  const all = [...LAYERS.flatMap((layer) => matrix.layers[layer].map((e) => e.stack)), ...matrix.localState].sort();
  const entries = (cluster: boolean) =>
    LAYERS.filter((layer) => CLUSTER_FACING_LAYERS.includes(layer) === cluster).flatMap((layer) => matrix.layers[layer]);
  return [
    ...LAYERS.map((layer) => `${layer}=${JSON.stringify(matrix.layers[layer])}`),
    // Plans read deployed state, never another plan: every stack plans in parallel, cluster-facing ones on the in-VPC runner.
    `hosted=${JSON.stringify(entries(false))}`,
    `cluster=${JSON.stringify(entries(true))}`,
    `local-state=${JSON.stringify(matrix.localState)}`,
    `stacks=${JSON.stringify(all)}`,
  ];
}

/** Each environment's `aws.planRoleArn`, where it sets one (optional: else the repository variable AWS_PLAN_ROLE_ARN). */
function planRoles(): Record<string, string> {
  return Object.fromEntries(
    loadEnvironmentsOrExit().flatMap((environment) => {
      const role = environment.aws.planRoleArn;
      return role ? [[environment.name, role]] : [];
    }),
  );
}

if (require.main === module) {
  const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "..", "cdktf.out");
  try {
    const manifest = readManifest(outdir);
    let matrix = planMatrix(manifest, readStackDocuments(outdir, manifest), relative(process.cwd(), outdir) || ".", planRoles());
    const sinceIndex = process.argv.indexOf("--changed-since");
    const baseOutdir = sinceIndex > 0 ? process.argv[sinceIndex + 1] : undefined;
    let unchanged: string[] = [];
    if (baseOutdir && existsSync(join(baseOutdir, "manifest.json")))
      ({ matrix, unchanged } = withoutUnchanged(matrix, outdir, baseOutdir, manifest));
    else if (sinceIndex > 0) console.log(`::notice title=planning every stack::no base synth output at ${baseOutdir ?? "(none given)"}`);
    if (unchanged.length > 0) {
      console.log(
        `::notice title=${unchanged.length} stack(s) unchanged, not planned::Terraform JSON identical to the base branch: ${unchanged.join(", ")}`,
      );
    }
    const environmentIndex = process.argv.indexOf("--environment");
    if (environmentIndex > 0) matrix = forEnvironment(matrix, process.argv[environmentIndex + 1] ?? "");
    for (const entry of CLUSTER_FACING_LAYERS.flatMap((layer) => matrix.layers[layer]).filter((e) => e.runner === "")) {
      console.log(
        `::warning title=${entry.stack} has no in-VPC runner::no CodeBuild runner project in the synth output of ${entry.environment}; its jobs run on a GitHub-hosted runner, which cannot reach the private cluster endpoint (docs/ci-runners.md)`,
      );
    }
    const lines = githubOutputLines(matrix);
    if (process.argv.includes("--github-output") && process.env.GITHUB_OUTPUT) {
      appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
      for (const stack of matrix.localState) {
        console.log(
          `::notice title=${stack} not planned::${stack} keeps its state in a local file (no state section), so CI cannot plan it`,
        );
      }
    }
    console.log(lines.join("\n"));
  } catch (error) {
    process.stderr.write(`plan-matrix: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
