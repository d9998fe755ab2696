// npm run bootstrap-state -- <env> [--apply]
// The S3 state bucket must exist before the first `cdktf deploy` of an environment with a `state`
// section, and cannot live in a stack that stores its own state in it. This prints (or, with --apply,
// runs) the AWS CLI calls that create it hardened: versioned, encrypted, private, TLS-only.
import { spawnSync } from "node:child_process";
import { loadEnvironmentsOrExit } from "../../config/loader";

const [envName, flag] = process.argv.slice(2);
const environments = loadEnvironmentsOrExit();
const withState = environments.filter((e) => e.state).map((e) => e.name);
const environment = environments.find((e) => e.name === envName);
const fail = (message: string): never => {
  process.stderr.write(`bootstrap-state: ${message}\n`);
  process.exit(2);
};
if (!envName || (flag !== undefined && flag !== "--apply")) {
  fail(`usage: npm run bootstrap-state -- <env> [--apply]; environments with a state section: ${withState.join(", ") || "none"}`);
}
if (!environment) {
  fail(`there is no environment "${envName}"; environments: ${environments.map((e) => e.name).join(", ")}`);
} else if (!environment.state) {
  fail(
    `${envName} keeps its state in local files (it has no state section), so there is no bucket to create; add state.bucket to ${environment.file} for shared S3 state (docs/state-bucket.md)`,
  );
}
if (!environment?.state) process.exit(2);

const { bucket, kmsKeyArn } = environment.state;
const region = environment.state.region ?? environment.aws.region;
const encryption = kmsKeyArn ? { SSEAlgorithm: "aws:kms", KMSMasterKeyID: kmsKeyArn } : { SSEAlgorithm: "AES256" };
const denyInsecureTransport = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};

const calls: string[][] = [
  [
    "s3api",
    "create-bucket",
    "--bucket",
    bucket,
    "--region",
    region,
    ...(region === "us-east-1" ? [] : ["--create-bucket-configuration", `LocationConstraint=${region}`]),
  ],
  [
    "s3api",
    "put-public-access-block",
    "--bucket",
    bucket,
    "--public-access-block-configuration",
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
  ],
  ["s3api", "put-bucket-ownership-controls", "--bucket", bucket, "--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]"],
  ["s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled"],
  [
    "s3api",
    "put-bucket-encryption",
    "--bucket",
    bucket,
    "--server-side-encryption-configuration",
    JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: encryption, BucketKeyEnabled: true }] }),
  ],
  ["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", JSON.stringify(denyInsecureTransport)],
  [
    "s3api",
    "put-bucket-lifecycle-configuration",
    "--bucket",
    bucket,
    "--lifecycle-configuration",
    // Old state versions are the undo history; keep 90 days of them.
    JSON.stringify({
      Rules: [
        {
          ID: "state-history",
          Status: "Enabled",
          Filter: {},
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    }),
  ],
];

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
for (const args of calls) {
  console.log(["aws", ...args].map(quote).join(" "));
  if (flag !== "--apply") continue;
  const result = spawnSync("aws", args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (flag !== "--apply") console.log("\n# Printed only. Run with --apply (credentials for the environment's account) to execute.");
