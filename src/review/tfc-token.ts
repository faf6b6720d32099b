/**
 * The Terraform Cloud / Enterprise API token for a hostname, looked up where terraform and the
 * tfe provider look, first match wins:
 *
 * 1. `TF_TOKEN_<host>` (Terraform 1.2+,
 *    https://developer.hashicorp.com/terraform/cli/config/config-file#environment-variable-credentials).
 *    As terraform does (internal/command/cliconfig/credentials.go, collectCredentialsFromEnv), every
 *    `TF_TOKEN_*` variable's name is decoded, `__` to `-` and then `_` to `.`, and compared with the
 *    host in lower case, IDNs in Punycode: `tfe.example-corp.com` is `TF_TOKEN_tfe_example__corp_com`,
 *    café.fr is `TF_TOKEN_xn____caf__dma_fr` (or its UTF-8 spelling).
 * 2. `TFE_TOKEN`, the variable of the tfe provider and go-tfe
 *    (https://registry.terraform.io/providers/hashicorp/tfe/latest/docs), for any host.
 * 3. `credentials "<host>" { token = "..." }` in the terraform CLI configuration
 *    (https://developer.hashicorp.com/terraform/cli/config/config-file#credentials, and LoadConfig in
 *    internal/command/cliconfig/cliconfig.go): the file `TF_CLI_CONFIG_FILE` (or the older
 *    `TERRAFORM_CONFIG`) names, else `~/.terraformrc` (`%APPDATA%/terraform.rc` on Windows); then,
 *    only when neither variable is set, every `*.tfrc` and `*.tfrc.json` in `~/.terraform.d`
 *    (`%APPDATA%/terraform.d`), which holds the `credentials.tfrc.json` that `terraform login`
 *    writes (`{"credentials": {"app.terraform.io": {"token": "..."}}}`). A later file wins, as in
 *    terraform. `~` is `$HOME`, as terraform takes it. Credential helpers (`credentials_helper`)
 *    are not run.
 *
 * The token itself is never returned in a message: callers name its `source`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';

export interface TfcToken {
  token: string;
  /** Where it was found, for messages: `TF_TOKEN_app_terraform_io`, `TFE_TOKEN`, or a file. */
  source: string;
}

/** A hostname as terraform compares them: lower case, IDNs in Punycode, a port kept. */
export function comparableHost(host: string): string {
  const m = /^(.*?)(:\d+)?$/.exec(host.trim().replace(/\.$/, ''))!;
  const ascii = domainToASCII(m[1].toLowerCase());
  return `${ascii || m[1].toLowerCase()}${m[2] ?? ''}`;
}

/** The `TF_TOKEN_` variable terraform reads for a hostname (dots as `_`, dashes as `__`). */
export const tokenVariable = (host: string): string => `TF_TOKEN_${comparableHost(host).replace(/-/g, '__').replace(/\./g, '_')}`;

function fromEnvironment(host: string, env: NodeJS.ProcessEnv): TfcToken | undefined {
  const wanted = comparableHost(host);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('TF_TOKEN_') || !value) continue;
    const decoded = name.slice('TF_TOKEN_'.length).replace(/__/g, '-').replace(/_/g, '.');
    if (comparableHost(decoded) === wanted) return { token: value, source: name };
  }
  return undefined;
}

/** Where terraform reads its CLI configuration: the files that exist, in merge order (a later one wins), and in words. */
export function cliConfigFiles(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): { files: string[]; described: string } {
  const override = env.TF_CLI_CONFIG_FILE || env.TERRAFORM_CONFIG;
  if (override) return { files: [override], described: `${override} (${env.TF_CLI_CONFIG_FILE ? 'TF_CLI_CONFIG_FILE' : 'TERRAFORM_CONFIG'})` };
  const windows = platform === 'win32';
  const home = windows ? env.APPDATA || join(homedir(), 'AppData', 'Roaming') : env.HOME || homedir();
  const main = join(home, windows ? 'terraform.rc' : '.terraformrc');
  const dir = join(home, windows ? 'terraform.d' : '.terraform.d');
  let inDir: string[] = [];
  try {
    if (statSync(dir).isDirectory()) inDir = readdirSync(dir).filter((f) => /\.tfrc(\.json)?$/.test(f)).sort().map((f) => join(dir, f));
  } catch {
    // no configuration directory: nothing more to read
  }
  return { files: [main, ...inDir], described: `${main} and ${join(dir, '*.tfrc')} / ${join(dir, '*.tfrc.json')} (terraform login writes ${join(dir, 'credentials.tfrc.json')})` };
}

/**
 * The `credentials` blocks of one CLI configuration file, host -> token. JSON (`*.tfrc.json`, and
 * any file that parses as JSON, as HCL 1 reads JSON too) or the HCL subset these blocks are written
 * in: `credentials "host" { token = "..." }`, with `#`, `//` and `/* *\/` comments.
 */
export function credentialsIn(text: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const json = JSON.parse(text) as { credentials?: Record<string, { token?: unknown }> };
    for (const [host, c] of Object.entries(json?.credentials ?? {})) if (typeof c?.token === 'string') out.set(comparableHost(host), c.token);
    return out;
  } catch {
    // not JSON: HCL
  }
  const code = text.replace(/"(?:[^"\\\n]|\\.)*"|\/\*[\s\S]*?\*\/|(?:#|\/\/)[^\n]*/g, (m) => (m.startsWith('"') ? m : ' '));
  for (const block of code.matchAll(/\bcredentials\s+"([^"]+)"\s*\{([^}]*)\}/g)) {
    const token = /\btoken\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(block[2]);
    if (token) out.set(comparableHost(block[1]), token[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

function fromCliConfig(host: string, env: NodeJS.ProcessEnv): TfcToken | undefined {
  const wanted = comparableHost(host);
  let found: TfcToken | undefined;
  for (const file of cliConfigFiles(env).files) {
    if (!existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // unreadable: terraform would report it; here it simply holds no token
    }
    const token = credentialsIn(text).get(wanted);
    if (token) found = { token, source: `credentials "${host}" in ${file}` };
  }
  return found;
}

/** The token for a Terraform Cloud / Enterprise host, or undefined when none is set anywhere. */
export function findToken(host: string, env: NodeJS.ProcessEnv = process.env): TfcToken | undefined {
  return fromEnvironment(host, env) ?? (env.TFE_TOKEN ? { token: env.TFE_TOKEN, source: 'TFE_TOKEN' } : undefined) ?? fromCliConfig(host, env);
}

/** What `findToken` looked at, for the message when it found nothing. */
export function tokenSearched(host: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${tokenVariable(host)}, TFE_TOKEN, and credentials "${host}" in ${cliConfigFiles(env).described}`;
}
