import { registerMessages } from '../kernel/messages.ts';
import { processMessages } from './messages.ts';

registerMessages(processMessages);

export { type DeadlineRule, dueAt, isOverdue } from './deadlines.ts';
export {
  defineProcess,
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
} from './definition.ts';
export { type AllowedAction, allowedActions, fire } from './kernel.ts';
export { processMessages } from './messages.ts';
export { processHistory } from './schema.ts';
export { type HistoryEntry, historyOf } from './service.ts';
