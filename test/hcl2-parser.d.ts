declare module 'hcl2-parser' {
  /** [the configuration as an object, or null; the parse error] */
  export function parseToObject(text: string): [Record<string, unknown> | null, unknown];
}
