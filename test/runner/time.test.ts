import { Backoff, parseDuration, type Clock } from '../../src/runner/time';

/** A clock that only moves when the code under test sleeps on it. */
function fakeClock(pollMs: number, maxPollMs: number): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), pollMs, maxPollMs, slept };
}

describe('the runner waits on its injectable clock', () => {
  test('intervals grow by half up to maxPollMs, and the wait that would pass the deadline is not taken', async () => {
    const clock = fakeClock(1000, 3000);
    const backoff = new Backoff(clock, 10_000);
    let waits = 0;
    while (await backoff.wait()) waits++;
    expect(clock.slept).toEqual([1000, 1500, 2250, 3000]);
    expect(waits).toBe(4);
    expect(clock.now()).toBe(7750); // the next 3000 would end at 10750, past the deadline
  });

  test('a deadline already passed waits not at all', async () => {
    const clock = fakeClock(1000, 1000);
    expect(await new Backoff(clock, 500).wait()).toBe(false);
    expect(clock.slept).toEqual([]);
  });

  test('durations', () => {
    expect([parseDuration('90s'), parseDuration('30m'), parseDuration('2h'), parseDuration('1d'), parseDuration('5'), parseDuration('soon')]).toEqual([90_000, 1_800_000, 7_200_000, 86_400_000, 5000, undefined]);
  });
});
