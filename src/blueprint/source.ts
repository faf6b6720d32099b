import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { indentationProblem } from './indentation';
import type { Finding, ModelPath } from './findings';

/** A parsed blueprint file that still knows where every key and value came from. */
export interface Source {
  file: string;
  /** The plain data; undefined when the YAML has errors. */
  data: unknown;
  /** YAML problems (syntax, duplicate keys, tabs), already positioned. */
  findings: Finding[];
  /** 1-based line and column of the value at `path` (or its key), else of its nearest existing parent. */
  locate(path: ModelPath, atKey?: boolean): { line: number; col: number };
}

const YAML_IDS: Record<string, string> = { TAB_AS_INDENT: 'YML003' };

/** Parses YAML text with yaml's Document API and a LineCounter, keeping positions. */
export function parseSource(file: string, text: string): Source {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(1, line), col: Math.max(1, col) };
  };
  const findings: Finding[] = [];
  let doc: Document.Parsed | undefined;
  let data: unknown;
  try {
    // yaml's own uniqueKeys check is quadratic in the keys of a map; duplicateKeys() is linear.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
    const keys = keyProblems(doc);
    for (const offset of keys.duplicates) {
      findings.push({ file, ...at(offset), severity: 'error', id: 'YML002', path: '(yaml)', message: 'this key appears twice in the same map; keep one of them' });
    }
    for (const offset of keys.complex) {
      findings.push({ file, ...at(offset), severity: 'error', id: 'YML001', path: '(yaml)', message: 'a key must be a plain name, not a list or map (fix the YAML syntax here)' });
    }
    // An indentation mistake: one finding on the line that is out of line, in blueprint terms.
    const indentation = doc.errors.length ? indentationProblem(text) : undefined;
    if (indentation) findings.push({ file, line: indentation.line, col: indentation.col, severity: 'error', id: 'YML004', path: '(yaml)', message: indentation.message });
    for (const [list, severity] of [[indentation ? [] : doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
      for (const e of list) {
        const id = YAML_IDS[e.code] ?? 'YML001';
        findings.push({ file, ...at(e.pos[0]), severity, id, path: '(yaml)', message: yamlMessage(e.code, e.message) });
      }
    }
    if (!findings.some((f) => f.severity === 'error')) data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The parser recurses: absurd nesting and alias bombs end up here, not as a crash.
    findings.push({ file, line: 1, col: 1, severity: 'error', id: 'YML001', path: '(yaml)', message: yamlMessage('', `cannot read this YAML: ${(err as Error).message}`) });
    doc = undefined;
    data = undefined;
  }
  return {
    file,
    data,
    findings,
    locate: (path, atKey = false) => (doc ? at(nodeOffset(doc.contents as Node | null, path, atKey)) : { line: 1, col: 1 }),
  };
}

/** A key that is a name: empty, or a scalar with a primitive value (not a collection, not `!!binary` bytes). */
const isName = (key: unknown): boolean => key === null || (isScalar(key) && (typeof key.value !== 'object' || key.value === null));

/** Offsets of keys that repeat an earlier key of the same map, and of keys that are lists or maps. */
function keyProblems(doc: Document.Parsed): { duplicates: number[]; complex: number[] } {
  const duplicates: number[] = [];
  const complex: number[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isName(pair.key)) continue;
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) duplicates.push((pair.key as Node | null)?.range?.[0] ?? 0);
        seen.add(key);
      }
    },
    // Pairs also stand alone in flow sequences (`[a: b]`), so keys are checked pair by pair.
    Pair(_, pair) {
      if (!isName(pair.key)) complex.push((pair.key as Node | null)?.range?.[0] ?? 0);
    },
  });
  return { duplicates, complex };
}

function nodeOffset(root: Node | null, path: ModelPath, atKey: boolean): number {
  let node: Node | null = root;
  let best = root?.range?.[0] ?? 0;
  for (let i = 0; i < path.length && node; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (i === path.length - 1 && atKey && keyNode?.range) return keyNode.range[0];
      const value = pair.value as Node | null;
      // `key:` with nothing after it has an empty value node; point at the key instead.
      const empty = !value?.range || (isScalar(value) && value.value === null && value.range[0] === value.range[1]);
      best = empty ? (keyNode?.range?.[0] ?? best) : value!.range![0];
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) best = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return best;
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; indent with spaces';
    default:
      if (/call stack/i.test(message)) return 'the YAML nests too deeply to read; a blueprint needs only a few levels';
      return `${message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')} (fix the YAML syntax here)`;
  }
}
