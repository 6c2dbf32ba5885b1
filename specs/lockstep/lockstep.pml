/*
 * lockstep(N) in Promela, from shared/bench/lockstep.md: the same model as spec.ts, so that
 * SPIN's stored states can be compared one for one with tdxmc's. Variant ack, or retry with
 * -DRETRY (a failed INSTALL is retried on its CPU instead of reported); terminates.pml adds
 * the liveness property Terminates.
 *
 * One process per CPU; every rule is one d_step, so SPIN stores exactly the model's states
 * (all processes sit at the loop head between rules). The invariants are asserted after each
 * rule, using hidden scratch variables that are not part of the state. The deadlock rule is
 * a `timeout` option: it runs only when no rule is enabled, and asserts every CPU is DONE.
 *
 *   spin -DN=10 -a lockstep.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan
 */
#ifndef N
#define N 4
#endif

#define START    0
#define SHUTDOWN 1
#define INSTALL  2
#define LPINIT   3
#define RESTORE  4
#define DONE     5
#define READY 0
#define BUSY  1
#define ACKED 2
#define OLD  0
#define NONE 1
#define NEW  2

byte stage = START;
byte acked = 0;
bool failed = false;
bool busy = false;
byte module = OLD;
byte cur[N];
byte ph[N];
bool vmcs[N] = true;

hidden byte a;
hidden byte b;
hidden byte k;

#define needsWork(i, s) (!failed && ((s == SHUTDOWN && i == 0) || s == INSTALL || s == LPINIT || (s == RESTORE && i == 0)))

inline ack(i) {
  ph[i] = ACKED;
  acked++;
  if
  :: acked == N -> stage = (failed -> DONE : stage + 1); acked = 0
  :: else -> skip
  fi
}

inline check() {
  /* Lockstep */
  a = 0;
  do
  :: a < N ->
     b = 0;
     do
     :: b < N -> assert(!(cur[a] < cur[b]) || ph[a] == ACKED); b++
     :: else -> break
     od;
     a++
  :: else -> break
  od;
  /* SerialInstall */
  a = 0; k = 0;
  do
  :: a < N -> if :: cur[a] == INSTALL && ph[a] == BUSY -> k++ :: else -> skip fi; a++
  :: else -> break
  od;
  assert(k <= 1);
  /* VmcsRestored */
  a = 0;
  do
  :: a < N -> assert(ph[a] == BUSY || vmcs[a]); a++
  :: else -> break
  od;
  /* UpdateComplete */
  assert(!(stage == DONE && !failed) || module == NEW);
  a = 0; b = 0; k = 0
}

active [N] proctype cpu() {
end:
  do
  :: d_step { cur[_pid] != stage && ph[_pid] == ACKED ->
       cur[_pid] = stage; ph[_pid] = READY; check() }
  :: d_step { cur[_pid] == stage && stage != DONE && ph[_pid] == READY && !needsWork(_pid, stage) ->
       ack(_pid); check() }
  :: d_step { cur[_pid] == stage && ph[_pid] == READY && needsWork(_pid, stage) && (stage != INSTALL || !busy) ->
       ph[_pid] = BUSY;
       if :: stage == INSTALL -> busy = true; vmcs[_pid] = false :: else -> skip fi;
       check() }
  :: d_step { ph[_pid] == BUSY ->
       if
       :: cur[_pid] == SHUTDOWN -> module = NONE
       :: cur[_pid] == INSTALL -> busy = false; vmcs[_pid] = true
       :: cur[_pid] == RESTORE -> module = NEW
       :: else -> skip
       fi;
       ack(_pid); check() }
  :: d_step { ph[_pid] == BUSY && cur[_pid] == INSTALL ->
       busy = false; vmcs[_pid] = true;
#ifdef RETRY
       ph[_pid] = READY;
#else
       failed = true; ack(_pid);
#endif
       check() }
  :: d_step { timeout ->
       a = 0;
       do
       :: a < N -> assert(cur[a] == DONE); a++
       :: else -> break
       od;
       a = 0 }
  od
}
