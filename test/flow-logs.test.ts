import { BASE_FLOW_LOG_FIELDS, columnName, type FlowLogField, flowLogFields, logFormatAsDelivered } from "../lib/flow-logs/fields";
import { athenaQueries, FLOW_LOG_QUERIES, type FlowLogQuerySpec, insightsQueries, PARTITION_KEYS } from "../lib/flow-logs/queries";
import {
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  fixtureEnvironment,
  onlyResource,
  resources,
  type SynthesizedStack,
  stackOf,
  synthEnvironment,
} from "./helpers";

const synthesized = Object.fromEntries(
  FIXTURE_ENVIRONMENTS.map((name) => [name, stackOf(synthEnvironment(fixtureEnvironment(name)), "network")]),
);

type Statement = Record<string, unknown> & { condition?: { test: string; variable: string; values: string[] }[] };
const policyDocuments = (stack: SynthesizedStack) =>
  Object.entries(stack.terraform.data?.aws_iam_policy_document ?? {}) as [string, { statement: Statement[] }][];
const documentOf = (stack: SynthesizedStack, pathPart: string) => {
  const found = policyDocuments(stack).filter(([key]) => key.includes(pathPart));
  if (found.length !== 1) throw new Error(`expected one policy document matching ${pathPart}, found ${found.length}`);
  return found[0]![1];
};
const conditionsOf = (statement: Statement) => Object.fromEntries((statement.condition ?? []).map((c) => [c.variable, c]));
/** Identifiers a query reads: double-quoted names. */
const quotedIdentifiers = (sql: string) => [...sql.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);

