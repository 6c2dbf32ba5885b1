/*
 * Terminates, lockstep's liveness property, as an LTL claim: every CPU reaches DONE on every
 * (weakly) fair path. The model is lockstep.pml (-DRETRY for the variant that breaks it):
 *
 *   spin -DN=4 -a terminates.pml && cc -O2 -o pan pan.c && ./pan -a -f
 *
 * -a looks for acceptance cycles of the claim (a path on which some CPU never reaches DONE),
 * -f keeps only cycles that are weakly fair per process. The specs' README says why this
 * fairness and tdxmc's, weak per action instance, give the same verdicts on this model.
 *
 * One term per CPU, written out (SPIN's LTL has no quantifier over N): CPUs at or above N are
 * vacuously done. SPIN's LTL translator refuses a formula much longer than these 32 terms.
 */
#include "lockstep.pml"

#if N > 32
#error terminates.pml states Terminates for at most 32 CPUs
#endif

#define D(i) (i >= N || cur[i] == DONE)

ltl Terminates {
  <> (D(0) && D(1) && D(2) && D(3) && D(4) && D(5) && D(6) && D(7) &&
      D(8) && D(9) && D(10) && D(11) && D(12) && D(13) && D(14) && D(15) &&
      D(16) && D(17) && D(18) && D(19) && D(20) && D(21) && D(22) && D(23) &&
      D(24) && D(25) && D(26) && D(27) && D(28) && D(29) && D(30) && D(31))
}
