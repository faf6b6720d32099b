/** Time for the runner, injectable so tests poll fast or run on a fake clock: LUSTREFORM_POLL_MS sets the first polling interval. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** First polling interval; intervals grow by half each time up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
}

export function systemClock(): Clock {
  const pollMs = Number(process.env.LUSTREFORM_POLL_MS ?? 5000);
  return { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), pollMs, maxPollMs: Math.max(pollMs, Number(process.env.LUSTREFORM_MAX_POLL_MS ?? 60000)) };
}

/**
 * The runner's one retry and polling schedule: intervals from the clock's pollMs, each half as
 * long again as the last, at most maxPollMs, until a deadline.
 *
 *   const backoff = new Backoff(clock, deadline);
 *   while (!done() && (await backoff.wait())) check();
 */
export class Backoff {
  private delay: number;

  constructor(private readonly clock: Clock, private readonly deadline: number) {
    this.delay = clock.pollMs;
  }

  /** Waits the next interval and says true; says false at once when that wait would end past the deadline. */
  async wait(): Promise<boolean> {
    if (this.clock.now() + this.delay > this.deadline) return false;
    await this.clock.sleep(this.delay);
    this.delay = Math.min(this.delay * 1.5, this.clock.maxPollMs);
    return true;
  }
}

/** `90s`, `30m`, `2h`, `1d` or plain seconds -> milliseconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}
