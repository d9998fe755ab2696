// The floor: what any cdktf app here pays before doing anything useful (load cdktf and the AWS
// provider's runtime, synthesize one empty stack). Bench ratios are relative to this.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";

const app = new App({ outdir: process.env.CDKTF_OUTDIR });
const stack = new TerraformStack(app, "floor");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
app.synth();
