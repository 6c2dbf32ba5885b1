// Checkpoint and resume of a BFS (TLC's -checkpoint and -recover). Between two levels a search
// is its visited set, the frontier of the next level and its counters; `--checkpoint DIR`
// writes these every so often into DIR/checkpoint.tdxmc and `--resume DIR` continues from
// them, to the same counts and verdict as a run never stopped (a finding's trace is rebuilt by
// a search from the initial states, as always).
//
// The file is written under a temporary name, flushed to disk and renamed over the previous
// one, so a process killed while writing leaves the previous checkpoint whole. It ends with
// the SHA-256 of what precedes it: a truncated or damaged file is refused, never half-read.
//
// Layout: the magic, the header's length (u32) and the header (JSON, padded to 8 bytes), then
// the fired counts (f64), the reached targets (u8, padded to 8), the store (u32: fingerprint
// pairs by slot, or the exact states), the frontier (u32, packed states), and the digest.

import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledModel } from './compiled.js';
import { UsageError } from './exit.js';
import type { Params } from './spec.js';

export const CHECKPOINT_FILE = 'checkpoint.tdxmc';
const MAGIC = Buffer.from('TDXMCCP1');
const DIGEST = 32;

/** Where a BFS is between two levels: all it needs to go on. */
export interface SearchSnapshot {
  /** The depth of the frontier's states. */
  readonly depth: number;
  readonly maxDepthSeen: number;
  readonly transitions: number;
  /** Transitions fired per action instance. */
  readonly fired: Float64Array;
  /** Per reachability target, 1 once a stored state met it. */
  readonly reached: Uint8Array;
  /** A successor at the depth bound was new. */
  readonly cut: boolean;
  /** Seconds the search ran before. */
  readonly seconds: number;
  /** The visited set: the fingerprint table (pairs by slot), or with --exact the states in insertion order. */
  readonly store: { readonly kind: 'fingerprints' | 'exact'; readonly words: Uint32Array; readonly size: number };
  /** The states to expand next, in order: `count` of them, W words each, `stride` words apart. */
  readonly frontier: readonly { readonly words: Uint32Array; readonly count: number; readonly stride: number }[];
}

/** What a checkpoint belongs to: it is resumed only by a run of the same. */
export interface CheckpointIdentity {
  readonly version: string;
  readonly spec: string;
  readonly params: Params;
  readonly exact: boolean;
  readonly symmetry: boolean;
  readonly skipProperties: readonly string[];
}

/** How a search takes checkpoints: `save` is called between levels once `every` seconds passed. */
export interface CheckpointSink {
  readonly every: number;
  save(s: SearchSnapshot): void;
  /**
   * Asked before `save`: true when the sink takes the search over (search workers go on from
   * the snapshot). BFS then stops there, leaving what the snapshot holds as it was.
   */
  takeOver?(s: SearchSnapshot): boolean;
}

/**
 * What a checkpoint's states mean: their length in words, and a digest of the model that wrote
 * them (its state layout and, as code, its initial states, actions and properties). Two builds
 * with the same version and parameters may still differ in these (a reviewer's edited variant,
 * a changed spec), and states of one read as states of the other would be silently wrong.
 */
export interface StateShape {
  readonly words: number;
  readonly model: string;
}

export function stateShape(cm: CompiledModel): StateShape {
  const h = createHash('sha256');
  for (const s of cm.layout.slots) h.update(`${s.path}:${s.pos}:${s.bits}:${s.min}:${s.max};`);
  const m = cm.model;
  for (const f of m.init) h.update(`init ${String(f)};`);
  for (const a of m.actions) h.update(`action ${a.name} ${a.actors ?? -1} ${String(a.guard)} ${String(a.effect)};`);
  for (const p of m.invariants) h.update(`invariant ${p.name} ${String(p.holds)};`);
  for (const p of m.transitionProperties ?? []) h.update(`transition ${p.name} ${String(p.holds)};`);
  for (const p of m.targets ?? []) h.update(`target ${p.name} ${String(p.reached)};`);
  return { words: cm.words, model: h.digest('hex').slice(0, 16) };
}

interface Header {
  readonly identity: CheckpointIdentity;
  readonly words: number;
  readonly model: string;
  readonly depth: number;
  readonly maxDepthSeen: number;
  readonly transitions: number;
  readonly cut: boolean;
  readonly seconds: number;
  readonly storeKind: 'fingerprints' | 'exact';
  readonly storeSize: number;
  readonly storeWords: number;
  readonly frontierCount: number;
  readonly instances: number;
  readonly targets: number;
}

const pad8 = (n: number): number => (n + 7) & ~7;
const bytesOf = (a: ArrayBufferView, offset = 0, length = a.byteLength - offset): Buffer => Buffer.from(a.buffer, a.byteOffset + offset, length);

/** Writes through a digest, so the file's last bytes can vouch for the rest. */
class DigestWriter {
  private readonly hash: Hash = createHash('sha256');
  constructor(private readonly fd: number) {}
  write(b: Buffer): void {
    this.hash.update(b);
    for (let at = 0; at < b.length;) at += writeSync(this.fd, b, at, b.length - at);
  }
  end(): void {
    const d = this.hash.digest();
    writeSync(this.fd, d);
  }
}

