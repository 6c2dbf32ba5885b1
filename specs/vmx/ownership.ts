// Who turns VMX on and off, in the two designs (digest 5): KVM alone before 2026, or the
// refcounted virtualization core of arch/x86/virt/hw.c with KVM and the TDX core as peers.
// D19 hooks in here because it is a rule about every VMXOFF and VMXON.

import { CurrentVmcs } from '../../model/cpu.js';
import { SysState } from '../../model/module.js';
import { TdxModuleStatus } from '../../model/kernel.js';
import { Kvm, MAX_OWNERS, Tsm, type Design, type N, type S, type Variant } from './schema.js';

/** Who issues a SEAMCALL (V3). */
export type Client = 'TDX core' | 'KVM' | 'tdx_tsm';

export interface Ownership {
  /** TDX is up for its users: kvm_intel brought it up (KVM-owned), or the TDX core initialized it at boot (refcount). */
  tdxEnabled(s: S | N): boolean;
  /** How many owners keep VMX on `c`: KVM alone, or virtualization_nr_users. */
  owners(s: S, c: number): number;
  /** `client`'s SEAMCALL on `c` is covered: by KVM's VMXON (KVM-owned) or by a reference it or the TDX core holds (V3). */
  holds(s: S, c: number, client: Client): boolean;
  /** KVM enables virtualization on `c` (kvm_arch_enable_virtualization_cpu). */
  kvmGet(n: N, c: number): void;
  /** KVM disables virtualization on `c`: first TDH.VP.FLUSH of the TD vCPU here and VMCLEAR of loaded VMCSes. */
  kvmPut(n: N, c: number): void;
  /** Refcount design: the TDX core takes or drops its reference on `c`. */
  tdxGet(n: N, c: number): void;
  tdxPut(n: N, c: number): void;
  /** VMXOFF from the NMI shootdown, after KVM's emergency callback VMCLEARs: counts and owners stay as they are (V6). */
  emergencyVmxoff(n: N, c: number): void;
}

export function ownership(design: Design, variant: Variant): Ownership {
  const tdxEnabled = (s: S | N): boolean =>
    design === 'kvm' ? s.kvm === Kvm.TDX : s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED && s.tdx_module.sys_state === SysState.SYS_READY;

  // D19 (Yilun's first idea, seed 002): the tdx_tsm device goes before every VMXOFF and comes back at VMXON.
  const vmxon = (n: N, c: number): void => {
    n.cpu.at(c).vmxOn = true;
    if (variant === 'D19' && n.tsm === Tsm.UNBOUND && tdxEnabled(n)) n.tsm = Tsm.BOUND;
  };
  const vmxoff = (n: N, c: number): void => {
    if (variant === 'D19') n.tsm = Tsm.UNBOUND;
    n.cpu.at(c).vmxOn = false;
  };
  // hw.c counts without an upper bound and WARNs on a put at zero; here a count outside 0..owners
  // is a named violation (V1), not a value outside the field's domain.
  const getRef = (n: N, c: number): void => {
    const cpu = n.cpu.at(c);
    if (cpu.virtualization_nr_users === MAX_OWNERS) {
      n.ref_warn = true;
      return;
    }
    cpu.virtualization_nr_users = cpu.virtualization_nr_users + 1;
    if (cpu.virtualization_nr_users === 1) vmxon(n, c);
  };
  const putRef = (n: N, c: number): void => {
    const cpu = n.cpu.at(c);
    if (cpu.virtualization_nr_users === 0) {
      n.ref_warn = true; // x86_virt_put_ref(): WARN_ON_ONCE(!this_cpu_read(virtualization_nr_users))
      return;
    }
    cpu.virtualization_nr_users = cpu.virtualization_nr_users - 1;
    if (cpu.virtualization_nr_users === 0) vmxoff(n, c);
  };

  return {
    tdxEnabled,
    owners: (s, c) => (design === 'kvm' ? +s.cpu.at(c).kvm_virt : s.cpu.at(c).virtualization_nr_users),
    holds: (s, c, client) => {
      const cpu = s.cpu.at(c);
      if (design === 'kvm') return cpu.kvm_virt;
      return cpu.tdx_ref || (client === 'KVM' && cpu.kvm_virt);
    },
    kvmGet: (n, c) => {
      n.cpu.at(c).kvm_virt = true;
      if (design === 'kvm') vmxon(n, c);
      else getRef(n, c);
    },
    kvmPut: (n, c) => {
      if (n.td_vcpu === c) n.td_vcpu = -1; // tdx_disable_virtualization_cpu()
      n.cpu.at(c).currentVmcs = CurrentVmcs.INVALID; // vmclear_local_loaded_vmcss()
      n.cpu.at(c).kvm_virt = false;
      if (design === 'kvm') vmxoff(n, c);
      else putRef(n, c);
    },
    tdxGet: (n, c) => {
      n.cpu.at(c).tdx_ref = true;
      getRef(n, c);
    },
    tdxPut: (n, c) => {
      n.cpu.at(c).tdx_ref = false;
      putRef(n, c);
    },
    emergencyVmxoff: (n, c) => {
      n.cpu.at(c).currentVmcs = CurrentVmcs.INVALID;
      n.cpu.at(c).vmxOn = false;
    },
  };
}
