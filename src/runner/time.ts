/** Time for the runner, so tests can poll fast: LUSTREFORM_POLL_MS sets the first polling interval. */
export interface Clock {
  now(): number;
  /** First polling interval; intervals grow by half each time up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
}

export function systemClock(): Clock {
  const pollMs = Number(process.env.LUSTREFORM_POLL_MS ?? 5000);
  return { now: () => Date.now(), pollMs, maxPollMs: Math.max(pollMs, Number(process.env.LUSTREFORM_MAX_POLL_MS ?? 60000)) };
}

export const sleep = (_clock: Clock, ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `90s`, `30m`, `2h`, `1d` or plain seconds -> milliseconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}
