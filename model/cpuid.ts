// How the TDX module virtualizes one CPUID bit for a TD (digest 6.1; Documentation/arch/x86/tdx.rst
// "CPUID virtualization"): the module's metadata says which bits the VMM configures at
// TDH.MNG.INIT (KVM_TDX_INIT_VM); every other bit is fixed by the module or passed through.

/** A CPUID bit's kind in one module version; the kinds may differ between module versions (C6). */
export type CpuidBitKind = 'configurable' | 'fixed0' | 'fixed1' | 'native';

/**
 * The value a TD's guest sees for one bit (what KVM_TDX_GET_CPUID returns). A configurable bit
 * the VMM left unconfigured reads 0 (seed 004, quoting the TDX docs; C5).
 */
export function guestCpuidBit(kind: CpuidBitKind, configured: boolean | undefined, native: boolean): boolean {
  switch (kind) {
    case 'configurable':
      return configured ?? false;
    case 'fixed0':
      return false;
    case 'fixed1':
      return true;
    case 'native':
      return native;
  }
}
