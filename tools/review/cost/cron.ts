// Schedule expressions as matchers over local wall-clock minutes: the AWS cron of Application Auto Scaling
// (six fields, "?"), rate() and at() (lib/ecs/schedule-expression.ts validates them), and the five-field
// UNIX cron of EC2 Auto Scaling scheduled actions (recurrence).

/** A wall-clock minute in the schedule's time zone. `weekday` 0 = Sunday. */
export interface LocalMinute {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

/** When a schedule fires: on local minutes, or (rate) every `everyMinutes` from the start of the simulation. */
export type Matcher =
  | { readonly kind: "local"; readonly matches: (t: LocalMinute) => boolean }
  | { readonly kind: "rate"; readonly everyMinutes: number };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The values a cron field admits: `*`, lists, ranges, steps and names; `offset` maps names to numbers. */
function fieldValues(field: string, min: number, max: number, names: readonly string[] = [], nameBase = 0): Set<number> | "any" {
  if (field === "*" || field === "?") return "any";
  const value = (text: string) => {
    const index = names.indexOf(text.toUpperCase());
    const n = index >= 0 ? index + nameBase : Number(text);
    if (!Number.isInteger(n)) throw new Error(`"${text}" is not a value the cost estimate can read`);
    return n;
  };
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === "*" ? [min, max] : range!.includes("-") ? range!.split("-").map(value) : [value(range!), stepText ? max : value(range!)];
    for (let v = from!; v <= to!; v += step) out.add(v);
  }
  return out;
}

const has = (set: Set<number> | "any", v: number) => set === "any" || set.has(v);

/** AWS cron: minutes hours day-of-month month day-of-week(1-7 = SUN-SAT) year. L, W and # are not simulated. */
export function awsCron(body: string): Matcher {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron(${body}) does not have six fields`);
  if (fields.some((f) => /[LW#]/i.test(f))) throw new Error(`cron(${body}) uses L, W or #, which the cost estimate does not simulate`);
  const [mi, h, dom, mo, dow, y] = fields as [string, string, string, string, string, string];
  const minutes = fieldValues(mi, 0, 59);
  const hours = fieldValues(h, 0, 23);
  const days = fieldValues(dom, 1, 31);
  const months = fieldValues(mo, 1, 12, MONTHS, 1);
  const weekdays = fieldValues(dow, 1, 7, DAYS, 1);
  const years = fieldValues(y, 1970, 2199);
  return {
    kind: "local",
    matches: (t) =>
      has(minutes, t.minute) &&
      has(hours, t.hour) &&
      has(days, t.day) &&
      has(months, t.month) &&
      has(weekdays, t.weekday + 1) &&
      has(years, t.year),
  };
}

/** UNIX cron (EC2 Auto Scaling recurrence): minute hour day-of-month month day-of-week(0-7, 0 and 7 = SUN). */
export function unixCron(recurrence: string): Matcher {
  const fields = recurrence.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`recurrence "${recurrence}" does not have five fields`);
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  const minutes = fieldValues(mi, 0, 59);
  const hours = fieldValues(h, 0, 23);
  const days = fieldValues(dom, 1, 31);
  const months = fieldValues(mo, 1, 12, MONTHS, 1);
  const weekdaysRaw = fieldValues(dow, 0, 7, DAYS, 0);
  const weekdays = weekdaysRaw === "any" ? "any" : new Set([...weekdaysRaw].map((d) => d % 7));
  // cron(8): when both day fields are restricted, a day matching either runs the job.
  const dayMatches = (t: LocalMinute) =>
    days !== "any" && weekdays !== "any" ? days.has(t.day) || weekdays.has(t.weekday) : has(days, t.day) && has(weekdays, t.weekday);
  return { kind: "local", matches: (t) => has(minutes, t.minute) && has(hours, t.hour) && has(months, t.month) && dayMatches(t) };
}

/** An Application Auto Scaling schedule: cron(...), rate(...) or at(...). */
export function scheduleMatcher(expression: string): Matcher {
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return awsCron(cron[1]!);
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate)
    return { kind: "rate", everyMinutes: Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as "minute" | "hour" | "day"] };
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi] = at.slice(1).map(Number) as [number, number, number, number, number];
    return { kind: "local", matches: (t) => t.year === y && t.month === mo && t.day === d && t.hour === h && t.minute === mi };
  }
  throw new Error(`"${expression}" is not a schedule expression the cost estimate can read`);
}
