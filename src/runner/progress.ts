/**
 * How long-running commands tell what they do: on a terminal, one status line rewritten in place;
 * otherwise one plain line per change (for CI logs); with --format json, nothing until the result.
 */
import type { TaskOutcome } from './tasks';

/** Where progress goes (the CLI's Io satisfies it). */
export interface ProgressOutput {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export interface Progress {
  say(line: string): void;
  task(outcome: TaskOutcome): void;
  done(): void;
}

export const describeTask = (t: TaskOutcome): string =>
  `${t.site}/${t.fileSystem} ${t.kind} ${t.taskId ?? '-'} ${t.lifecycle}${t.total !== undefined ? ` ${t.succeeded ?? 0}/${t.total} ok, ${t.failed ?? 0} failed` : ''}`;

export function progress(io: ProgressOutput, format: string): Progress {
  if (format === 'json') return { say: () => undefined, task: () => undefined, done: () => undefined };
  if (!io.isTTY) return { say: (l) => io.err(l), task: (t) => io.err(describeTask(t)), done: () => undefined };
  const status = new Map<string, string>();
  let shown = false;
  const draw = () => {
    process.stderr.write(`\r\x1b[2K${[...status.values()].join(' | ').slice(0, (process.stderr.columns ?? 120) - 1)}`);
    shown = true;
  };
  return {
    say: (l) => {
      if (shown) process.stderr.write('\r\x1b[2K');
      io.err(l);
      draw();
    },
    task: (t) => {
      status.set(`${t.site}/${t.fileSystem}/${t.taskId}`, describeTask(t));
      draw();
    },
    done: () => {
      if (shown) process.stderr.write('\n');
    },
  };
}
