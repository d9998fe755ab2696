// Why a terraform or cdktf run failed, in one line a person acts on: the plan and deploy commands end with it
// (tools/ci/plan-environment.ts, tools/runner/cdktf.cjs). Plain CommonJS so the runner needs no TypeScript.
const { spawn } = require("node:child_process");

/** [what the output says, the cause and what to do], first match wins (credential errors also mention timeouts). */
const CAUSES = [
  [
    /no valid credential sources found|NoCredentialProviders|unable to locate credentials|failed to refresh cached credentials|no EC2 IMDS role found|could not load credentials|SharedConfigProfileNotExist|failed to get shared config profile/i,
    "no AWS credentials: set AWS_PROFILE (then `aws sso login`) or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (docs/deploying.md)",
  ],
  [
    /ExpiredToken|security token included in the request is expired|token has expired|the SSO session .*expired|InvalidGrantException/i,
    "expired AWS token: refresh it (`aws sso login --profile <profile>`) or export fresh credentials",
  ],
  [
    /InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException/i,
    "AWS rejected the credentials (unknown key or token): check AWS_PROFILE or the exported keys",
  ],
  [
    /not authorized to perform: sts:AssumeRole|AccessDenied[^\n]*AssumeRole/i,
    "cannot assume the deploy role (aws.deployRoleArn): your identity is not allowed to assume it",
  ],
  [
    /dial tcp|no such host|i\/o timeout|connection refused|network is unreachable|Failed to query available provider packages|could not connect to|TLS handshake timeout|context deadline exceeded/i,
    "no network: Terraform could not reach AWS or the Terraform registry (check the connection, proxy or VPN)",
  ],
];

/** The cause of a failed run from its output, or undefined when the output names none of the known ones. */
function failureCause(output) {
  const text = stripAnsi(output);
  const found = CAUSES.find(([pattern]) => pattern.test(text));
  return found ? found[1] : undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function stripAnsi(text) {
  return text.replace(ANSI, "");
}

/**
 * Runs a command with its output shown as it comes (colour codes removed unless the output is a terminal)
 * and kept, so the caller can name the cause of a failure. Resolves to the exit status and the output.
 */
function runShown(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ["inherit", "pipe", "pipe"] });
    let output = "";
    const relay = (target) => (chunk) => {
      const text = chunk.toString("utf8");
      output += text;
      target.write(target.isTTY ? text : stripAnsi(text));
    };
    child.stdout.on("data", relay(process.stdout));
    child.stderr.on("data", relay(process.stderr));
    child.on("error", (error) => resolve({ status: null, output, error }));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/**
 * When no credential source is configured at all (no keys, profile, web identity, container credentials or
 * ~/.aws files), the likely cause of a failed deploy whose output was not captured (an interactive terminal).
 * An EC2 instance role cannot be seen from here, so this only says "likely".
 */
function missingCredentialsHint(env = process.env, home = require("node:os").homedir()) {
  const fs = require("node:fs");
  const path = require("node:path");
  const sources = [
    env.AWS_ACCESS_KEY_ID,
    env.AWS_PROFILE,
    env.AWS_WEB_IDENTITY_TOKEN_FILE,
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ];
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config"),
  ];
  if (sources.some(Boolean) || files.some((file) => fs.existsSync(file))) return undefined;
  return "likely no AWS credentials: no AWS_PROFILE, AWS_ACCESS_KEY_ID, web identity token or ~/.aws files are set up (docs/deploying.md)";
}

module.exports = { failureCause, stripAnsi, runShown, missingCredentialsHint };
