/**
 * The yaml library's words for the indentation and bracket mistakes people make most, rewritten to name
 * what is wrong where it was written. The library reports an unclosed `[` where the next less-indented
 * line starts ("Flow sequence in block collection must be sufficiently indented and end with a ]", one or
 * more lines below the bracket), and a key indented one space too little as "Sequence item without -
 * indicator". Anything not recognised keeps the library's message and place.
 */
export interface YamlProblem {
  code: string;
  message: string;
  pos: [number, number];
}

export interface Worded {
  message: string;
  /** Offset in the text to point at. */
  at: number;
  hint: string;
}

const UNCLOSED = /^Flow (sequence|map) in block collection must be sufficiently indented and end with a ([\]}])/;
const KEY_LINE = /^( *)(?:- +)?([A-Za-z0-9_$][\w.$-]*|"[^"]*"|'[^']*') *:(?: |$)/;

export function wordYamlProblem(text: string, problem: YamlProblem): Worded | undefined {
  if (problem.code === 'TAB_AS_INDENT')
    return { message: 'a tab in the indentation', at: problem.pos[0], hint: 'Indent with spaces: YAML does not allow tabs there.' };
  const unclosed = UNCLOSED.exec(problem.message);
  if (problem.code === 'BAD_INDENT' && unclosed) return unclosedFlow(text, problem.pos[0], unclosed[2] === ']' ? '[' : '{');
  if (problem.message.startsWith('Sequence item without - indicator') || problem.message.startsWith('All mapping items must start at the same column'))
    return misalignedKey(text, problem.pos[0]);
  return undefined;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/**
 * Where `open` was opened and never closed before `end`: brackets are counted back from `end` line by
 * line (quoted text and comments left out) until a line opens more than the lines after it close.
 */
function unclosedFlow(text: string, end: number, open: '[' | '{'): Worded | undefined {
  const close = open === '[' ? ']' : '}';
  let balance = 0;
  for (let stop = lineStart(text, end); stop > 0; ) {
    const start = lineStart(text, stop - 1);
    const openers = unmatched(text.slice(start, stop - 1));
    balance += openers.balance;
    if (balance > 0) {
      // The lines below close the innermost openers first: this line's first one left open is still open
      // (the first of the reported kind: a list may be open inside an unclosed mapping).
      const column = openers.open.find((at) => text[start + at] === open);
      if (column === undefined) return undefined;
      const kind = open === '[' ? 'list' : 'mapping';
      return {
        message: `this ${open} is never closed: the flow ${kind} it opens needs a ${close}`,
        at: start + column,
        hint: `Close it with ${close} (it may go on across lines indented more than its key), or write the ${kind} as a block, one item per line.`,
      };
    }
    stop = start;
  }
  return undefined;
}

/** The bracket balance of one line and the columns of the openers it leaves open, outside quotes and comments. */
function unmatched(line: string): { balance: number; open: number[] } {
  const open: number[] = [];
  let closes = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '#' && (i === 0 || line[i - 1] === ' ')) break;
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s,[{:]/.test(line[i - 1]!))) quote = ch;
    else if (ch === '[' || ch === '{') open.push(i);
    else if (ch === ']' || ch === '}') {
      if (open.length > 0) open.pop();
      else closes++;
    }
  }
  return { balance: open.length - closes, open };
}

/** The key the line starting at `start` declares and the column it starts at (0-based), if it is a key line. */
function keyOn(text: string, start: number): { key: string; column: number } | undefined {
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end < 0 ? text.length : end);
  const match = KEY_LINE.exec(line);
  if (!match) return undefined;
  return { key: match[2]!.replace(/^["']|["']$/g, ''), column: line.indexOf(match[2]!, match[1]!.length) };
}

/** A key line indented differently from the keys just above it, named with both columns. */
function misalignedKey(text: string, at: number): Worded | undefined {
  const start = lineStart(text, at);
  const here = keyOn(text, start);
  if (here === undefined) return undefined;
  // The nearest line above with content: comments and blank lines do not count.
  let above = start;
  let before: { key: string; column: number } | undefined;
  while (above > 0 && before === undefined) {
    above = lineStart(text, above - 1);
    const line = text.slice(above, text.indexOf('\n', above));
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    before = keyOn(text, above);
    if (before === undefined) return undefined;
  }
  if (before === undefined || before.column === here.column) return undefined;
  const side = here.column < before.column ? 'less' : 'more';
  return {
    message: `'${here.key}' is indented ${side} than '${before.key}' above it (column ${here.column + 1}, not ${before.column + 1})`,
    at: start + here.column,
    hint: `Keys of one mapping start at the same column: move '${here.key}' to column ${before.column + 1} if it belongs with '${before.key}'.`,
  };
}
