/**
 * The cdktf app entry (cdktf.json: "app": "node dist/main.js"), for `npx cdktf synth` and
 * `cdktf deploy`. Synthesizes the blueprint named by $LUSTREFORM_BLUEPRINT (default
 * blueprints/quickstart.yaml) into the directory the cdktf CLI chose; invalid blueprints print
 * their findings and exit 2. LUSTREFORM_FAILOVER, LUSTREFORM_FROM_BACKUP and LUSTREFORM_PLAN
 * are read as `lustreform synth` reads them (src/stacks/environment.ts).
 */
import { counted, formatFinding, hasErrors } from './blueprint/findings';
import { UserError } from './blueprint/errors';
import { buildApp } from './stacks/app';
import { environmentOptions } from './plan/environment';
import { planBlueprint } from './plan/plan';
import { finishHcl } from './stacks/hcl';
import { validateFile } from './pipeline/validate';

async function run(): Promise<number> {
  try {
    const { findings, model } = validateFile(process.env.LUSTREFORM_BLUEPRINT ?? 'blueprints/quickstart.yaml');
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

void run().then((code) => {
  process.exitCode = code;
});