/** Writes `s` as DIR/checkpoint.tdxmc, replacing the previous checkpoint only once it is whole on disk. */
export function writeCheckpoint(dir: string, identity: CheckpointIdentity, shape: StateShape, s: SearchSnapshot): void {
  const words = shape.words;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, CHECKPOINT_FILE);
  const tmp = `${path}.tmp`;
  const header: Header = {
    identity,
    words,
    model: shape.model,
    depth: s.depth,
    maxDepthSeen: s.maxDepthSeen,
    transitions: s.transitions,
    cut: s.cut,
    seconds: s.seconds,
    storeKind: s.store.kind,
    storeSize: s.store.size,
    storeWords: s.store.words.length,
    frontierCount: s.frontier.reduce((n, f) => n + f.count, 0),
    instances: s.fired.length,
    targets: s.reached.length,
  };
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(MAGIC.length + 4 + pad8(json.length));
  MAGIC.copy(head);
  head.writeUInt32LE(json.length, MAGIC.length);
  json.copy(head, MAGIC.length + 4);
  const fd = openSync(tmp, 'w');
  try {
    const w = new DigestWriter(fd);
    w.write(head);
    w.write(bytesOf(s.fired));
    w.write(Buffer.concat([bytesOf(s.reached), Buffer.alloc(pad8(s.reached.length) - s.reached.length)]));
    w.write(bytesOf(s.store.words));
    // The frontier's states, without whatever else its entries hold, a block at a time.
    const block = new Uint32Array(words * 4096);
    for (const f of s.frontier) {
      if (f.stride === words) {
        w.write(bytesOf(f.words, 0, f.count * words * 4));
        continue;
      }
      for (let i = 0; i < f.count;) {
        const n = Math.min(4096, f.count - i);
        for (let j = 0; j < n; j++) for (let k = 0; k < words; k++) block[j * words + k] = f.words[(i + j) * f.stride + k]!;
        w.write(bytesOf(block, 0, n * words * 4));
        i += n;
      }
    }
    w.end();
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** A checkpoint on disk whose header was read and whose digest was checked. */
export interface OpenCheckpoint {
  readonly path: string;
  readonly identity: CheckpointIdentity;
  /** Its parameters as `--set` takes them. */
  readonly sets: string[];
}

const refuse = (path: string, why: string): UsageError => new UsageError(`--resume: ${path}: ${why}`);

function readHeader(fd: number, path: string): { header: Header; at: number; size: number } {
  const size = fstatSync(fd).size;
  const fixed = Buffer.alloc(MAGIC.length + 4);
  if (size < fixed.length + DIGEST || readSync(fd, fixed, 0, fixed.length, 0) !== fixed.length || !fixed.subarray(0, MAGIC.length).equals(MAGIC))
    throw refuse(path, 'not a tdx-mc checkpoint');
  const n = fixed.readUInt32LE(MAGIC.length);
  if (fixed.length + n + DIGEST > size) throw refuse(path, 'truncated');
  const json = Buffer.alloc(n);
  readSync(fd, json, 0, n, fixed.length);
  let header: Header;
  try {
    header = JSON.parse(json.toString('utf8')) as Header;
  } catch {
    throw refuse(path, 'damaged (its header is not JSON)');
  }
  const at = fixed.length + pad8(n);
  const body = header.instances * 8 + pad8(header.targets) + header.storeWords * 4 + header.frontierCount * header.words * 4;
  if (!Number.isSafeInteger(body) || at + body + DIGEST !== size) throw refuse(path, at + body + DIGEST > size ? 'truncated' : 'damaged (wrong length)');
  return { header, at, size };
}

/** Reads `into` from the file at `at`, feeding the digest; returns the next offset. */
function readInto(fd: number, into: Buffer, at: number, hash: Hash | undefined): number {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, Math.min(into.length - done, 1 << 24), at + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
  hash?.update(into);
  return at + into.length;
}

/** Opens DIR's checkpoint: reads its header and checks its digest over the whole file. */
export function openCheckpoint(dir: string): OpenCheckpoint {
  const path = join(dir, CHECKPOINT_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw refuse(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no checkpoint there' : (e as Error).message);
  }
  try {
    const { header, size } = readHeader(fd, path);
    const hash = createHash('sha256');
    const block = Buffer.alloc(Math.min(1 << 24, size - DIGEST));
    let at = 0;
    while (at < size - DIGEST) at = readInto(fd, block.subarray(0, Math.min(block.length, size - DIGEST - at)), at, hash);
    const digest = Buffer.alloc(DIGEST);
    readInto(fd, digest, at, undefined);
    if (!hash.digest().equals(digest)) throw refuse(path, 'damaged (its digest does not match)');
    const identity = header.identity;
    return { path, identity, sets: Object.entries(identity.params).map(([k, v]) => `${k}=${String(v)}`) };
  } finally {
    closeSync(fd);
  }
}

const flag = (on: boolean, name: string): string => (on ? `with ${name}` : `without ${name}`);

/** Refuses, naming the first difference, a checkpoint of another spec, parameters, options or version. */
export function requireSameRun(c: OpenCheckpoint, run: CheckpointIdentity): void {
  const had = c.identity;
  const why =
    had.version !== run.version
      ? `written by tdx-mc ${had.version}, this is ${run.version}`
      : had.spec !== run.spec
        ? `a checkpoint of spec ${had.spec}, not ${run.spec}`
        : canonical(had.params) !== canonical(run.params)
          ? `a checkpoint of ${had.spec} with ${c.sets.join(' ')}, not ${Object.entries(run.params)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ')}`
          : had.exact !== run.exact
            ? `written ${flag(had.exact, '--exact')}`
            : had.symmetry !== run.symmetry
              ? `written ${flag(had.symmetry, '--symmetry')}`
              : canonical([...had.skipProperties].sort()) !== canonical([...run.skipProperties].sort())
                ? `written with --skip-property ${had.skipProperties.join(', ') || '(none)'}, not ${run.skipProperties.join(', ') || '(none)'}`
                : undefined;
  if (why !== undefined) throw refuse(c.path, why);
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

/**
 * Loads the checkpoint `openCheckpoint` vouched for, for a model of this `shape`; the store's
 * words go into a SharedArrayBuffer when search workers will share them.
 */
export function loadCheckpoint(c: OpenCheckpoint, shape: StateShape, shared: boolean): SearchSnapshot {
  const words = shape.words;
  const fd = openSync(c.path, 'r');
  try {
    const { header: h, at: start } = readHeader(fd, c.path);
    if (h.words !== words) throw refuse(c.path, `a state of its model has ${h.words} words, this model's ${words}`);
    if (h.model !== shape.model) throw refuse(c.path, "written by another model: the spec's state layout, actions or properties differ from this one's");
    const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const fired = new Float64Array(h.instances);
    let at = readInto(fd, bytesOf(fired), start, undefined);
    const reached = new Uint8Array(pad8(h.targets));
    at = readInto(fd, bytesOf(reached), at, undefined);
    const store = new Uint32Array(alloc(h.storeWords * 4));
    at = readInto(fd, bytesOf(store), at, undefined);
    const frontier = new Uint32Array(alloc(Math.max(4, h.frontierCount * words * 4)));
    readInto(fd, bytesOf(frontier, 0, h.frontierCount * words * 4), at, undefined);
    return {
      depth: h.depth,
      maxDepthSeen: h.maxDepthSeen,
      transitions: h.transitions,
      fired,
      reached: reached.subarray(0, h.targets),
      cut: h.cut,
      seconds: h.seconds,
      store: { kind: h.storeKind, words: store, size: h.storeSize },
      frontier: [{ words: frontier, count: h.frontierCount, stride: words }],
    };
  } finally {
    closeSync(fd);
  }
}

/** Writes a checkpoint; a failure names the flag and the directory (a full disk, a directory gone). */
function save(dir: string, identity: CheckpointIdentity, shape: StateShape, s: SearchSnapshot): void {
  try {
    writeCheckpoint(dir, identity, shape, s);
  } catch (e) {
    throw new UsageError(`--checkpoint: cannot write into ${dir}: ${(e as Error).message}`);
  }
}

/** The identity of a run of `spec` with `params` and these options, by tdx-mc `version`. */
export const identityOf = (
  version: string,
  spec: string,
  params: Params,
  o: { exact?: boolean; symmetry?: boolean; skipProperties?: readonly string[] },
): CheckpointIdentity => ({ version, spec, params, exact: o.exact ?? false, symmetry: o.symmetry ?? false, skipProperties: o.skipProperties ?? [] });

/** Where and how often a run writes checkpoints (`--checkpoint DIR --checkpoint-every SECONDS`). */
export interface CheckpointTarget {
  readonly dir: string;
  readonly every: number;
  /** tdx-mc's version, which marks the checkpoints. */
  readonly version: string;
}

/**
 * The search options that checkpoint a run of spec `spec` with `params` into `o.checkpointTo`
 * and resume it from `o.resumeFrom`; `shared` when search workers will hold what is loaded.
 */
export function checkpointing(
  spec: string,
  params: Params,
  cm: CompiledModel,
  o: { checkpointTo?: CheckpointTarget; resumeFrom?: OpenCheckpoint; exact?: boolean; symmetry?: boolean; skipProperties?: readonly string[] },
  shared: boolean,
): { checkpoint?: CheckpointSink; resume?: SearchSnapshot } {
  const to = o.checkpointTo;
  if (to === undefined && o.resumeFrom === undefined) return {};
  const shape = stateShape(cm);
  return {
    ...(to === undefined ? {} : { checkpoint: { every: to.every, save: (s) => save(to.dir, identityOf(to.version, spec, params, o), shape, s) } }),
    ...(o.resumeFrom === undefined ? {} : { resume: loadCheckpoint(o.resumeFrom, shape, shared) }),
  };
}
