// Application Auto Scaling schedule expressions: at(yyyy-mm-ddThh:mm:ss), rate(value unit) and
// cron(minutes hours day-of-month month day-of-week year), six fields, where exactly one of
// day-of-month and day-of-week must be "?".
// https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html

const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

interface CronField {
  readonly name: string;
  readonly pattern: RegExp;
  readonly allowed: string;
}

const value = (range: string) => `(?:${range})`;
const list = (item: string) =>
  new RegExp(`^(?:\\*|${item}(?:-${item})?(?:/\\d+)?)(?:,${item}(?:-${item})?(?:/\\d+)?)*$|^\\*(?:/\\d+)?$`, "i");

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", pattern: list(value("[0-5]?\\d")), allowed: "0-59 , - * /" },
  { name: "hours", pattern: list(value("[01]?\\d|2[0-3]")), allowed: "0-23 , - * /" },
  {
    name: "day-of-month",
    pattern:
      /^(?:\?|L|W|\d{1,2}W|(?:\*|(?:[1-9]|[12]\d|3[01])(?:-(?:[1-9]|[12]\d|3[01]))?)(?:\/\d+)?(?:,(?:[1-9]|[12]\d|3[01])(?:-(?:[1-9]|[12]\d|3[01]))?)*)$/i,
    allowed: "1-31 , - * ? / L W",
  },
  { name: "month", pattern: list(value(`0?[1-9]|1[0-2]|${MONTHS}`)), allowed: "1-12 or JAN-DEC , - * /" },
  {
    name: "day-of-week",
    pattern: new RegExp(`^(?:\\?|L|[1-7]L|[1-7]#[1-5]|${list(value(`[1-7]|${DAYS}`)).source.slice(1, -1)})$`, "i"),
    allowed: "1-7 or SUN-SAT , - * ? / L #",
  },
  { name: "year", pattern: list(value("19[7-9]\\d|2[01]\\d\\d")), allowed: "1970-2199 , - * /" },
];

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/** Why `expression` is not an Application Auto Scaling schedule, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  if (expression.startsWith("cron(")) return cronProblem(expression);
  if (expression.startsWith("rate(")) {
    const match = RATE.exec(expression);
    if (!match) return `"${expression}" is not a rate expression; write rate(<value> <minute(s)|hour(s)|day(s)>), e.g. rate(5 minutes)`;
    const count = Number(match[1]);
    const singular = !match[2]!.endsWith("s");
    if (count < 1) return `"${expression}": the rate value must be a positive whole number`;
    if (count === 1 && !singular) return `"${expression}": AWS needs the singular unit for 1; write rate(1 ${match[2]!.slice(0, -1)})`;
    if (count > 1 && singular) return `"${expression}": AWS needs the plural unit above 1; write rate(${count} ${match[2]}s)`;
    return undefined;
  }
  if (expression.startsWith("at(")) {
    const match = AT.exec(expression);
    const [, y, mo, d, h, mi, s] = (match ?? []).map(Number);
    const date = match ? new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)) : undefined;
    if (!date || date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) {
      return `"${expression}" is not an at() expression; write at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-24T18:00:00), in the schedule's time zone`;
    }
    return undefined;
  }
  return `"${expression}" is not a schedule expression; use cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), rate(<value> <unit>) or at(yyyy-mm-ddThh:mm:ss)`;
}

function cronProblem(expression: string): string | undefined {
  const body = /^cron\((.*)\)$/.exec(expression)?.[1]?.trim();
  const fields = body ? body.split(/\s+/) : [];
  if (fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; AWS cron takes six (minutes hours day-of-month month day-of-week year), e.g. cron(0 8 ? * MON-FRI *)`;
  }
  for (const [i, field] of fields.entries()) {
    const spec = CRON_FIELDS[i]!;
    if (!spec.pattern.test(field)) return `"${expression}": ${spec.name} "${field}" is invalid; allowed: ${spec.allowed}`;
  }
  const dayOfMonth = fields[2]!;
  const dayOfWeek = fields[4]!;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return `"${expression}": exactly one of day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}") must be "?" in AWS cron; e.g. cron(0 8 ? * MON-FRI *) or cron(0 8 1 * ? *)`;
  }
  return undefined;
}

/**
 * Whether `zone` is an IANA time zone name, e.g. Europe/Berlin, Asia/Kolkata, Etc/GMT+9 or UTC (AWS
 * scheduled actions take the IANA names). The runtime's list of zones answers most names at once; it holds
 * ICU's canonical ids, which miss some IANA ones (Asia/Kolkata, Etc/GMT+9), so any other name is tried
 * with a DateTimeFormat, whose first use loads ICU's zone data (3 % of the app's synth time).
 */
export function isTimeZone(zone: string): boolean {
  listedZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  if (listedZones.has(zone)) return true;
  let known = otherZones.get(zone);
  if (known === undefined) {
    known = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && acceptsTimeZone(zone);
    otherZones.set(zone, known);
  }
  return known;
}

let listedZones: ReadonlySet<string> | undefined;
/** Answers per zone name: building a DateTimeFormat per schedule was 4 % of a 200-service synth. */
const otherZones = new Map<string, boolean>();

function acceptsTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
