// cpuid: one TD's CPUID setup by a userspace VMM against the module's CPUID metadata, while the
// environment boots another module or updates the module under the TD (digest 6, 7.4; seed 004).

import { array, bool, enumOf, record, type Read, type Write } from '../../checker/domain.js';
import type { Action, ActionRef, Model, ReachabilityTarget } from '../../checker/model.js';
import { andThen, dropAction } from '../../checker/mutate.js';
import { declareProperties, defineSpec, invariant, param, target, transition, type ParamValues } from '../../checker/spec.js';
import { guestCpuidBit, type CpuidBitKind } from '../../model/cpuid.js';
import { P_SEAMLDR, TDX_MODULE } from '../../model/lanes.js';
import { bitNames, moduleVersions, sameConfigurable, type ModuleVersion } from './modules.js';

export const VARIANTS = ['reference', 'D31', 'D32'] as const;
export type Variant = (typeof VARIANTS)[number];
export const UNKNOWN_POLICIES = ['set1', 'leave0'] as const;
export type UnknownPolicy = (typeof UNKNOWN_POLICIES)[number];

/** kvm_tdx->state as far as CPUID goes (arch/x86/kvm/vmx/tdx.h). */
export const TdState = enumOf(['TD_STATE_UNINITIALIZED', 'TD_STATE_INITIALIZED']);
export const VcpuState = enumOf(['NONE', 'CREATED', 'CPUID_SET']);
/** One CPUID bit's value. */
export const Bit = enumOf(['0', '1']);
/** One CPUID bit as KVM_TDX_INIT_VM passed it: not among its entries, or the value configured. */
export const Passed = enumOf(['none', '0', '1']);

/** The host CPU's value of every native bit: the model has no native-bit drift, so one value does. */
const HOST_NATIVE = true;

export function cpuidSchema(p: CpuidParams, modules: readonly ModuleVersion[]) {
  const Module = enumOf(modules.map((m) => m.name));
  const cpuidBits = () => record(Object.fromEntries(bitNames(p).map((b) => [b, Bit])));
  return record({
    /** The module loaded at boot: KVM caches its CPUID configurability, and no update refreshes it (U14). */
    booted: Module,
    loaded: Module,
    /** Userspace has done KVM_TDX_CAPABILITIES. */
    capabilities: bool(),
    td: TdState,
    /** The module the TD was initialized under: its fixed bits are the TD's. */
    tdModule: Module,
    /** The CPUID entries KVM_TDX_INIT_VM passed to TDH.MNG.INIT (C2 and ModuleCpuid read what was passed). */
    initVm: record(Object.fromEntries(bitNames(p).map((b) => [b, Passed]))),
    /** The TD's CPUID as the module virtualizes it: what KVM_TDX_GET_CPUID returns. */
    tdCpuid: cpuidBits(),
    /** Userspace's CPUID for the vCPUs, once derived (from KVM_TDX_GET_CPUID or a table). */
    vmmDerived: bool(),
    vmmCpuid: cpuidBits(),
    vcpu: array(p.vcpus, VcpuState, { index: 'vcpu' }),
  });
}
type Schema = ReturnType<typeof cpuidSchema>;
type S = Read<Schema>;
type Cpuid = S['tdCpuid'];

