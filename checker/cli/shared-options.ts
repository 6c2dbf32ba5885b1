// Options that several commands take with one meaning, declared once for their tables.

import type { OptionDef } from './command.js';
import { THREADS_PER_CORE } from './flags.js';

/** The bound on `--workers` and `--jobs` (flags.ts), as help says it. */
export const WORKERS_LIMIT = `at most ${THREADS_PER_CORE} per core`;

export const SET = {
  type: 'string',
  value: 'name=value',
  multiple: true,
  help: "a parameter; tdxmc list shows each one's range and default (repeatable)",
} as const satisfies OptionDef;
const SEARCH = {
  type: 'string',
  value: 'bfs|dfs',
  default: 'bfs',
  help: 'search order: BFS finds shortest counterexamples, DFS reaches the same states',
} as const satisfies OptionDef;
const MAX_STATES = { type: 'string', value: 'N', help: 'stop after N distinct states (verdict incomplete)' } as const satisfies OptionDef;
const MAX_DEPTH = {
  type: 'string',
  value: 'N',
  help: 'do not expand states at depth N (verdict incomplete if it cut the search)',
} as const satisfies OptionDef;
const JOBS = {
  type: 'string',
  value: 'N',
  defaultText: "the machine's available parallelism",
  help: `worker threads running configurations side by side, ${WORKERS_LIMIT}`,
} as const satisfies OptionDef;
const TIMEOUT = { type: 'string', value: 'SECONDS', help: 'budget for the whole run; what is unfinished then is incomplete' } as const satisfies OptionDef;
/** Where reports go when `--report` names no directory. */
export const DEFAULT_REPORT_DIR = 'reports';
export const REPORT_DIR = { type: 'string', value: 'DIR', ifBare: DEFAULT_REPORT_DIR } as const;
export const JSON_OUT = { type: 'boolean', help: 'print exactly one JSON object on stdout' } as const satisfies OptionDef;
const QUIET = { type: 'boolean', help: 'no progress line on stderr' } as const satisfies OptionDef;
export const NO_COLOR = {
  type: 'boolean',
  help: 'no colour on a terminal (as NO_COLOR=1 does); never coloured when piped or with --json',
} as const satisfies OptionDef;
export const DEBUG = { type: 'boolean', help: 'print the stack trace of an error' } as const satisfies OptionDef;
export const HELP = { type: 'boolean', help: 'print this help' } as const satisfies OptionDef;

/** Search order and bounds, as `check` and `diff` take them. */
export const SEARCH_OPTIONS = { search: SEARCH, 'max-states': MAX_STATES, 'max-depth': MAX_DEPTH } as const;
/** Worker threads and time budget of the commands that run configurations side by side (`ci`, `diff`). */
export const POOL_OPTIONS = { jobs: JOBS, timeout: TIMEOUT } as const;
/** Output and help, last in every table but `list`'s. */
export const OUTPUT_OPTIONS = { json: JSON_OUT, quiet: QUIET, 'no-color': NO_COLOR, debug: DEBUG, help: HELP } as const;
