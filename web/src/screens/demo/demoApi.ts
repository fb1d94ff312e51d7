/** Calls of the demo's endpoints (server src/monitoring/simulator/routes.ts). */
import type { CaughtMail } from '../../../../src/monitoring/simulator/catcher.ts';
import { api } from '../../api';

export type MailsAnswer = { items: CaughtMail[]; total: number; smtp: string };
export type SimulatorState = {
  hosts: number;
  webServers: number;
  firstAddress: string | null;
  lastAddress: string | null;
  faults: Array<{ target: string; kind: 'down' | 'cpu' | 'http'; from: string; until: string }>;
  egress: { allowed: number; refused: number; refusedTo: string[] };
};

export const getMails = (signal?: AbortSignal) => api.get<MailsAnswer>('/api/demo/mails', undefined, signal);
export const getSimulator = (signal?: AbortSignal) => api.get<SimulatorState>('/api/demo/simulator', undefined, signal);
