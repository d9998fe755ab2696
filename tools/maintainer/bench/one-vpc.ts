// The stock-setup anchor's program, written this project's way (deep imports): one VPC in one stack.
// tools/maintainer/bench.ts runs it as is and, with the barrel import, the way cdktf's TypeScript template does.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

class OneVpcStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    new Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16" });
  }
}

const app = new App({ outdir: process.env.CDKTF_OUTDIR });
new OneVpcStack(app, "one-vpc");
app.synth();