/** Every property, declared once: `tdxmc list`, reports and the README table read these. */
export const PROPERTIES = declareProperties({
  C3: invariant(
    "a vCPU's KVM_SET_CPUID2 CPUID equals the TD's CPUID (KVM_TDX_GET_CPUID) on every bit, else KVM mis-emulates",
    'digest 7.4 C3; intel-tdx.rst (KVM_TDX_INIT_VM); seed 004',
  ),
  C5: invariant(
    'a bit the module makes configurable but userspace does not understand reads 1 in the TD (unconfigured reads 0)',
    'digest 7.4 C5; seed 004 (TDX docs: "the VMM should set the configuration for that bit to 1")',
  ),
  C6: invariant(
    "userspace's CPUID agrees with the TD's on every bit the TD's module fixes (fixed bits drift between modules)",
    'digest 7.4 C6; seed 004 ("if something goes from fixed 1 to fixed 0")',
  ),
  C1: transition(
    'KVM_TDX_INIT_VM precedes every KVM_CREATE_VCPU and KVM_SET_CPUID2 of the TD',
    'digest 7.4 C1; intel-tdx.rst (KVM_TDX_INIT_VM); seed 004 ("KVM_TDX_INIT_VM before KVM_SET_CPUID")',
  ),
  C2: transition(
    'KVM_TDX_INIT_VM configures only bits KVM_TDX_CAPABILITIES reports configurable',
    'digest 7.4 C2; intel-tdx.rst (KVM_TDX_CAPABILITIES); whether KVM rejects other bits is [ASSUMPTION]',
  ),
  C4: transition("a TD-preserving update leaves an initialized TD's CPUID unchanged", 'digest 7.4 C4 [DERIVED from the update compat criteria, digest 4.3]'),
  ModuleCpuid: invariant(
    "the TD's CPUID is what its module makes of KVM_TDX_INIT_VM's entries: a fixed bit its fixed value, a native bit the host's, a configurable bit the value passed or else 0",
    'digest 6.1; Documentation/arch/x86/tdx.rst (CPUID virtualization); seed 004 (unconfigured bits read 0)',
  ),
  TdRuns: target('the TD is initialized and every vCPU has its CPUID (KVM_SET_CPUID2)', 'digest 6.2 (documented flow)'),
  UpdateUnderTd: target('a TD-preserving update ran under the initialized TD: it runs on a module other than the one it was initialized under', 'digest 6.3'),
  UnknownBit: target(
    'the TD is initialized on a module with a configurable bit userspace was not written for (C5 has something to judge)',
    'digest 6.1, 6.3; seed 004 ("more CPUID bits become configurable")',
  ),
});

