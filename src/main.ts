/**
 * The cdktf app entry (cdktf.json: "app": "node dist/main.js"), for `npx cdktf synth` and
 * `cdktf deploy`. Synthesizes the blueprint named by $LUSTREFORM_BLUEPRINT (default
 * blueprints/quickstart.yaml) into the directory the cdktf CLI chose; invalid blueprints print
 * their findings and exit 2 (under the cdktf CLI: as error annotations, see asAnnotations).
 * LUSTREFORM_FAILOVER, LUSTREFORM_FROM_BACKUP and LUSTREFORM_PLAN
 * are read as `lustreform synth` reads them (src/stacks/environment.ts).
 */
import { Annotations, App, TerraformStack } from 'cdktf';
import { counted, formatFinding, hasErrors, type Finding } from './blueprint/findings';
import { UserError } from './blueprint/errors';
import { buildApp } from './stacks/app';
import { environmentOptions } from './plan/environment';
import { planBlueprint } from './plan/plan';
import { finishHcl } from './stacks/hcl';
import { validateFile } from './pipeline/validate';

async function run(): Promise<number> {
  try {
    const { findings, model } = validateFile(process.env.LUSTREFORM_BLUEPRINT ?? 'blueprints/quickstart.yaml');
    if ((hasErrors(findings) || !model) && process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === 'true') return asAnnotations(counted(findings));
    for (const f of counted(findings)) process.stderr.write(`${formatFinding(f)}\n`); // acknowledged ones: validate lists them
    if (hasErrors(findings) || !model) return 2;
    const { problems, ...options } = environmentOptions(model);
    for (const p of problems) process.stderr.write(`lustreform: ${p}\n`);
    if (problems.length) return 2;
    const app = buildApp(planBlueprint(model, options));
    app.synth();
    if (app.hclOutput) await finishHcl(app.outdir); // `cdktf synth --hcl`
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`lustreform: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

/**
 * Under the cdktf CLI (which sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS), findings of an
 * invalid blueprint are error annotations of one empty stack, `invalid-blueprint`: the CLI prints
 * each once and fails the synth (and any deploy). Printed to stderr with a non-zero exit instead,
 * the CLI echoes every line as it comes and again in its error summary: each finding twice.
 */
function asAnnotations(findings: Finding[]): number {
  const app = new App({ outdir: process.env.CDKTF_OUTDIR, context: { '@cdktf/disable_stack_trace_in_metadata': true } }); // no stack traces for a user's mistakes
  const stack = new TerraformStack(app, 'invalid-blueprint');
  for (const f of findings) {
    if (f.severity === 'error') Annotations.of(stack).addError(formatFinding(f));
    else Annotations.of(stack).addWarning(formatFinding(f));
  }
  app.synth();
  return 0;
}

void run().then((code) => {
  process.exitCode = code;
});
