/**
 * checkov's arguments after the input (`-d <folder>` or `-f <plan.json>`): JSON output, no network
 * (no policy download, no external modules), and exit 0 on findings so the project classifies them.
 */
export function checkovArgs(framework: "terraform_json" | "terraform_plan"): string[] {
  return [
    "--framework",
    framework,
    "--output",
    "json",
    "--compact",
    "--skip-download",
    "--download-external-modules",
    "false",
    "--soft-fail",
  ];
}
