-- lockstep(N) in Murphi, from shared/bench/lockstep.md, variant ack: the same model as
-- spec.ts, so that Rumur's state counts can be compared one for one with tdxmc's.
--
-- CPU 0 (the primary: it alone does SHUTDOWN and RESTORE) is kept apart; CPUs 1..N-1 are the
-- scalarset `other_t`, so Rumur's symmetry reduction permutes exactly the CPUs that tdxmc's
-- --symmetry does. N >= 2. The bench rewrites the value of N.
--
-- The legal end states (every CPU DONE) enable no rule, so run Rumur with
-- --deadlock-detection off; the deadlock rule is not checked here.

const
  N: 4;

type
  stage_t: 0..5; -- START, SHUTDOWN, INSTALL, LPINIT, RESTORE, DONE
  phase_t: enum { READY, BUSY, ACKED };
  module_t: enum { OLD, NONE, NEW };
  other_t: scalarset(N - 1);

var
  stage: stage_t;
  acked: 0..N;
  failed: boolean;
  busy: boolean;
  module: module_t;
  cur0: stage_t;
  ph0: phase_t;
  vmcs0: boolean;
  cur: array [other_t] of stage_t;
  ph: array [other_t] of phase_t;
  vmcs: array [other_t] of boolean;

function needs0(s: stage_t): boolean;
begin
  return !failed & (s = 1 | s = 2 | s = 3 | s = 4);
end;

function needs(s: stage_t): boolean;
begin
  return !failed & (s = 2 | s = 3);
end;

procedure ack_count();
begin
  acked := acked + 1;
  if acked = N then
    if failed then stage := 5; else stage := stage + 1; endif;
    acked := 0;
  endif;
end;

startstate
begin
  stage := 0; acked := 0; failed := false; busy := false; module := OLD;
  cur0 := 0; ph0 := READY; vmcs0 := true;
  for i: other_t do cur[i] := 0; ph[i] := READY; vmcs[i] := true; endfor;
end;

rule "observe(0)" cur0 != stage & ph0 = ACKED ==>
begin cur0 := stage; ph0 := READY; end;

rule "skip(0)" cur0 = stage & stage != 5 & ph0 = READY & !needs0(stage) ==>
begin ph0 := ACKED; ack_count(); end;

rule "begin(0)" cur0 = stage & ph0 = READY & needs0(stage) & (stage != 2 | !busy) ==>
begin
  ph0 := BUSY;
  if stage = 2 then busy := true; vmcs0 := false; endif;
end;

rule "finish(0)" ph0 = BUSY ==>
begin
  if cur0 = 1 then module := NONE;
  elsif cur0 = 2 then busy := false; vmcs0 := true;
  elsif cur0 = 4 then module := NEW;
  endif;
  ph0 := ACKED; ack_count();
end;

rule "fail(0)" ph0 = BUSY & cur0 = 2 ==>
begin busy := false; vmcs0 := true; failed := true; ph0 := ACKED; ack_count(); end;

ruleset i: other_t do
  rule "observe" cur[i] != stage & ph[i] = ACKED ==>
  begin cur[i] := stage; ph[i] := READY; end;

  rule "skip" cur[i] = stage & stage != 5 & ph[i] = READY & !needs(stage) ==>
  begin ph[i] := ACKED; ack_count(); end;

  rule "begin" cur[i] = stage & ph[i] = READY & needs(stage) & (stage != 2 | !busy) ==>
  begin
    ph[i] := BUSY;
    if stage = 2 then busy := true; vmcs[i] := false; endif;
  end;

  rule "finish" ph[i] = BUSY ==>
  begin
    if cur[i] = 2 then busy := false; vmcs[i] := true; endif;
    ph[i] := ACKED; ack_count();
  end;

  rule "fail" ph[i] = BUSY & cur[i] = 2 ==>
  begin busy := false; vmcs[i] := true; failed := true; ph[i] := ACKED; ack_count(); end;
endruleset;

invariant "Lockstep"
  (forall j: other_t do cur0 < cur[j] -> ph0 = ACKED endforall) &
  (forall i: other_t do cur[i] < cur0 -> ph[i] = ACKED endforall) &
  (forall i: other_t do forall j: other_t do cur[i] < cur[j] -> ph[i] = ACKED endforall endforall);

invariant "SerialInstall"
  (forall i: other_t do (cur[i] = 2 & ph[i] = BUSY) -> !(cur0 = 2 & ph0 = BUSY) endforall) &
  (forall i: other_t do forall j: other_t do
     (i != j & cur[i] = 2 & ph[i] = BUSY) -> !(cur[j] = 2 & ph[j] = BUSY) endforall endforall);

invariant "VmcsRestored"
  (ph0 = BUSY | vmcs0) & (forall i: other_t do ph[i] = BUSY | vmcs[i] endforall);

invariant "UpdateComplete"
  !(stage = 5 & !failed) | module = NEW;
