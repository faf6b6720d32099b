import { Option } from 'commander';

/** Where commands write; tests pass their own to run the CLI in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (progress bars) or a pipe/file (plain lines). */
  isTTY: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: !!process.stdout.isTTY,
};

/** The blueprint a command reads: -b/--blueprint, else $LUSTREFORM_BLUEPRINT, else the quickstart. */
export function blueprintPath(option: string | undefined): string {
  return option ?? process.env.LUSTREFORM_BLUEPRINT ?? 'blueprints/quickstart.yaml';
}

export type Format = 'text' | 'json';

/** `--format text|json`, checked by commander. */
export const formatOption = (choices: string[] = ['text', 'json']): Option =>
  new Option('--format <format>', choices.join(' or ')).choices(choices).default(choices[0]);

/** `-b/--blueprint FILE`, which every command takes. */
export const blueprintOption = (): Option =>
  new Option('-b, --blueprint <file>', 'blueprint file (default $LUSTREFORM_BLUEPRINT or blueprints/quickstart.yaml)');
