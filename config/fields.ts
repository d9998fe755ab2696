import { z } from "zod";

/** A whole number in min..max; `what` ends the message (" GiB", " seconds"), e.g. "must be between 1 and 64 GiB". */
export const int = (min: number, max: number, what = "") =>
  z
    .number()
    .int("must be a whole number")
    .min(min, `must be between ${min} and ${max}${what}`)
    .max(max, `must be between ${min} and ${max}${what}`);
