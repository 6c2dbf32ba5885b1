// Word wrapping for fixed-width text: lines never exceed the width, words longer than a line
// are cut, the text's own leading spaces are kept and continuation lines take a hanging indent.
// A no-break space (NBSP) glues words that should move to the next line together.

export const NBSP = '\u00a0';

export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = /^ */.exec(text)![0];
  let empty = true;
  for (let word of text.split(/[ \n]+/).filter((w) => w !== '')) {
    const sep = empty ? '' : ' ';
    if (line.length + sep.length + word.length <= width) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty) {
      out.push(line);
      line = indent;
    }
    while (line.length + word.length > width) {
      const cut = Math.max(1, width - line.length);
      out.push(line + word.slice(0, cut));
      word = word.slice(cut);
      line = indent;
    }
    line += word;
    empty = word === '';
  }
  if (!empty) out.push(line);
  return out.length === 0 ? [''] : out.map((l) => l.replaceAll(NBSP, ' '));
}
