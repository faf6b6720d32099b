/**
 * The CLI that goes with the CDK library lustreform is built on, as users type it (`npx cdktf
 * deploy`) and install it (`cdktf-cli@0.21.0`): CDKTF's `cdktf`, or `cdktn` where lustreform
 * runs on CDK Terrain, the fork with the same API (scripts/test-cdktn.js builds it so).
 *
 * Decided by the package lustreform's own constructs come from: the name and version of the
 * package that the specifier `cdktf` resolves to here. Not by which CLI is installed, since a
 * project may have both, and the CLI must match the library (cdktn-cli 0.24 goes with cdktn
 * 0.24). The move to cdktn rewrites this specifier with every import, so the answer follows the
 * imports with no second list to keep. Reads one package.json; loads neither library.
 */
export interface CdkCli {
  /** The command: `npx <command> deploy`. */
  command: string;
  /** The CLI's npm package, e.g. `cdktf-cli`. */
  cliPackage: string;
  /** The library's version, which the CLI's must match. */
  version: string;
}

let found: CdkCli | undefined;

export function cdkCli(): CdkCli {
  if (!found) {
    const pkg = require('cdktf/package.json') as { name: string; version: string };
    found = { command: pkg.name, cliPackage: `${pkg.name}-cli`, version: pkg.version };
  }
  return found;
}
