// Reporting shared by the conformance clients: each check prints "PASS name[: detail]" or
// "FAIL name: why", and the run ends with "N passed, N failed" and exit code 1 on any failure, the
// format the end-to-end tests read (tests/Maas.EndToEnd.Tests).

let passed = 0;
let failed = 0;

/** Runs one named check; a throw fails it and the run goes on to the next. */
export async function check(name, body) {
  try {
    const detail = await body();
    passed++;
    console.log(`PASS ${name}${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

/** Fails the current check with `why` unless `condition` holds. */
export function expect(condition, why) {
  if (!condition) throw new Error(why);
}

/** Runs the client's checks, then prints the totals; a throw outside any check counts as one failure. */
export async function runChecks(main) {
  try {
    await main();
  } catch (error) {
    failed++;
    console.log(`FAIL the client itself: ${error?.stack ?? error}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
