// Per-CPU hardware state, as field domains a spec picks into its own per-CPU record:
//   cpu: array(cpus, record({ online: CpuFields.online, vmxOn: CpuFields.vmxOn }), { index: 'cpu' })
// Names follow the digest's sketch (1.7); the package is topology, not state (topology.ts).

import { bool, enumOf } from '../checker/domain.js';
import { SeamcallLeaf } from './leaf.js';

/** The current-VMCS pointer: VMREAD/VMWRITE/VM entry need VALID (V8); SEAMRET from the P-SEAMLDR may leave INVALID (1.1). */
export const CurrentVmcs = enumOf(['INVALID', 'VALID']);

export const CpuFields = {
  /** Logically online (cpuhp); ACPI hot-add/remove does not happen (3.7). */
  online: bool(),
  /** In VMX operation: SEAMCALL #UDs otherwise (I1). */
  vmxOn: bool(),
  currentVmcs: CurrentVmcs,
  /** The SEAMCALL this CPU is inside (between SEAMCALL and SEAMRET), or NONE. */
  inSeam: SeamcallLeaf,
} as const;