describe.each(FIXTURE_ENVIRONMENTS)("%s flow logs", (name) => {
  const stack = synthesized[name]!;
  const environment = fixtureEnvironment(name);
  const settings = environment.network.flowLogs;
  const fields = flowLogFields(settings.extraFields);
  const flowLogs = Object.values(resources(stack, "aws_flow_log"));

  it("has one flow log per configured destination, ALL traffic, 60-second aggregation, on the VPC", () => {
    expect(flowLogs.map((f) => f.log_destination_type).sort()).toEqual(
      settings.destinations.map((d) => (d === "s3" ? "s3" : "cloud-watch-logs")).sort(),
    );
    for (const flowLog of flowLogs) {
      expect(flowLog).toMatchObject({ traffic_type: "ALL", max_aggregation_interval: 60 });
      expect(String(flowLog.vpc_id)).toContain("aws_vpc.");
    }
  });

  it("uses a log format that is exactly the field list, in order (with Terraform's $$ escape)", () => {
    for (const flowLog of flowLogs) {
      expect(String(flowLog.log_format).replace(/\$\$\{/g, "${")).toBe(logFormatAsDelivered(fields));
    }
    expect(fields.slice(0, BASE_FLOW_LOG_FIELDS.length)).toEqual([...BASE_FLOW_LOG_FIELDS]);
  });

  it("delivers to S3 as Parquet with hive-compatible, per-hour partitions", () => {
    const s3 = flowLogs.find((f) => f.log_destination_type === "s3");
    expect(s3?.destination_options).toEqual({ file_format: "parquet", hive_compatible_partitions: true, per_hour_partition: true });
    expect(String(s3?.log_destination)).toMatch(/aws_s3_bucket\.flow-logs_bucket_storage_bucket_\w+\.arn/);
  });

  it("defines Glue columns equal to the field list, typed from it, with projected hive partitions", () => {
    const table = onlyResource(stack, "aws_glue_catalog_table") as {
      storage_descriptor: { columns: { name: string; type: string }[]; location: string };
      partition_keys: { name: string }[];
      parameters: Record<string, string>;
    };
    expect(table.storage_descriptor.columns.map((c) => c.name)).toEqual(fields.map(columnName));
    expect(table.storage_descriptor.columns.find((c) => c.name === "tcp_flags")?.type).toBe("int");
    expect(table.storage_descriptor.columns.find((c) => c.name === "bytes")?.type).toBe("bigint");
    expect(table.partition_keys.map((k) => k.name)).toEqual([...PARTITION_KEYS]);
    expect(table.parameters["projection.enabled"]).toBe("true");
    const template = table.parameters["storage.location.template"]!;
    expect(template).toMatch(
      /\/AWSLogs\/aws-account-id=[^/]+\/aws-service=vpcflowlogs\/aws-region=eu-west-1\/year=\$\$\{year\}\/month=\$\$\{month\}\/day=\$\$\{day\}\/hour=\$\$\{hour\}\/$/,
    );
    expect(template.startsWith(table.storage_descriptor.location)).toBe(true);
  });

  it("generates named queries that read only columns of the table", () => {
    const columns = new Set([...fields.map(columnName), ...PARTITION_KEYS]);
    const queries = Object.values(resources(stack, "aws_athena_named_query"));
    expect(queries.length).toBeGreaterThanOrEqual(7);
    for (const query of queries) {
      for (const identifier of quotedIdentifiers(String(query.query))) expect(columns).toContain(identifier);
      expect(String(query.query)).toContain(`${name}_flow_logs.vpc_flow_logs`);
    }
  });

  it("runs Athena in a workgroup that enforces encrypted results and a scan cutoff", () => {
    const workgroup = onlyResource(stack, "aws_athena_workgroup") as { configuration: Record<string, unknown> };
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      bytes_scanned_cutoff_per_query: settings.athenaBytesScannedCutoffMb * 1024 * 1024,
      result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS" } },
    });
  });

  it("hardens both buckets: KMS, versioning, every public-access block, owner-enforced, lifecycle", () => {
    const buckets = resources(stack, "aws_s3_bucket");
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) expect(String(bucket.bucket)).toMatch(new RegExp(`^${name}-`));
    for (const type of [
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_policy",
    ]) {
      expect(Object.keys(resources(stack, type))).toHaveLength(2);
    }
    for (const block of Object.values(resources(stack, "aws_s3_bucket_public_access_block"))) {
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
    for (const ownership of Object.values(resources(stack, "aws_s3_bucket_ownership_controls"))) {
      expect(ownership.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    }
    for (const sse of Object.values(resources(stack, "aws_s3_bucket_server_side_encryption_configuration"))) {
      expect(sse.rule).toEqual([
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringContaining("aws_kms_key.") },
          bucket_key_enabled: true,
        },
      ]);
    }
    const lifecycles = Object.entries(resources(stack, "aws_s3_bucket_lifecycle_configuration"));
    for (const [, lifecycle] of lifecycles) {
      const [rule, markers] = lifecycle.rule as Record<string, unknown>[];
      expect(rule).toMatchObject({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: expect.any(Number) }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      });
      // Its own rule: AWS rejects expired_object_delete_marker next to days in one expiration.
      expect(markers).toEqual({
        id: "remove-expired-delete-markers",
        status: "Enabled",
        filter: [{}],
        expiration: [{ expired_object_delete_marker: true }],
      });
    }
    const flowLogLifecycle = lifecycles.find(([key]) => key.includes("flow-logs_bucket"))![1];
    expect((flowLogLifecycle.rule as { expiration: { days: number }[] }[])[0]!.expiration).toEqual([{ days: settings.s3RetentionDays }]);
  });

  it("denies non-TLS requests and admits only this account's log deliveries to the flow-log bucket", () => {
    const document = documentOf(stack, "flow-logs_bucket_storage_policy-document");
    const [deny, write, aclCheck] = document.statement;
    expect(deny).toMatchObject({ effect: "Deny", actions: ["s3:*"] });
    expect(conditionsOf(deny!)["aws:SecureTransport"]).toMatchObject({ test: "Bool", values: ["false"] });
    for (const statement of [write!, aclCheck!]) {
      expect(statement.principals).toEqual([{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }]);
      const conditions = conditionsOf(statement);
      expect(conditions["aws:SourceAccount"]?.test).toBe("StringEquals");
      expect(conditions["aws:SourceArn"]).toMatchObject({
        test: "ArnLike",
        values: [expect.stringMatching(/^arn:aws:logs:eu-west-1:.+:\*$/)],
      });
    }
    expect(write!.actions).toEqual(["s3:PutObject"]);
    expect((write!.resources as string[])[0]).toMatch(/\/AWSLogs\/aws-account-id=.+\/\*$/);
    // With BucketOwnerEnforced an ACL condition protects nothing and can only deny deliveries (see flow-log-bucket.ts).
    expect(conditionsOf(write!)["s3:x-amz-acl"]).toBeUndefined();
    expect(aclCheck!.actions).toEqual(["s3:GetBucketAcl", "s3:ListBucket"]);
    expect(aclCheck!.resources).toEqual([expect.not.stringContaining("/")]);
    for (const [, doc] of policyDocuments(stack)) {
      for (const statement of doc.statement) expect(statement.actions).not.toContain("*");
    }
  });

  it("rotates the KMS key and grants exactly the services the destinations need", () => {
    const key = onlyResource(stack, "aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(environment.production ? 30 : 7);
    const policy = JSON.parse(String(key.policy)) as {
      Statement: { Sid: string; Principal: Record<string, string>; Condition?: unknown }[];
    };
    const services = policy.Statement.map((s) => s.Principal.Service).filter(Boolean);
    const expected = [
      ...(settings.destinations.includes("s3") ? ["delivery.logs.amazonaws.com"] : []),
      ...(settings.destinations.includes("cloudwatch") ? ["logs.eu-west-1.amazonaws.com"] : []),
    ];
    expect(services).toEqual(expected);
    for (const statement of policy.Statement.filter((s) => s.Principal.Service)) expect(statement.Condition).toBeDefined();
  });

  it("protects stateful resources from destroy only in production; elsewhere buckets and the workgroup are force-destroyable", () => {
    const stateful = [
      ...Object.values(resources(stack, "aws_s3_bucket")),
      ...Object.values(resources(stack, "aws_kms_key")),
      ...Object.values(resources(stack, "aws_cloudwatch_log_group")),
    ];
    for (const resource of stateful) {
      expect((resource.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy).toBe(
        environment.production ? true : undefined,
      );
    }
    // Outside production `terraform destroy` must succeed once the buckets hold logs and queries have run.
    for (const type of ["aws_s3_bucket", "aws_athena_workgroup"]) {
      for (const resource of Object.values(resources(stack, type))) expect(resource.force_destroy).toBe(!environment.production);
    }
  });
});

