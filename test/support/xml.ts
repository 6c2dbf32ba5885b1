// A strict little XML reader for tests of generated XML (JUnit): it accepts only well-formed
// documents (one root, balanced tags, quoted attributes, no raw `<` or stray `&`, no characters
// XML 1.0 forbids) and returns the element tree with entities decoded.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.-]*';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex -- these controls are what XML forbids
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw '<' in ${where}`);
  if (FORBIDDEN.test(raw)) throw new Error(`a character XML forbids in ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new Error(`stray '&' in ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (num === null) throw new Error(`unknown entity &${ref}; in ${where}`);
    return String.fromCodePoint(parseInt(num[1]!, ref.startsWith('#x') ? 16 : 10));
  });
}

export function parseXml(doc: string): XmlElement {
  let s = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
  while (s.length > 0) {
    const lt = s.indexOf('<');
    const text = lt < 0 ? s : s.slice(0, lt);
    if (text !== '') {
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error('text outside the root element');
      } else stack.at(-1)!.text += decode(text, `<${stack.at(-1)!.name}>`);
    }
    if (lt < 0) break;
    s = s.slice(lt);
    const m = tag.exec(s);
    if (m === null) throw new Error(`malformed tag at: ${s.slice(0, 40)}`);
    s = s.slice(m[0].length);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice on <${name}>`);
      attrs[a[1]!] = decode(a[2]!, `${name}@${a[1]}`);
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    if (stack.length > 0) stack.at(-1)!.children.push(el);
    else if (root === undefined) root = el;
    else throw new Error('a second root element');
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  if (root === undefined) throw new Error('no root element');
  return root;
}
