import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import { Construct } from "constructs";
import { assertProps } from "../validation";
import type { FlowLogField } from "./fields";
import { type GeneratedQuery, insightsQueries } from "./queries";

export interface FlowLogInsightsQueriesProps {
  readonly namePrefix: string;
  /** The flow-log group the queries run against. */
  readonly logGroupName: string;
  /** Fields of the flow-log format, in order: the queries parse records with them. */
  readonly fields: readonly FlowLogField[];
  /**
   * NAT gateway network interfaces, for the NAT traffic query.
   * @default [] - no NAT traffic query
   */
  readonly natGatewayInterfaceIds?: readonly string[];
  /**
   * The VPC's IPv4 CIDR blocks, so that top talkers counts traffic inside the VPC once.
   * @default [] - no top-talkers query
   */
  readonly vpcCidrs?: readonly string[];
}

/** Saved Logs Insights queries (console: Logs Insights > Queries > `<env>/vpc-flow-logs/...`) for the CloudWatch destination. */
export class FlowLogInsightsQueries extends Construct {
  readonly queries: readonly GeneratedQuery[];
  readonly definitions: readonly CloudwatchQueryDefinition[];

  constructor(scope: Construct, id: string, props: FlowLogInsightsQueriesProps) {
    super(scope, id);
    assertProps(this, [props.fields.length === 0 && "fields: give the flow-log format's fields"]);
    this.queries = insightsQueries({
      fields: props.fields,
      natGatewayInterfaceIds: props.natGatewayInterfaceIds ?? [],
      vpcCidrs: props.vpcCidrs ?? [],
    });
    this.definitions = this.queries.map(
      (query) =>
        new CloudwatchQueryDefinition(this, query.id, {
          name: `${props.namePrefix}/vpc-flow-logs/${query.id}`,
          logGroupNames: [props.logGroupName],
          queryString: query.query,
        }),
    );
  }
}