describe("CloudWatch destination (prod)", () => {
  const prod = synthesized.prod!;

  it("has a KMS-encrypted log group with the configured retention", () => {
    expect(onlyResource(prod, "aws_cloudwatch_log_group")).toMatchObject({
      name: "prod-vpc-flow-logs",
      retention_in_days: 30,
      kms_key_id: expect.stringContaining("aws_kms_key."),
    });
  });

  it("uses a role that only the flow-logs service of this account can assume", () => {
    const trust = documentOf(prod, "assume-role-policy");
    expect(trust.statement).toHaveLength(1);
    const [statement] = trust.statement;
    expect(statement!.principals).toEqual([{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }]);
    expect(statement!.actions).toEqual(["sts:AssumeRole"]);
    const conditions = conditionsOf(statement!);
    expect(conditions["aws:SourceAccount"]).toEqual({ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] });
    expect(conditions["aws:SourceArn"]).toEqual({
      test: "ArnLike",
      variable: "aws:SourceArn",
      values: ["arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*"],
    });
  });

  it("grants the role the actions AWS lists, on the flow-log group only (DescribeLogGroups: this account and region)", () => {
    const permissions = documentOf(prod, "role-policy-document");
    expect(permissions.statement).toEqual([
      {
        sid: "WriteFlowLogGroup",
        effect: "Allow",
        actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/)],
      },
      {
        sid: "FindFlowLogGroup",
        effect: "Allow",
        actions: ["logs:DescribeLogGroups"],
        resources: ["arn:aws:logs:eu-west-1:111122223333:log-group:*"],
      },
    ]);
  });

  it("creates the CloudWatch flow log only after the role's policy (a bare depends_on address)", () => {
    const flowLog = Object.values(resources(prod, "aws_flow_log")).find((f) => f.log_destination_type === "cloud-watch-logs")!;
    const [policy] = Object.keys(resources(prod, "aws_iam_role_policy"));
    expect(flowLog.depends_on).toEqual([`aws_iam_role_policy.${policy}`]);
  });

  it("saves a Logs Insights query per applicable question, parsing records with the field list", () => {
    const definitions = Object.values(resources(prod, "aws_cloudwatch_query_definition"));
    const fields = flowLogFields(fixtureEnvironment("prod").network.flowLogs.extraFields);
    // Every Athena question except those that join records (Logs Insights cannot).
    const athenaOnly = FLOW_LOG_QUERIES.filter((q) => !q.insights).map((q) => q.id);
    expect(athenaOnly).toEqual(["tcp-unanswered-syn"]);
    expect(definitions.map((d) => String(d.name).replace("prod/vpc-flow-logs/", "")).sort()).toEqual(
      Object.values(resources(prod, "aws_athena_named_query"))
        .map((q) => String(q.name).replace("prod-", ""))
        .filter((id) => !athenaOnly.includes(id))
        .sort(),
    );
    for (const definition of definitions) {
      expect(String(definition.query_string)).toContain(`as ${fields.map(columnName).join(", ")}`);
    }
  });

  it("is absent in dev, which delivers to S3 only", () => {
    const dev = synthesized.dev!;
    expect(resources(dev, "aws_cloudwatch_log_group")).toEqual({});
    expect(resources(dev, "aws_iam_role")).toEqual({});
    expect(resources(dev, "aws_cloudwatch_query_definition")).toEqual({});
  });
});

