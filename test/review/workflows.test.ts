import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';

/* eslint-disable @typescript-eslint/no-explicit-any */
const dir = join(ROOT, 'examples', 'github-actions');
const workflow = (name: string): any => parse(readFileSync(join(dir, name), 'utf8'), { uniqueKeys: true });
const steps = (w: any): any[] => Object.values<any>(w.jobs).flatMap((j) => j.steps);
const scripts = (w: any): string => steps(w).map((s) => s.run ?? '').join('\n');

describe('GitHub Actions examples', () => {
  test('are valid workflows: a pull_request trigger, jobs with steps, each step uses or runs something', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual(['blueprint-review.yml', 'terraform-plan.yml']);
    for (const f of files) {
      const w = workflow(f);
      expect(w.on.pull_request).toBeDefined();
      expect(w.permissions['pull-requests']).toBe('write');
      for (const s of steps(w)) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
    }
  });

  test('blueprint review: validate, summary and a diff against the base branch, posted as one updated comment', () => {
    const w = workflow('blueprint-review.yml');
    const text = scripts(w);
    expect(text).toContain('npx lustreform validate -b "$BLUEPRINT" --strict');
    expect(text).toContain('npx lustreform summary -b "$BLUEPRINT"');
    expect(text).toContain('npx lustreform diff --git "origin/${{ github.base_ref }}" HEAD -b "$BLUEPRINT"');
    expect(steps(w).find((s) => s.uses === 'actions/checkout@v4').with['fetch-depth']).toBe(0);
    const post = steps(w).find((s) => s.uses?.startsWith('actions/github-script'));
    expect(post.with.script).toContain('updateComment');
    expect(post.with.script).toContain('createComment');
  });

  test('terraform plan: synth, plan and show -json per stack in deploy order, review, upload, block on danger', () => {
    const w = workflow('terraform-plan.yml');
    const text = scripts(w);
    const order = ['npx cdktf synth', 'npx lustreform stacks -b "$BLUEPRINT" --format json', 'terraform -chdir="$dir" plan', 'terraform -chdir="$dir" show -json plan.tfplan', 'npx lustreform review plans/*.json'];
    let at = -1;
    for (const needle of order) {
      const i = text.indexOf(needle);
      expect({ needle, found: i > at }).toEqual({ needle, found: true });
      at = i;
    }
    expect(steps(w).some((s) => s.uses === 'actions/upload-artifact@v4')).toBe(true);
    expect(steps(w).at(-1).if).toContain("steps.review.outputs.code != '0'");
  });

  test('every lustreform command and option the workflows use exists', async () => {
    const help = (await run('--help')).out;
    const text = ['blueprint-review.yml', 'terraform-plan.yml'].map((f) => scripts(workflow(f))).join('\n');
    for (const m of text.matchAll(/npx lustreform (\S+)((?: [^|>;\n]*)?)/g)) {
      expect(help).toContain(`  ${m[1]}`);
      const commandHelp = (await run(m[1], '--help')).out;
      for (const opt of m[2].match(/--[a-z-]+/g) ?? []) expect({ command: m[1], opt, known: commandHelp.includes(opt) }).toEqual({ command: m[1], opt, known: true });
    }
  });
});