export function cpuidModel(p: CpuidParams): Model<Schema> {
  const modules = moduleVersions(p, { flipFixed: p.flip_fixed, moreConfigurable: p.more_configurable });
  const base = modules[0]!.kinds;
  const bits = base.length;
  const names = bitNames(p);
  const bit = (c: Cpuid, b: number): boolean => c[names[b]!] === Bit['1'];
  const setBit = (c: Write<Schema>['tdCpuid'], b: number, v: boolean): void => {
    c[names[b]!] = v ? Bit['1'] : Bit['0'];
  };
  const kind = (m: number, b: number): CpuidBitKind => modules[m]!.kinds[b]!;
  const isFixed = (k: CpuidBitKind): boolean => k === 'fixed0' || k === 'fixed1';
  /** Userspace was written for BASE: these are the configurable bits it understands. */
  const known = (b: number): boolean => base[b] === 'configurable';
  /** The vCPU model userspace wants for the bits it configures. */
  const want = (b: number): boolean => b % 2 === 0;
  const unknownValue = p.unknown_configurable === 'set1';
  /** D32's hard-coded table: BASE's fixed values, plus what userspace configures. */
  const table = (b: number): boolean => guestCpuidBit(base[b]!, known(b) ? want(b) : unknownValue, HOST_NATIVE);

  /**
   * The CPUID entries userspace passes to KVM_TDX_INIT_VM: a value for each bit
   * KVM_TDX_CAPABILITIES reports configurable (the booted module's), or under D31 vCPU 0's
   * whole KVM_SET_CPUID2 state.
   */
  const initVmRequest = (s: S): (boolean | undefined)[] =>
    Array.from({ length: bits }, (_, b) =>
      p.variant === 'D31' ? bit(s.vmmCpuid, b) : kind(s.booted, b) === 'configurable' ? (known(b) ? want(b) : unknownValue) : undefined,
    );
  const sameCpuid = (s: S, onlyFixed: boolean): boolean => {
    for (let b = 0; b < bits; b++) {
      if (onlyFixed && !isFixed(kind(s.tdModule, b))) continue;
      if (bit(s.vmmCpuid, b) !== bit(s.tdCpuid, b)) return false;
    }
    return true;
  };
  const initialized = (s: S): boolean => s.td === TdState.TD_STATE_INITIALIZED;
  const allCpuidSet = (s: S): boolean => {
    for (let v = 0; v < p.vcpus; v++) if (s.vcpu.get(v) !== VcpuState.CPUID_SET) return false;
    return true;
  };
  const vcpuActor = { actors: p.vcpus, actorKind: 'vCPU', context: 'task' } as const;

  const updates = modules.map((m, target): Action<Schema> => ({
    name: `seamldr_install_module(${m.name})`,
    context: 'stop_machine',
    target: P_SEAMLDR,
    description: 'TD-preserving update to another module version (an environment event)',
    source: 'seamldr.c: seamldr_install_module(); compat criteria in digest 4.3 (consumed metadata unchanged)',
    guard: (s) => s.loaded !== target && (p.update_adds_configurable || sameConfigurable(modules[s.booted]!, m)),
    effect: (s, n) => {
      n.loaded = target;
      if (p.update_keeps_td_cpuid || !initialized(s)) return;
      // A module breaking the compat criteria re-derives the running TD's CPUID from its own bits.
      n.tdModule = target;
      for (let b = 0; b < bits; b++) setBit(n.tdCpuid, b, guestCpuidBit(kind(target, b), bit(s.tdCpuid, b), HOST_NATIVE));
    },
  }));
  const isUpdate = (a: ActionRef): boolean => a.name.startsWith('seamldr_install_module(');

  return {
    schema: cpuidSchema(p, modules),
    // A boot with another module is a different initial state: the TD is built from scratch.
    init: modules.map((_, m) => (n) => {
      n.booted = m;
      n.loaded = m;
    }),
    actions: [
      {
        name: 'KVM_TDX_CAPABILITIES',
        context: 'task',
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_get_capabilities(); intel-tdx.rst',
        guard: (s) => !s.capabilities,
        effect: (_s, n) => {
          n.capabilities = true;
        },
      },
      {
        name: 'KVM_TDX_INIT_VM',
        context: 'task',
        target: TDX_MODULE,
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_td_init() -> TDH.MNG.INIT; intel-tdx.rst "before creating any VCPUs"',
        guard: (s) => s.capabilities && !initialized(s) && (p.variant !== 'D31' || s.vcpu.get(0) === VcpuState.CPUID_SET),
        effect: (s, n) => {
          const req = initVmRequest(s);
          n.td = TdState.TD_STATE_INITIALIZED;
          n.tdModule = s.loaded;
          for (let b = 0; b < bits; b++) {
            n.initVm[names[b]!] = req[b] === undefined ? Passed.none : req[b] ? Passed['1'] : Passed['0'];
            setBit(n.tdCpuid, b, guestCpuidBit(kind(s.loaded, b), req[b], HOST_NATIVE));
          }
        },
      },
      {
        name: 'KVM_CREATE_VCPU',
        ...vcpuActor,
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_create() refuses a TD that is not TD_STATE_INITIALIZED',
        guard: (s, v) => s.capabilities && s.vcpu.get(v) === VcpuState.NONE && (p.variant === 'D31' || initialized(s)),
        effect: (_s, n, v) => n.vcpu.set(v, VcpuState.CREATED),
      },
      {
        name: 'KVM_TDX_GET_CPUID',
        ...vcpuActor,
        target: TDX_MODULE,
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_get_cpuid() (TDH.MNG.RD of the TD CPUID values)',
        guard: (s, v) => p.variant === 'reference' && initialized(s) && s.vcpu.get(v) !== VcpuState.NONE && !s.vmmDerived,
        effect: (s, n) => {
          n.vmmDerived = true;
          for (let b = 0; b < bits; b++) setBit(n.vmmCpuid, b, bit(s.tdCpuid, b));
        },
      },
      {
        name: 'userspace: hard-coded CPUID table',
        context: 'task',
        description: 'userspace takes the fixed bits from a table written for BASE instead of asking the TD',
        source: 'seed 004 (Sean: no hard-coded tables in KVM or userspace)',
        guard: (s) => p.variant !== 'reference' && s.capabilities && !s.vmmDerived,
        effect: (_s, n) => {
          n.vmmDerived = true;
          for (let b = 0; b < bits; b++) setBit(n.vmmCpuid, b, table(b));
        },
      },
      {
        name: 'KVM_SET_CPUID2',
        ...vcpuActor,
        source: 'arch/x86/kvm/cpuid.c: kvm_vcpu_ioctl_set_cpuid2(); intel-tdx.rst "consistent with those values"',
        guard: (s, v) => s.vmmDerived && s.vcpu.get(v) === VcpuState.CREATED,
        effect: (_s, n, v) => n.vcpu.set(v, VcpuState.CPUID_SET),
      },
      ...(p.update ? updates : []),
    ],
    invariants: [
      {
        ...PROPERTIES.C3,
        holds: (s) => {
          if (!initialized(s)) return true;
          for (let v = 0; v < p.vcpus; v++) if (s.vcpu.get(v) === VcpuState.CPUID_SET && !sameCpuid(s, false)) return false;
          return true;
        },
      },
      {
        ...PROPERTIES.C5,
        holds: (s) => {
          if (!initialized(s)) return true;
          for (let b = 0; b < bits; b++) if (kind(s.tdModule, b) === 'configurable' && !known(b) && !bit(s.tdCpuid, b)) return false;
          return true;
        },
      },
      {
        ...PROPERTIES.C6,
        holds: (s) => !initialized(s) || !s.vmmDerived || sameCpuid(s, true),
      },
      {
        // Restated from the TDX docs' rule, not with guestCpuidBit (the model's helper).
        ...PROPERTIES.ModuleCpuid,
        holds: (s) => {
          if (!initialized(s)) return true;
          for (let b = 0; b < bits; b++) {
            const k = modules[s.tdModule]!.kinds[b];
            const passed = s.initVm[names[b]!];
            const expected = k === 'fixed1' || (k === 'native' && HOST_NATIVE) || (k === 'configurable' && passed === Passed['1']);
            if (bit(s.tdCpuid, b) !== expected) return false;
          }
          return true;
        },
      },
    ],
    transitionProperties: [
      {
        ...PROPERTIES.C1,
        holds: (s, a) => (a.name !== 'KVM_CREATE_VCPU' && a.name !== 'KVM_SET_CPUID2') || initialized(s),
      },
      {
        // Over what INIT_VM passed and the booted module's metadata (what KVM_TDX_CAPABILITIES
        // reports), not over the request the action builds.
        ...PROPERTIES.C2,
        holds: (s, a, n) =>
          a.name !== 'KVM_TDX_INIT_VM' || names.every((name, b) => n.initVm[name] === Passed.none || modules[s.booted]!.kinds[b] === 'configurable'),
      },
      {
        ...PROPERTIES.C4,
        holds: (s, a, n) => {
          if (!isUpdate(a) || !initialized(s)) return true;
          for (let b = 0; b < bits; b++) if (bit(s.tdCpuid, b) !== bit(n.tdCpuid, b)) return false;
          return true;
        },
      },
    ],
    isEndState: (s) => allCpuidSet(s),
    targets: [
      { ...PROPERTIES.TdRuns, reached: (s) => initialized(s) && allCpuidSet(s) },
      ...(p.update && p.update_keeps_td_cpuid && modules.length > 1
        ? [{ ...PROPERTIES.UpdateUnderTd, reached: (s: S) => initialized(s) && s.loaded !== s.tdModule } satisfies ReachabilityTarget<Schema>]
        : []),
      ...(modules.some((m) => m.kinds.some((k, b) => k === 'configurable' && !known(b)))
        ? [
            {
              ...PROPERTIES.UnknownBit,
              reached: (s: S) => initialized(s) && modules[s.tdModule]!.kinds.some((k, b) => k === 'configurable' && !known(b)),
            } satisfies ReachabilityTarget<Schema>,
          ]
        : []),
    ],
    // vCPUs are interchangeable, except vCPU 0 under D31, whose CPUID feeds KVM_TDX_INIT_VM.
    ...(p.vcpus - (p.variant === 'D31' ? 1 : 0) > 1 ? { symmetry: [{ index: 'vcpu', from: p.variant === 'D31' ? 1 : 0, to: p.vcpus }] } : {}),
  };
}

