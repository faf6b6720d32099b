import { progress } from '../../src/runner/progress';
import type { TaskOutcome } from '../../src/runner/tasks';

const task = (lifecycle: string, succeeded = 0): TaskOutcome => ({ site: 'main', fileSystem: 'work', fileSystemId: 'fs-1', kind: 'import', taskId: 'task-1', lifecycle, paths: [], total: 10, succeeded, failed: 0 });

describe('progress', () => {
  test('not a terminal: one plain line per change, for CI logs', () => {
    const lines: string[] = [];
    const p = progress({ out: () => undefined, err: (l) => void lines.push(l), isTTY: false }, 'text');
    p.task(task('EXECUTING', 3));
    p.say('waiting');
    p.task(task('SUCCEEDED', 10));
    p.done();
    expect(lines).toEqual(['main/work import task-1 EXECUTING 3/10 ok, 0 failed', 'waiting', 'main/work import task-1 SUCCEEDED 10/10 ok, 0 failed']);
  });

  test('a terminal: one status line rewritten in place, ended by a newline', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const p = progress({ out: () => undefined, err: () => undefined, isTTY: true }, 'text');
      p.task(task('EXECUTING', 3));
      p.task(task('SUCCEEDED', 10));
      p.done();
    } finally {
      spy.mockRestore();
    }
    expect(written[0]).toMatch(/^\r\x1b\[2K.*EXECUTING 3\/10/);
    expect(written[1]).toMatch(/^\r\x1b\[2K.*SUCCEEDED 10\/10/);
    expect(written.at(-1)).toBe('\n');
  });

  test('--format json: silent until the result', () => {
    const lines: string[] = [];
    const p = progress({ out: (l) => void lines.push(l), err: (l) => void lines.push(l), isTTY: true }, 'json');
    p.task(task('EXECUTING'));
    p.say('x');
    expect(lines).toEqual([]);
  });
});
