// Colour in the human output: verdict words and headings, on a terminal only. This is the one
// place that decides; renderers take a Style and stay plain with `PLAIN`, so no colour code
// reaches a file, JSON or a report.

/** What decides colour: whether stdout is a terminal, the environment, `--no-color`, `--json`. */
export interface ColourInputs {
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly noColor: boolean;
  readonly json: boolean;
}

/** Colour only for a person at a terminal: never piped, never JSON; `NO_COLOR` (any non-empty value, no-color.org), `--no-color` and `TERM=dumb` turn it off. */
export const colourWanted = (c: ColourInputs): boolean => c.isTTY && !c.json && !c.noColor && (c.env['NO_COLOR'] ?? '') === '' && c.env['TERM'] !== 'dumb';

/** How a verdict reads: good, bad, or not concluded. */
export type Tone = 'good' | 'bad' | 'unsure';

export interface Style {
  /** Whether it colours: a search thread rebuilds the style from this. */
  readonly on: boolean;
  readonly tone: (text: string, tone: Tone) => string;
  readonly heading: (text: string) => string;
}

export const PLAIN: Style = { on: false, tone: (text) => text, heading: (text) => text };

const SGR = { good: ['32', '39'], bad: ['31', '39'], unsure: ['33', '39'], bold: ['1', '22'] } as const;
const sgr = ([on, off]: readonly [string, string], text: string): string => `\x1b[${on}m${text}\x1b[${off}m`;

const COLOUR: Style = { on: true, tone: (text, tone) => sgr(SGR[tone], text), heading: (text) => sgr(SGR.bold, text) };

export const styleOf = (colour: boolean): Style => (colour ? COLOUR : PLAIN);

/** The style of what a command writes to `out`, given `--no-color` and `--json`. */
export const outputStyle = (out: NodeJS.WritableStream, env: ColourInputs['env'] | undefined, flags: { noColor: boolean; json: boolean }): Style =>
  styleOf(colourWanted({ isTTY: (out as { isTTY?: boolean }).isTTY === true, env: env ?? {}, ...flags }));

/** The tone of a `tdxmc check` verdict. */
export const verdictTone = (verdict: string): Tone => (verdict === 'pass' ? 'good' : verdict === 'incomplete' ? 'unsure' : 'bad');