describe("CloudWatch-only environment", () => {
  const stack = stackOf(
    synthEnvironment(
      environmentFromYaml(`
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
  natGateways: none
  flowLogs: { destinations: [cloudwatch], cloudwatchRetentionDays: 7 }
`),
    ),
    "network",
  );

  it("creates no bucket, Glue table or Athena workgroup, and no NAT query", () => {
    expect(resources(stack, "aws_s3_bucket")).toEqual({});
    expect(resources(stack, "aws_glue_catalog_table")).toEqual({});
    expect(resources(stack, "aws_athena_workgroup")).toEqual({});
    const names = Object.values(resources(stack, "aws_cloudwatch_query_definition")).map((d) => String(d.name));
    expect(names).not.toContain("test/vpc-flow-logs/nat-gateway-traffic");
    expect(names).toContain("test/vpc-flow-logs/tcp-resets");
  });

  it("grants the key to CloudWatch Logs only, for the flow-log group", () => {
    const policy = JSON.parse(String(onlyResource(stack, "aws_kms_key").policy)) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "CloudWatchLogsFlowLogGroup"]);
    expect(JSON.stringify(policy.Statement[1])).toContain(":log-group:test-vpc-flow-logs");
  });
});

describe("query generation", () => {
  const reduced: FlowLogField[] = ["version", "srcaddr", "dstaddr", "dstport", "protocol", "packets", "bytes", "action"];

  it("skips every query whose fields are not all in the format", () => {
    const generated = athenaQueries({ fields: reduced }, "db.t").map((q) => q.id);
    expect(generated).toEqual(["rejected-flows"]);
    expect(insightsQueries({ fields: reduced }).map((q) => q.id)).toEqual(["rejected-flows"]);
  });

  it("generates the NAT query only when there are NAT gateway interfaces", () => {
    const fields = flowLogFields();
    expect(athenaQueries({ fields }, "db.t").map((q) => q.id)).not.toContain("nat-gateway-traffic");
    const withNat = athenaQueries({ fields, natGatewayInterfaceIds: ["eni-1"] }, "db.t").find((q) => q.id === "nat-gateway-traffic");
    expect(withNat?.query).toContain(`"interface_id" IN ('eni-1')`);
  });

  it("adds the reject-reason query when the field is configured", () => {
    expect(athenaQueries({ fields: flowLogFields() }, "db.t").map((q) => q.id)).not.toContain("rejected-by-reason");
    expect(athenaQueries({ fields: flowLogFields(["reject-reason"]) }, "db.t").map((q) => q.id)).toContain("rejected-by-reason");
  });

  it("reads only the fields each query declares (property over every query and the full field list)", () => {
    const fields = flowLogFields(["reject-reason"]);
    for (const query of athenaQueries({ fields, natGatewayInterfaceIds: ["eni-1"] }, "db.t")) {
      const declared = new Set([...query.fields.map(columnName), ...PARTITION_KEYS]);
      for (const identifier of quotedIdentifiers(query.query)) expect(declared).toContain(identifier);
    }
    expect(FLOW_LOG_QUERIES.map((q) => q.id)).toEqual(
      expect.arrayContaining([
        "rejected-flows",
        "top-talkers",
        "tcp-resets",
        "nat-gateway-traffic",
        "traffic-by-path",
        "flows-for-eni",
        "flows-for-ip",
      ]),
    );
  });

  it("refuses a query that reads a field it did not declare", () => {
    const sneaky: FlowLogQuerySpec = { ...FLOW_LOG_QUERIES[0]!, id: "sneaky", fields: ["action"], athena: (c) => `SELECT ${c("bytes")}` };
    expect(() => athenaQueries({ fields: flowLogFields() }, "db.t", [sneaky])).toThrow("query sneaky reads bytes but does not declare it");
  });
});
