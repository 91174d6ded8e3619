/**
 * How many times slower than the machine the tests' budgets were written on this one may be
 * (TEST_TIME_SCALE, default 3: CI runs on whatever machine there is, loaded or not). A budget
 * is only an upper bound, a passing wait returns as soon as its condition holds, so scaling it
 * costs a passing run nothing; it only lets a slow machine finish instead of failing.
 */
export const TIME_SCALE = Math.max(1, Number(process.env.TEST_TIME_SCALE) || 3);

/** A budget in ms for work that depends on the CPU, scaled for this machine. */
export const budget = (ms: number): number => Math.round(ms * TIME_SCALE);

/** Polls until a condition holds, failing with the last observed value: tests never sleep blindly. `timeoutMs` is scaled by TIME_SCALE. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const limit = budget(timeoutMs);
  const deadline = Date.now() + limit;
  let last: T | undefined;
  let lastErr: unknown = null;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${limit} ms waiting for ${what}; last value ${JSON.stringify(last)}${lastErr ? `, last error ${(lastErr as Error).message}` : ''}`);
}
