/**
 * YAML indentation mistakes told in blueprint terms. When the YAML parser fails, yaml's messages
 * ("All mapping items must start at the same column", "Implicit keys need to be on a single
 * line") often point at the line before the mistake; this reads the block structure line by line
 * and names the key that is out of line, where it sits and where its siblings are.
 */

interface Level {
  indent: number;
  key: string;
  /** The value is on the following lines (a map or list), so deeper lines belong to it. */
  open: boolean;
  /** The indentation of this level's children, once one is seen. */
  childIndent?: number;
}

export interface IndentationProblem {
  line: number;
  col: number;
  message: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"{[\]},:][^#:]*?)\s*:(\s|$)/;

/** Net flow-bracket depth a line adds, ignoring quoted text and comments. */
function bracketDelta(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) break;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

const pathOf = (levels: Level[]) => levels.map((l) => (l.key === '-' ? '[]' : l.key)).join('.').replace(/\.\[\]/g, '[]') || 'the top level';

export function indentationProblem(text: string): IndentationProblem | undefined {
  const levels: Level[] = [];
  let flow = 0;
  let blockScalarAbove: number | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const indent = raw.length - raw.trimStart().length;
    const content = raw.trim();
    if (!content || content.startsWith('#') || content === '---') continue;
    if (blockScalarAbove !== undefined) {
      if (indent > blockScalarAbove) continue;
      blockScalarAbove = undefined;
    }
    if (flow > 0) {
      flow += bracketDelta(content);
      continue;
    }
    let rest = content;
    let at = indent;
    const place = (key: string, keyIndent: number, open: boolean, dash: boolean): IndentationProblem | undefined => {
      while (levels.length && levels[levels.length - 1].indent > keyIndent) levels.pop();
      let top = levels[levels.length - 1];
      if (top && top.indent === keyIndent && !(dash && top.open && top.key !== '-')) {
        levels.pop();
        top = levels[levels.length - 1];
      }
      const word = key === '-' ? 'this list item' : `'${key}'`;
      if (top) {
        if (!top.open) {
          return { line: n + 1, col: keyIndent + 1, message: `${word} is indented deeper (${keyIndent} spaces) than '${top.key}' above it (${top.indent} spaces), which already has a value; keys of one map line up: indent it ${top.indent} spaces to make it a sibling of '${top.key}' in ${pathOf(levels.slice(0, -1))}` };
        }
        if (top.childIndent !== undefined && top.childIndent !== keyIndent) {
          return { line: n + 1, col: keyIndent + 1, message: `${word} is indented ${keyIndent} spaces, but the other entries of ${pathOf(levels)} are at ${top.childIndent}; line it up with them (spaces only)` };
        }
        top.childIndent = keyIndent;
      } else if (keyIndent !== 0 && !dash) {
        return { line: n + 1, col: keyIndent + 1, message: `'${key}' is indented ${keyIndent} spaces, but the top-level keys (version, name, sites...) start at column 1; remove the indentation` };
      }
      levels.push({ indent: keyIndent, key, open });
      return undefined;
    };
    if (rest.startsWith('- ') || rest === '-') {
      const problem = place('-', at, true, true);
      if (problem) return problem;
      const after = rest.slice(1);
      const pad = after.length - after.trimStart().length;
      rest = after.trimStart();
      at = indent + 1 + pad;
      if (!rest) continue;
    }
    const key = KEY.exec(rest);
    if (key) {
      const value = rest.slice(key[0].length).trim();
      const open = value === '' || value.startsWith('#') || value.startsWith('&');
      const problem = place(key[1].replace(/^["']|["']$/g, ''), at, open, false);
      if (problem) return problem;
      if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) blockScalarAbove = at;
      flow = bracketDelta(value);
    } else {
      flow = bracketDelta(rest);
    }
  }
  return undefined;
}
