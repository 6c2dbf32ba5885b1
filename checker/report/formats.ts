// Every report format by file extension. A format is a pure function of the report: the same
// run renders the same bytes but for the marked timing fields.

import { renderHtml } from './html.js';
import { renderItf } from './itf.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './report.js';
import { renderText } from './text.js';

export interface Format {
  /** File extension, without the dot. */
  readonly ext: string;
  readonly render: (r: Report) => string;
}

export const FORMATS: readonly Format[] = [
  { ext: 'md', render: renderMarkdown },
  { ext: 'txt', render: renderText },
  { ext: 'html', render: renderHtml },
  { ext: 'json', render: renderJson },
  { ext: 'itf.json', render: renderItf },
];
