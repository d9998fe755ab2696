import type { LocalMinute, Matcher } from "./cron";

/** The bounds and desired count of a scaled group (Fargate tasks, nodes), as scheduled actions set them. */
export interface Capacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Minutes in the simulated week. */
export const WEEK_MINUTES = 7 * 24 * 60;

/**
 * The representative week the estimate integrates: Monday 2026-01-05 00:00 UTC, seven days, no daylight-saving
 * change in any zone. A fixed week keeps the estimate deterministic; tests pass DST weeks explicitly.
 */
export const DEFAULT_WEEK_START = Date.UTC(2026, 0, 5);

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at `utcMs`, in minutes (Intl, so the runtime's tz database: DST-correct). */
function offsetMinutes(zone: string, utcMs: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((local - utcMs) / 60_000);
}

const offsetCache = new Map<string, number[]>();

/** The zone's offset at every quarter hour of the span (cached: every schedule in a zone shares them). */
function quarterHourOffsets(zone: string, fromMs: number, minutes: number): number[] {
  const key = `${zone} ${fromMs} ${minutes}`;
  let offsets = offsetCache.get(key);
  if (!offsets) {
    offsets = Array.from({ length: Math.ceil(minutes / 15) }, (_, i) => offsetMinutes(zone, fromMs + i * 15 * 60_000));
    offsetCache.set(key, offsets);
  }
  return offsets;
}

/**
 * The UTC minutes (offsets from `fromMs`) in [fromMs, fromMs + minutes) at which `matcher` fires in `zone`.
 * Offsets are looked up every 15 minutes (every zone changes offset on a quarter hour): on a spring-forward
 * night the skipped local times never fire; on a fall-back night the repeated hour fires twice.
 */
export function firings(matcher: Matcher, zone: string, fromMs: number, minutes: number): number[] {
  if (matcher.kind === "rate") {
    const out: number[] = [];
    for (let m = 0; m < minutes; m += matcher.everyMinutes) out.push(m);
    return out;
  }
  const out: number[] = [];
  const offsets = quarterHourOffsets(zone, fromMs, minutes);
  for (let m = 0; m < minutes; m++) {
    const utc = fromMs + m * 60_000;
    const offset = offsets[Math.floor(m / 15)]!;
    const local = new Date(utc + offset * 60_000);
    const t: LocalMinute = {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      weekday: local.getUTCDay(),
    };
    if (matcher.matches(t)) out.push(m);
  }
  return out;
}

/** A scheduled action: when it fires and what it does to the state. */
export interface TimedAction<S> {
  readonly matcher: Matcher;
  readonly zone: string;
  readonly apply: (state: S) => S;
}

/**
 * Integrates `measure(state)` over the week starting at `weekStartMs`, in unit-hours. The actions run in time
 * order from one week before (so the state at the start of the week is what the previous week's schedules
 * left, not the configured value); actions firing in the same minute apply in the order given.
 */
export function integrateWeek<S>(
  initial: S,
  actions: readonly TimedAction<S>[],
  measure: (state: S) => number,
  weekStartMs: number,
): number {
  const from = weekStartMs - WEEK_MINUTES * 60_000;
  const events = actions
    .flatMap((action, order) => firings(action.matcher, action.zone, from, 2 * WEEK_MINUTES).map((minute) => ({ minute, order, action })))
    .sort((a, b) => a.minute - b.minute || a.order - b.order);
  let state = initial;
  let last = WEEK_MINUTES; // integration starts at the second week
  let total = 0;
  for (const event of events) {
    if (event.minute >= WEEK_MINUTES) {
      total += measure(state) * (event.minute - last);
      last = event.minute;
    }
    state = event.action.apply(state);
  }
  total += measure(state) * (2 * WEEK_MINUTES - last);
  return total / 60;
}
