// An estimate of how many distinct states a simulation visited, in a fixed 4 KiB whatever the
// count (HyperLogLog: Flajolet, Fusy, Gandouet and Meunier 2007, with its small-range
// correction). It reads the 64-bit fingerprints the stores use; its relative error is about
// 1.04 / sqrt(registers), under 2% here.

const BITS = 12;
const REGISTERS = 1 << BITS;
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);

export class DistinctEstimate {
  private readonly registers = new Uint8Array(REGISTERS);

  /** Notes one fingerprint: its top bits pick a register, the rest give a rank. */
  add(hi: number, lo: number): void {
    const j = hi >>> (32 - BITS);
    // The rank of the remaining 52 bits: leading zeros + 1, the low word after the high one's rest.
    const rest = (hi << BITS) >>> 0;
    const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - BITS + Math.clz32(lo) + 1;
    if (rank > this.registers[j]!) this.registers[j] = rank;
  }

  /** Adds what `other` has seen. */
  merge(other: DistinctEstimate): void {
    for (let j = 0; j < REGISTERS; j++) if (other.registers[j]! > this.registers[j]!) this.registers[j] = other.registers[j]!;
  }

  get estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let j = 0; j < REGISTERS; j++) {
      const r = this.registers[j]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * REGISTERS * REGISTERS) / sum;
    return Math.round(raw <= 2.5 * REGISTERS && zeros > 0 ? REGISTERS * Math.log(REGISTERS / zeros) : raw);
  }
}
