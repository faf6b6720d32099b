/**
 * The shapes of the JSON review reads: synthesized stacks (cdk.tf.json), `terraform show -json`
 * plans (https://developer.hashicorp.com/terraform/internals/json-format) and Terraform Cloud's
 * JSON:API documents, typed as far as review looks into them; the rest stays `unknown`.
 */

/** A resource's configuration, or a plan's before/after of it: blocks are objects (cdk.tf.json) or one-element lists (plans). */
export type Config = Record<string, unknown>;

/** A synthesized stack's cdk.tf.json. */
export interface StackJson {
  provider?: { aws?: { alias?: string; region?: string }[] };
  resource?: Record<string, Record<string, Config>>;
  data?: Record<string, Record<string, Config>>;
  [key: string]: unknown;
}

export interface PlannedResourceChange {
  address: string;
  type: string;
  name?: string;
  mode?: 'managed' | 'data';
  change?: { actions?: string[]; before?: Config | null; after?: Config | null; replace_paths?: unknown[] };
}

/** `terraform show -json` of a saved plan. */
export interface TerraformPlan {
  format_version: string;
  resource_changes?: PlannedResourceChange[];
}

/** A JSON:API resource object, as Terraform Cloud answers. */
export interface JsonApiResource {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, { data?: { id?: string; type?: string } | null } | undefined>;
}

export interface JsonApiDocument {
  data?: JsonApiResource | JsonApiResource[];
  included?: JsonApiResource[];
  meta?: { pagination?: { 'next-page'?: number | null } };
  links?: { next?: string | null };
}

/** The value at `path` inside a configuration, a block being an object or a one-element list; undefined when absent. */
export function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => {
    const o = Array.isArray(v) ? v[0] : v;
    return o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  }, value);
}

/** A block that may be absent, one object, or a list of them, as a list. */
export const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