// The audit's survivors at the defaults that no property should kill, each with its reason.
const updateDirection =
  "updates are the environment's: either direction alone (BASE and FIXED_FLIPPED differ in the same two fixed bits) reaches UpdateUnderTd and exercises C4, whose witness (an update that re-derives the TD's CPUID) shows that C4 judges updates";
const updateGuard =
  "the guard is the compat criteria (digest 4.3, not the kernel's): without it an update from MORE_CONFIGURABLE takes a configurable bit away, which KVM (U14) keeps passing to KVM_TDX_INIT_VM; whether TDH.MNG.INIT on the new module rejects it is not modelled (Differences from the kernel); the other direction is update_adds_configurable=true, whose configuration expects C5";
const bootAsUpdate =
  'BASE and FIXED_FLIPPED have the same configurable bits, which is all `booted` feeds (KVM_TDX_CAPABILITIES): a boot with either one is, for every property, a boot with the other followed by an update before KVM_TDX_INIT_VM';
const CPUID_AUDIT_ACCEPTED: readonly { mutant: string; reason: string }[] = [
  {
    mutant: 'ignore-guard KVM_TDX_CAPABILITIES',
    reason: 'equivalent: KVM_TDX_CAPABILITIES again writes true over true, a self-loop: the same reachable graph',
  },
  ...['BASE', 'FIXED_FLIPPED'].flatMap((m) => [
    { mutant: `drop-action seamldr_install_module(${m})`, reason: updateDirection },
    { mutant: `stutter seamldr_install_module(${m})`, reason: updateDirection },
    { mutant: `seamldr_install_module(${m}) without its write of loaded`, reason: `${updateDirection} (with the write skipped the update changes nothing)` },
    { mutant: `ignore-guard seamldr_install_module(${m})`, reason: updateGuard },
  ]),
  { mutant: 'drop initial state 0', reason: bootAsUpdate },
  { mutant: 'drop initial state 1', reason: bootAsUpdate },
];

