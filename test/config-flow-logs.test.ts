import { parseEnvironment } from "../config/loader";

const withFlowLogs = (flowLogs: string) => `
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
  flowLogs: ${flowLogs}
`;

const problemsOf = (text: string) => {
  const result = parseEnvironment("test.yaml", "test", text);
  return "problems" in result ? result.problems.map(({ path, message }) => ({ path, message })) : [];
};

describe("network.flowLogs config", () => {
  it("defaults to S3 only, no extra fields, 90/30-day retention and a 10 GiB scan cutoff when the section is absent", () => {
    const result = parseEnvironment(
      "test.yaml",
      "test",
      'repository: test\naws: { region: eu-west-1, accountId: "111122223333" }\nnetwork: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }\n',
    );
    if ("problems" in result) throw new Error(JSON.stringify(result.problems));
    expect(result.environment.network.flowLogs).toEqual({
      destinations: ["s3"],
      extraFields: [],
      s3RetentionDays: 90,
      cloudwatchRetentionDays: 30,
      athenaBytesScannedCutoffMb: 10240,
    });
  });

  it("accepts both destinations and an allowed extra field", () => {
    expect(problemsOf(withFlowLogs("{ destinations: [s3, cloudwatch], extraFields: [reject-reason, ecs-service-name] }"))).toEqual([]);
  });

  it("refuses an unknown field name, listing the allowed extra fields", () => {
    const [problem, ...rest] = problemsOf(withFlowLogs("{ extraFields: [tcp-flag] }"));
    expect(rest).toEqual([]);
    expect(problem?.path).toBe("network.flowLogs.extraFields.0");
    expect(problem?.message).toMatch(/^must be one of sublocation-type, sublocation-id, ecs-cluster-arn, .*reject-reason, got "tcp-flag"$/);
  });

  it("refuses a base field as an extra field (it is always recorded)", () => {
    const [problem] = problemsOf(withFlowLogs("{ extraFields: [tcp-flags] }"));
    expect(problem?.path).toBe("network.flowLogs.extraFields.0");
    expect(problem?.message).not.toContain("tcp-flags,");
  });

  it("refuses duplicate extra fields and destinations", () => {
    expect(problemsOf(withFlowLogs("{ destinations: [s3, s3], extraFields: [reject-reason, reject-reason] }"))).toEqual([
      { path: "network.flowLogs.destinations", message: "lists s3 twice; each destination once" },
      { path: "network.flowLogs.extraFields", message: "lists reject-reason twice; each field once" },
    ]);
  });

  it("refuses an empty or unknown destination", () => {
    expect(problemsOf(withFlowLogs("{ destinations: [] }"))).toEqual([
      { path: "network.flowLogs.destinations", message: "must list at least one destination: s3, cloudwatch or both" },
    ]);
    expect(problemsOf(withFlowLogs("{ destinations: [firehose] }"))).toEqual([
      { path: "network.flowLogs.destinations.0", message: 'must be one of s3, cloudwatch, got "firehose"' },
    ]);
  });

  it("refuses a CloudWatch retention CloudWatch does not accept, listing the accepted values", () => {
    const [problem] = problemsOf(withFlowLogs("{ cloudwatchRetentionDays: 10 }"));
    expect(problem).toEqual({
      path: "network.flowLogs.cloudwatchRetentionDays",
      message: expect.stringMatching(/^must be one of 1, 3, 5, 7, 14, 30, .*, 3653, got number 10$/),
    });
  });

  it("bounds S3 retention and the Athena scan cutoff", () => {
    expect(problemsOf(withFlowLogs("{ s3RetentionDays: 0, athenaBytesScannedCutoffMb: 5 }"))).toEqual([
      { path: "network.flowLogs.s3RetentionDays", message: "must be between 1 and 3650 days" },
      { path: "network.flowLogs.athenaBytesScannedCutoffMb", message: "must be between 10 (the Athena minimum) and 1048576 MB (1 TiB)" },
    ]);
  });

  it("refuses unknown keys with a hint", () => {
    expect(problemsOf(withFlowLogs("{ destination: [s3] }"))).toEqual([
      {
        path: "network.flowLogs.destination",
        message:
          "unknown key (did you mean destinations?); allowed keys here: destinations, extraFields, s3RetentionDays, cloudwatchRetentionDays, athenaBytesScannedCutoffMb",
      },
    ]);
  });
});
