/** The ARN partition of a region (aws, aws-cn, aws-us-gov, ...), known at synth so policies stay plain strings. */
export function arnPartition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}
