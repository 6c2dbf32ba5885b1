// The shared actors a TDX step calls, as reports name their lanes (an action's `target`): the
// TDX module for a SEAMCALL, the P-SEAMLDR for SEAMLDR.INSTALL and the other P-SEAMLDR calls.

export const TDX_MODULE = 'TDX module';
export const P_SEAMLDR = 'P-SEAMLDR';