const params = {
  configurable: param.int(0, 3, 1, 'bits configurable in every module version (userspace understands them)'),
  fixed0: param.int(0, 2, 1, 'bits BASE fixes to 0'),
  fixed1: param.int(0, 3, 2, 'bits BASE fixes to 1'),
  native: param.int(0, 2, 1, "bits passed through from the host CPU (the host's value is 1; never drift)"),
  vcpus: param.int(1, 3, 2, 'vCPUs of the TD'),
  variant: param.oneOf(
    VARIANTS,
    'reference',
    'reference: INIT_VM, then KVM_TDX_GET_CPUID, then SET_CPUID2; D31: SET_CPUID2 on vCPU 0 before INIT_VM, which takes its CPUID; D32: fixed bits from a hard-coded table',
  ),
  unknown_configurable: param.oneOf(
    UNKNOWN_POLICIES,
    'set1',
    'what userspace configures for a configurable bit it does not understand: set1 (TDX docs) or leave0',
  ),
  flip_fixed: param.bool(true, 'another module version flips the first fixed-0 and the first fixed-1 bit'),
  more_configurable: param.bool(true, 'another module version makes the last fixed-1 bit configurable'),
  update: param.bool(true, 'TD-preserving updates to another module version happen at any time'),
  update_adds_configurable: param.bool(
    false,
    '[ASSUMPTION] an update may change which bits are configurable (the compat criteria forbid it: consumed metadata)',
  ),
  update_keeps_td_cpuid: param.bool(true, "[DERIVED from the compat criteria] an update keeps a running TD's CPUID; false: the new module re-derives it"),
};
export type CpuidParams = ParamValues<typeof params>;

