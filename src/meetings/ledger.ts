import { jstCell, type LedgerColumn } from '../incidents/index.ts';
import type { ActionItemView } from './items.ts';

export interface MeetingRow {
  meetingNo: string;
  kindName: string;
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  place: string;
  stateLabel: { ja: string };
  attendeeCount: number;
  openActions: number;
  approvedByLabel: string | null;
  sharedAt: Date | null;
  id: string;
}

/** 会議一覧 as exported (XLSX/CSV). */
export const MEETING_LEDGER: LedgerColumn<MeetingRow>[] = [
  { header: '会議番号', value: (r) => r.meetingNo, width: 16 },
  { header: '会議体', value: (r) => r.kindName, width: 22 },
  { header: '件名', value: (r) => r.title, width: 36 },
  { header: '開始', value: (r) => jstCell(r.startsAt), width: 18 },
  { header: '終了', value: (r) => jstCell(r.endsAt), width: 18 },
  { header: '場所', value: (r) => r.place, width: 20 },
  { header: '状態', value: (r) => r.stateLabel.ja, width: 18 },
  { header: '出席者数', value: (r) => r.attendeeCount, width: 8 },
  { header: '未完了の宿題', value: (r) => r.openActions, width: 10 },
  { header: '議事録承認者', value: (r) => r.approvedByLabel, width: 18 },
  { header: '共有日時', value: (r) => jstCell(r.sharedAt), width: 18 },
  { header: 'ID', value: (r) => r.id, width: 38 },
];

/** 宿題一覧 as exported. */
export const ACTION_LEDGER: LedgerColumn<ActionItemView>[] = [
  { header: '会議番号', value: (r) => r.meetingNo, width: 16 },
  { header: '会議体', value: (r) => r.kindName, width: 22 },
  { header: '番号', value: (r) => r.seq, width: 6 },
  { header: '宿題', value: (r) => r.title, width: 40 },
  { header: '担当者', value: (r) => r.ownerLabel, width: 18 },
  { header: '期限', value: (r) => r.dueOn, width: 12 },
  { header: '状態', value: (r) => r.stateLabel.ja, width: 10 },
  { header: '期限超過', value: (r) => (r.overdue ? '超過' : ''), width: 8 },
  { header: '完了日時', value: (r) => jstCell(r.doneAt), width: 18 },
  { header: 'ID', value: (r) => r.id, width: 38 },
];
