// The engine's public surface: what reports, and users' own spec files, may use. Everything
// else under checker/ (the compiled model, stores, search loops) is internal and may change.

// Writing a spec: the state schema, the model, parameters and properties.
export { array, bool, enumOf, int, record, type Plain, type Read, type RecordDomain, type Write } from './domain.js';
export type { Action, ActionRef, AnyModel, Invariant, LivenessProperty, Model, ReachabilityTarget, Source, Symmetry, TransitionProperty } from './model.js';
export { because, declareProperties, defineSpec, eventually, invariant, param, target, transition } from './spec.js';
export { andThen, dropAction, mutateAction } from './mutate.js';
export type {
  AcceptedMutant,
  AuditLine,
  ConfigOptions,
  DeclaredProperty,
  Expectation,
  ParamDecl,
  Params,
  ParamValue,
  PropertyDecl,
  Spec,
  Witness,
} from './spec.js';
export { checkParams } from './params.js';

// Checking it, and what a check returns.
export { buildModel, check, checkParallel, describeModelError } from './check.js';
export type { BuiltModel, CheckOptions, CheckOutcome, LivenessReport, ModelError, Strategy, Violation } from './check.js';
export type { ModelPhase } from './expand.js';
export type { Progress, SearchStats, Verdict } from './result.js';
export type { TraceStep } from './trace.js';

// What reports render: the annotated trace, the model as data, the state graph, the audit.
export type { AuditResult, Fate, MutantResult } from './audit.js';
export { actorName, annotateTrace, modelInfo, type ActionInfo, type AnnotatedStep, type InstanceInfo, type ModelInfo } from './annotate.js';
export type { Change } from './diff.js';
export type { GraphLabel, StateGraph, StateNode, StepEdge } from './state-graph.js';
