/**
 * Terraform Cloud as code (`state.manageWorkspaces`): settings that only that path reads, and what
 * its run roles need from the blueprint. TFC001 (run-trigger sources) is checked on the plan, by
 * the pipeline (src/pipeline/validate.ts), since what a stack waits for is the plan's answer.
 */
import { hit, type Rule, type RuleHit } from './rule';

export const cloudRules: Rule[] = [
  {
    id: 'TFC002',
    severity: 'error',
    summary: "Terraform Cloud settings without their backend or switch: manageWorkspaces and project need backend: cloud, autoApplyRunTriggers needs manageWorkspaces; hostname must be a bare host name (it is the OIDC issuer https://<hostname>).",
    check: ({ state }) => {
      const out: RuleHit[] = [];
      const cloud = state.backend === 'cloud';
      if (!cloud && state.manageWorkspaces) out.push(hit(['state', 'manageWorkspaces'], `manageWorkspaces creates Terraform Cloud workspaces; it needs backend: cloud (the backend is ${state.backend})`));
      if (!cloud && state.project !== undefined) out.push(hit(['state', 'project'], `'project' is only read with backend: cloud (the backend is ${state.backend})`));
      if (state.autoApplyRunTriggers && !state.manageWorkspaces) out.push(hit(['state', 'autoApplyRunTriggers'], 'autoApplyRunTriggers sets the run triggers of the workspaces lustreform manages; set manageWorkspaces: true, or remove it'));
      if (cloud && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(state.hostname)) {
        out.push(hit(['state', 'hostname'], `'${state.hostname}' is not a host name like app.terraform.io or tfe.example.com (no scheme, port or path: Terraform and the IAM OIDC provider take the bare name)`));
      }
      return out;
    },
  },
  {
    id: 'TFC003',
    severity: 'error',
    summary: 'With manageWorkspaces, a site names no account: its workspace needs the run role ARN of its account, which only an account id gives.',
    check: (m) =>
      m.state.backend === 'cloud' && m.state.manageWorkspaces
        ? [...m.sites.values()].filter((s) => !s.account).map((s) => hit([...s.path], `manageWorkspaces gives each workspace the run role of its site's account (TFC_AWS_RUN_ROLE_ARN), so site '${s.key}' must name one: add accounts: { <key>: { id: "<12 digits>", assumeRole: ... } } and account: <key> here`))
        : [],
  },
  {
    id: 'TFC004',
    severity: 'warning',
    summary: "With manageWorkspaces, an account has no assumeRole: the run role is the deployer itself and gets AdministratorAccess (give assumeRole, and the run role only assumes it).",
    check: (m) =>
      m.state.backend === 'cloud' && m.state.manageWorkspaces
        ? [...m.accounts.values()]
            .filter((a) => !a.assumeRole && [...m.sites.values()].some((s) => s.account === a))
            .map((a) => hit([...a.path], `account '${a.key}' has no assumeRole, so Terraform Cloud runs deploy as the run role itself, which gets the AdministratorAccess managed policy; give assumeRole (a deployer role of your choosing) and the run role may only assume it`))
        : [],
  },
];
