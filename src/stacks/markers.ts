/** Plan values with markers replaced: every string, deep through lists and plain objects. */
export function replaceIn<T>(value: T, replace: (text: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => replaceIn(v, replace)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIn(v, replace)])) as T;
  return (typeof value === 'string' ? replace(value) : value) as T;
}
