// Plain text for a mail reader that may show only ASCII: the few typographic characters model
// texts use become their ASCII spellings, accents are dropped, and anything else is named by its
// code point, so nothing is lost without a trace.

const SPELLED: Readonly<Record<string, string>> = {
  '\u2192': '->',
  '\u2190': '<-',
  '\u21d2': '=>',
  '\u2014': '--',
  '\u2013': '-',
  '\u2026': '...',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00a7': 'S',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u00d7': 'x',
  '\u00b7': '.',
};

/** `text` in ASCII; a no-break space stays, for wrap() to glue words with before it prints a space. */
export function ascii(text: string): string {
  return text.replace(/[^\t\n\r\x20-\x7e\u00a0]/gu, (c) => {
    const spelled = SPELLED[c];
    if (spelled !== undefined) return spelled;
    const bare = c.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    return /^[\x20-\x7e]+$/.test(bare) ? bare : `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}
