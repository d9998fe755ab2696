import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setup } from "./global-tmpdir";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, warmSynthCache, warmSynthToDirCache } from "./helpers";

// One synth of every fixture and configured environment per test run; test files read it through
// synthEnvironment (test/helpers.ts) instead of each synthesizing the same environments again.
export default async function globalSetup(): Promise<void> {
  await setup();
  process.env.SYNTH_CACHE_DIR = join(process.env.TMPDIR ?? "", "synth-cache");
  mkdirSync(process.env.SYNTH_CACHE_DIR);
  const fixtures = FIXTURE_ENVIRONMENTS.map(fixtureEnvironment);
  const configured = configuredEnvironments();
  warmSynthCache([...fixtures, ...configured]);
  // The sets tests synthesize whole, as main.ts does (manifest included).
  warmSynthToDirCache([fixtures, configured, [fixtureEnvironment("prod")]]);
}
