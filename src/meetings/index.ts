import { registerMessages } from '../kernel/messages.ts';
import { meetingMessages } from './messages.ts';

registerMessages(meetingMessages);

export { actionItemInput, decisionInput, meetingInput, meetingUpdate, referenceInput } from './inputs.ts';
export { type ActionItemView, createMeetingItems, type MeetingItems } from './items.ts';
export { CADENCE_LABELS, ensureMeetingKinds, KIND_CODES, type MeetingKind, N_MEETING_KINDS, nextDue } from './kinds.ts';
export { meetingMessages } from './messages.ts';
export { type Meeting, type MeetingAction, meetingActionProcess, meetingProcess } from './process.ts';
export { meetingRoutes } from './routes.ts';
export * from './schema.ts';
export { actionScope, MEETING_EDITORS, MEETING_READERS, meetingScope } from './scope.ts';
export { createMeetingService, type MeetingDeps, type MeetingService } from './service.ts';
