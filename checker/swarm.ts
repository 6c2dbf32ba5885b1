// How a swarm walk (simulate --swarm, after SPIN's swarm verification) chooses its next step.
// Each walk draws its own weight per action, log-uniform over many orders of magnitude, so
// that some walks all but never take an action (a failure path) that others take freely. A
// step picks an action by weight among the enabled ones and then one of its enabled instances,
// so an action of 16 actors is not picked 16 times as often as one of a single actor. An
// instance's weight falls by DECAY each time the walk takes it: steps enabled everywhere (an
// interrupt on any CPU) stop crowding out those a protocol needs once per actor, so a walk gets
// through long lock-step sequences at many actors. Every enabled instance keeps a nonzero chance.

/** mulberry32: small, fast and good enough to choose steps; the same seed, the same numbers. */
export class Random {
  constructor(private state: number) {}
  /** An integer in 0 .. n - 1. */
  below(n: number): number {
    return Math.floor(this.unit() * n);
  }
  /** A number in [0, 1). */
  unit(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
}

/** The smallest action weight a walk draws: weights are SPREAD^u for u uniform in [0, 1). */
const SPREAD = 1e-12;
/** The factor an instance's weight falls by each time the walk takes it. */
const DECAY = 0.25;
/** Takes after which an instance's weight falls no further, so that it stays above zero. */
export const DECAY_FLOOR = 60;
const DECAYED = Float64Array.from({ length: DECAY_FLOOR + 1 }, (_, c) => DECAY ** c);

export class SwarmChoice {
  /** This walk's weight per action. */
  readonly weights: Float64Array;
  /** Times this walk took each instance (CompiledModel.refs), up to DECAY_FLOOR. */
  private readonly taken: Uint8Array;
  /** Scratch during a choice: enabled instances per action. */
  private readonly enabledOf: Int32Array;

  constructor(
    private readonly actionOf: Int32Array,
    actions: number,
  ) {
    this.weights = new Float64Array(actions);
    this.taken = new Uint8Array(actionOf.length);
    this.enabledOf = new Int32Array(actions);
  }

  /** A new walk: its action weights drawn from `rng`, nothing taken yet. */
  start(rng: Random): void {
    for (let a = 0; a < this.weights.length; a++) this.weights[a] = SPREAD ** rng.unit();
    this.taken.fill(0);
  }

  /** The walk took instance `ref`. */
  took(ref: number): void {
    if (this.taken[ref]! < DECAY_FLOOR) this.taken[ref]!++;
  }

  /** The chance weight of enabled instance `ref` while `enabledOf` holds the counts (unnormalised). */
  private weight(ref: number): number {
    const a = this.actionOf[ref]!;
    return (this.weights[a]! * DECAYED[this.taken[ref]!]!) / this.enabledOf[a]!;
  }

  /** The place among the n instances in `en` of the one to take. */
  pick(rng: Random, en: Int32Array, n: number): number {
    this.count(en, n, 1);
    let total = 0;
    for (let e = 0; e < n; e++) total += this.weight(en[e]!);
    let k = rng.unit() * total;
    let choice = n - 1;
    for (let e = 0; e < n; e++) {
      k -= this.weight(en[e]!);
      if (k < 0) {
        choice = e;
        break;
      }
    }
    this.count(en, n, 0);
    return choice;
  }

  /** The chance of each of the n instances in `en` being picked now. */
  chances(en: Int32Array, n: number): number[] {
    this.count(en, n, 1);
    const w = Array.from(en.subarray(0, n), (ref) => this.weight(ref));
    this.count(en, n, 0);
    const total = w.reduce((s, x) => s + x, 0);
    return w.map((x) => x / total);
  }

  /** Counts the enabled instances of each action into `enabledOf` (by 1), or clears it (by 0). */
  private count(en: Int32Array, n: number, by: 0 | 1): void {
    const { actionOf, enabledOf } = this;
    for (let e = 0; e < n; e++) enabledOf[actionOf[en[e]!]!] = by * (enabledOf[actionOf[en[e]!]!]! + 1);
  }
}
