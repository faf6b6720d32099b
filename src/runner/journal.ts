/**
 * The runner's journal: `.lustreform/journal-<blueprint>.json`, written atomically (a temporary
 * file renamed over the old one), so an interrupted `import` or `export` resumes: a run records
 * its generation before it creates a task, and the task's ClientRequestToken derives from that
 * generation, so a rerun after a crash asks AWS for the same task instead of a second one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TaskRecord {
  token: string;
  /** Paths of the task: S3 URIs (import) or paths relative to the mount root (export). */
  paths: string[];
  taskId?: string;
  lifecycle?: string;
}

export interface RunRecord {
  generation: number;
  state: 'running' | 'done';
  tasks: TaskRecord[];
}

interface JournalData {
  version: 1;
  runs: Record<string, RunRecord>;
}

export class Journal {
  private constructor(readonly file: string, private data: JournalData) {}

  static open(dir: string, blueprint: string): Journal {
    const file = join(dir, `journal-${blueprint}.json`);
    let data: JournalData = { version: 1, runs: {} };
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as JournalData;
      if (parsed?.version === 1 && parsed.runs) data = parsed;
    } catch {
      // No journal yet (or an unreadable one): start empty.
    }
    return new Journal(file, data);
  }

  get(key: string): RunRecord | undefined {
    return this.data.runs[key];
  }

  set(key: string, run: RunRecord): void {
    this.data.runs[key] = run;
    this.save();
  }

  /** Writes the whole journal to a temporary file and renames it into place. */
  save(): void {
    const dir = join(this.file, '..');
    mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
