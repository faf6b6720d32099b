import { main } from '../../src/cli';
import type { Io } from '../../src/cli/io';

/** Runs the CLI in-process and captures what it prints. */
export async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const add = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  const io: Io = { out: (t) => (out += add(t)), err: (t) => (err += add(t)), isTTY: false };
  const code = await main(['node', 'lustreform', ...args], io);
  return { code, out, err };
}