export const cpuid = defineSpec({
  name: 'cpuid',
  file: import.meta.url,
  description: "A TD's CPUID setup (KVM_TDX_CAPABILITIES, INIT_VM, GET_CPUID, SET_CPUID2) against module versions whose fixed and configurable bits drift",
  params,
  properties: PROPERTIES,
  build: cpuidModel,
  audit: { floor: 1, accepted: CPUID_AUDIT_ACCEPTED },
  witnesses: [
    {
      property: 'C2',
      name: "D31: INIT_VM takes vCPU 0's whole CPUID, fixed bits included",
      params: { variant: 'D31' },
    },
    {
      property: 'C3',
      name: 'KVM_TDX_GET_CPUID misses the configured bits: userspace sets 0 where the TD reads 1',
      mutate: (m) =>
        andThen(m, 'KVM_TDX_GET_CPUID', (_s, n) => {
          n.vmmCpuid['configurable_0'] = Bit['0'];
        }),
    },
    {
      property: 'ModuleCpuid',
      name: 'KVM_TDX_INIT_VM loses a fixed-1 bit: the TD reads 0 where its module fixes 1 (and userspace copies it)',
      mutate: (m) =>
        andThen(m, 'KVM_TDX_INIT_VM', (_s, n) => {
          n.tdCpuid['fixed1_0'] = Bit['0'];
        }),
    },
    { property: 'TdRuns', name: 'KVM_SET_CPUID2 never runs', mutate: (m) => dropAction(m, 'KVM_SET_CPUID2') },
    {
      property: 'UnknownBit',
      name: 'no boot with MORE_CONFIGURABLE (an update may not add configurable bits)',
      mutate: (m) => ({ ...m, init: m.init.filter((_, i) => i !== 2) }),
    },
    {
      property: 'UpdateUnderTd',
      name: 'updates only before KVM_TDX_INIT_VM',
      mutate: (m) => ({
        ...m,
        actions: m.actions.map((a) =>
          a.name.startsWith('seamldr_install_module(') ? { ...a, guard: (s: S, c: number) => s.td === TdState.TD_STATE_UNINITIALIZED && a.guard(s, c) } : a,
        ),
      }),
    },
  ],
  expectations: [
    { name: 'reference', params: {}, expect: { verdict: 'pass' } },
    { name: 'D31 SET_CPUID2 before INIT_VM', params: { variant: 'D31' }, expect: { verdict: 'violation', property: 'C1', traceLength: 2 } },
    { name: 'D32 hard-coded fixed bits', params: { variant: 'D32' }, expect: { verdict: 'violation', property: 'C6', traceLength: 3 } },
    { name: 'unknown configurable bits left 0', params: { unknown_configurable: 'leave0' }, expect: { verdict: 'violation', property: 'C5', traceLength: 2 } },
    { name: 'update adds configurable bits', params: { update_adds_configurable: true }, expect: { verdict: 'violation', property: 'C5', traceLength: 3 } },
    { name: "update re-derives a TD's CPUID", params: { update_keeps_td_cpuid: false }, expect: { verdict: 'violation', property: 'C4', traceLength: 3 } },
    {
      name: 'smallest layout, one vCPU, no drift, no updates',
      params: { configurable: 0, fixed0: 0, native: 0, vcpus: 1, flip_fixed: false, more_configurable: false, update: false },
      expect: { verdict: 'pass' },
    },
    { name: 'no fixed-1 bits', params: { fixed1: 0 }, expect: { verdict: 'pass' } },
    { name: 'largest layout, three vCPUs', params: { configurable: 3, fixed0: 2, fixed1: 3, native: 2, vcpus: 3 }, expect: { verdict: 'pass' } },
  ],
});
