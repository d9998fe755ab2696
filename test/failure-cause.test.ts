import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureCause, missingCredentialsHint, stripAnsi } from "../tools/shared/failure-cause.cjs";

// The last line of a failed `npm run plan` / `npm run deploy` names the cause (tools/shared/failure-cause.cjs).
// The outputs below are what Terraform 1.x and the AWS provider 6.x print for each case.
describe("failure cause of a terraform or cdktf run", () => {
  it.each([
    [
      "no credentials (provider)",
      "\u001b[31m╷\u001b[0m\u001b[0m\n\u001b[31m│\u001b[0m \u001b[0m\u001b[1m\u001b[31mError: \u001b[0m\u001b[0m\u001b[1mNo valid credential sources found\u001b[0m\n│ Error: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded",
      "no AWS credentials",
    ],
    [
      "no credentials (S3 backend)",
      "Error: No valid credential sources found\n\nPlease see https://www.terraform.io/docs/language/settings/backends/s3.html",
      "no AWS credentials",
    ],
    [
      "expired token",
      "Error: validating provider credentials: retrieving caller identity from STS: operation error STS: GetCallerIdentity, https response error StatusCode: 403, api error ExpiredToken: The security token included in the request is expired",
      "expired AWS token",
    ],
    [
      "rejected key",
      "api error InvalidClientTokenId: The security token included in the request is invalid.",
      "AWS rejected the credentials",
    ],
    [
      "no network",
      'Error: Failed to query available provider packages\ncould not connect to registry.terraform.io: failed to request discovery document: Get "https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup registry.terraform.io: no such host',
      "no network",
    ],
    ["something else", "Error: Invalid reference", undefined],
  ])("%s", (_name, output, cause) => {
    const found = failureCause(output);
    expect(cause === undefined ? found : (found ?? "").split(/[:(]/)[0]?.trim()).toBe(cause);
  });

  it("removes colour codes for output that is not a terminal", () => {
    expect(stripAnsi("\u001b[1m\u001b[31mError: \u001b[0mNo valid")).toBe("Error: No valid");
  });

  it("says 'likely no AWS credentials' only when no credential source is set up at all", () => {
    const home = mkdtempSync(join(tmpdir(), "home-"));
    try {
      expect(missingCredentialsHint({}, home)).toMatch(/^likely no AWS credentials/);
      expect(missingCredentialsHint({ AWS_PROFILE: "dev" }, home)).toBeUndefined();
      writeFileSync(join(home, "config"), "[default]\n");
      expect(missingCredentialsHint({ AWS_CONFIG_FILE: join(home, "config") }, home)).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
