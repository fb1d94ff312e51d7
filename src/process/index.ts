import { registerMessages } from '../kernel/messages.ts';
import { processMessages } from './messages.ts';

registerMessages(processMessages);

export { type DeadlineRule, dueAt, isOverdue } from './deadlines.ts';
export {
  type Bilingual,
  defineProcess,
  type FieldKind,
  type FieldSpec,
  fromStates,
  type FireContext,
  isApproval,
  type ProcessDefinition,
  type ProcessRecord,
  type ProcessTable,
  type Raci,
  type SideEffect,
  type Transition,
  type TransitionEvent,
  type TransitionInput,
  type WorkSpec,
  workProcesses,
} from './definition.ts';
export { type ActionField, actionFields, COMMON_FIELDS, fieldSpec } from './fields.ts';
export { actionableStates, type AllowedAction, allowedActions, fire } from './kernel.ts';
export { finalStates, isFinal, type LabelledHistoryEntry, type ProcessFlow, type ProcessView, processFlow, processView, type RecordDeadline } from './view.ts';
export { processMessages } from './messages.ts';
export { processHistory } from './schema.ts';
export { type HistoryEntry, historyOf, recordEvent } from './service.ts';
