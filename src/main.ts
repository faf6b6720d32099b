/**
 * The cdktf app entry (cdktf.json: "app": "node dist/main.js"), for `npx cdktf synth` and
 * `cdktf deploy`. Synthesizes the blueprint named by $LUSTREFORM_BLUEPRINT (default
 * blueprints/quickstart.yaml) into the directory the cdktf CLI chose; invalid blueprints print
 * their findings and exit 2. LUSTREFORM_FAILOVER (and LUSTREFORM_FROM_BACKUP) activate cold
 * standbys, as `lustreform failover` prints.
 */
import { formatFinding, hasErrors } from './blueprint/findings';
import { validateFile } from './blueprint/validate';
import { UserError } from './blueprint/errors';
import { activationFrom, failoverProblems } from './plan/failover';
import { buildApp } from './stacks/app';

function run(): number {
  try {
    const { findings, model } = validateFile(process.env.LUSTREFORM_BLUEPRINT ?? 'blueprints/quickstart.yaml');
    for (const f of findings) process.stderr.write(`${formatFinding(f)}\n`);
    if (hasErrors(findings) || !model) return 2;
    // After `lustreform failover`, these say which cold standbys are now real (see its output).
    const activation = activationFrom(process.env.LUSTREFORM_FAILOVER, process.env.LUSTREFORM_FROM_BACKUP);
    const problems = activation ? failoverProblems(model, activation) : [];
    for (const p of problems) process.stderr.write(`lustreform: failover: ${p}\n`);
    if (problems.length) return 2;
    buildApp(model, { activation }).synth();
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`lustreform: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

process.exitCode = run();
