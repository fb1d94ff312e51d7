import { ActionIcon, Alert, Button, Checkbox, Group, SegmentedControl, Stack, Switch, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api';
import { jstLocalToIso } from '../../workbench';
import { createRelease, type PlanBody, type ReleaseDetail, updateRelease, useRT } from './releasesApi';

type Release = ReleaseDetail['release'];
type Timeline = { at: string; task: string }[];
type Staff = { name: string; role: string; nextBusinessDay: boolean }[];
type Risks = { risk: string; mitigation: string }[];

/** An ISO instant as the JST local value of a datetime-local input. */
function toJstLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  return d.toISOString().slice(0, 16);
}

/**
 * リリース計画書 (CHG-2, N §3.4.3.2) as a structured form: date and time, the timeline with its backup
 * time, rollback criteria and decision time, staffing (翌業務日の立ち合い), impact, risks and
 * mitigations, contacts, rollback procedure, work content and business impact. The server's field
 * errors are shown on their fields, in Japanese.
 */
export function ReleasePlanForm({ changeId, release, onSaved, onCancel }: { changeId: string; release?: Release; onSaved: (id: string) => void; onCancel?: () => void }) {
  const t = useRT();
  const [proven, setProven] = useState(release?.proven ?? true);
  const [emergency, setEmergency] = useState(release?.emergency ?? false);
  const [emergencyReason, setEmergencyReason] = useState(release?.emergencyReason ?? '');
  const [start, setStart] = useState(toJstLocal(release?.plannedStart));
  const [end, setEnd] = useState(toJstLocal(release?.plannedEnd));
  const [timeline, setTimeline] = useState<Timeline>(release?.timeline ?? [{ at: '', task: '' }]);
  const [backupTime, setBackupTime] = useState(release?.backupTime ?? '');
  const [rollbackCriteria, setRollbackCriteria] = useState(release?.rollbackCriteria ?? '');
  const [decision, setDecision] = useState(toJstLocal(release?.rollbackDecisionAt));
  const [staffing, setStaffing] = useState<Staff>(release?.staffing ?? [{ name: '', role: '', nextBusinessDay: false }]);
  const [impactScope, setImpactScope] = useState(release?.impactScope ?? '');
  const [risks, setRisks] = useState<Risks>(release?.risks ?? [{ risk: '', mitigation: '' }]);
  const [contacts, setContacts] = useState(release?.contacts ?? '');
  const [rollbackProcedure, setRollbackProcedure] = useState(release?.rollbackProcedure ?? '');
  const [workContent, setWorkContent] = useState(release?.workContent ?? '');
  const [businessImpact, setBusinessImpact] = useState(release?.businessImpact ?? '');
  const [workerLabel, setWorkerLabel] = useState(release?.workerLabel ?? '');
  const [method, setMethod] = useState<'watch' | 'stop'>(release?.suppressionMethod ?? 'watch');

  const save = useMutation({
    mutationFn: async () => {
      const body: PlanBody = {
        proven,
        emergency,
        emergencyReason: emergency ? emergencyReason : undefined,
        plannedStart: jstLocalToIso(start) ?? '',
        plannedEnd: jstLocalToIso(end) ?? '',
        timeline: timeline.filter((r) => r.at || r.task),
        backupTime: backupTime || undefined,
        rollbackCriteria: rollbackCriteria || undefined,
        rollbackDecisionAt: jstLocalToIso(decision),
        staffing: staffing.filter((r) => r.name),
        impactScope: impactScope || undefined,
        risks: risks.filter((r) => r.risk || r.mitigation),
        contacts: contacts || undefined,
        rollbackProcedure: rollbackProcedure || undefined,
        workContent,
        businessImpact,
        workerLabel: workerLabel || undefined,
        suppressionMethod: method,
      };
      return release ? updateRelease(release.id, { ...body, version: release.version }) : createRelease(changeId, body);
    },
    onSuccess: (r) => onSaved(r.id),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const fe = (k: string) => err?.fields[k] ?? Object.entries(err?.fields ?? {}).find(([f]) => f.startsWith(`${k}.`))?.[1];

  return (
    <Stack gap="sm" data-testid="release-plan-form">
      {err && <Alert color="red" data-testid="plan-error">{err.message}</Alert>}
      <SegmentedControl value={proven ? 'p' : 'u'} onChange={(v) => setProven(v === 'p')} data={[{ value: 'p', label: t('rel.proven') }, { value: 'u', label: t('rel.unproven') }]} />
      <Group grow>
        <TextInput type="datetime-local" label={t('rel.plannedStart')} data-testid="plan-plannedStart" value={start} onChange={(e) => setStart(e.currentTarget.value)} error={fe('plannedStart')} required />
        <TextInput type="datetime-local" label={t('rel.plannedEnd')} data-testid="plan-plannedEnd" value={end} onChange={(e) => setEnd(e.currentTarget.value)} error={fe('plannedEnd')} required />
      </Group>
      <Switch label={t('rel.emergency')} data-testid="plan-emergency" checked={emergency} onChange={(e) => setEmergency(e.currentTarget.checked)} />
      {emergency && <Textarea label={t('rel.emergencyReason')} data-testid="plan-emergencyReason" value={emergencyReason} onChange={(e) => setEmergencyReason(e.currentTarget.value)} error={fe('emergencyReason')} />}
      <Textarea label={t('rel.workContent')} data-testid="plan-workContent" value={workContent} onChange={(e) => setWorkContent(e.currentTarget.value)} error={fe('workContent')} required />
      <Textarea label={t('rel.businessImpact')} data-testid="plan-businessImpact" value={businessImpact} onChange={(e) => setBusinessImpact(e.currentTarget.value)} error={fe('businessImpact')} required />
      <TextInput label={t('rel.workerLabel')} data-testid="plan-workerLabel" value={workerLabel} onChange={(e) => setWorkerLabel(e.currentTarget.value)} error={fe('workerLabel')} />
      <Text fw={600} size="sm">{t('rel.timeline')}</Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={120}>{t('rel.at')}</Table.Th>
            <Table.Th>{t('rel.task')}</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {timeline.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td w={120}><TextInput placeholder="20:00" aria-label={t('rel.at')} data-testid={`plan-timeline-at-${i}`} value={r.at} onChange={(e) => { const v = e.currentTarget.value; setTimeline((x) => x.map((y, j) => (j === i ? { ...y, at: v } : y))); }} /></Table.Td>
              <Table.Td><TextInput aria-label={t('rel.task')} data-testid={`plan-timeline-task-${i}`} value={r.task} onChange={(e) => { const v = e.currentTarget.value; setTimeline((x) => x.map((y, j) => (j === i ? { ...y, task: v } : y))); }} /></Table.Td>
              <Table.Td w={40}><ActionIcon variant="subtle" aria-label="×" onClick={() => setTimeline((x) => x.filter((_, j) => j !== i))}>×</ActionIcon></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {fe('timeline') && <Text c="red" size="xs">{fe('timeline')}</Text>}
      <Button variant="subtle" size="xs" onClick={() => setTimeline((x) => [...x, { at: '', task: '' }])} data-testid="plan-timeline-add">{t('rel.addRow')}</Button>
      <TextInput label={t('rel.backupTime')} data-testid="plan-backupTime" value={backupTime} onChange={(e) => setBackupTime(e.currentTarget.value)} error={fe('backupTime')} />
      <Textarea label={t('rel.rollbackCriteria')} data-testid="plan-rollbackCriteria" value={rollbackCriteria} onChange={(e) => setRollbackCriteria(e.currentTarget.value)} error={fe('rollbackCriteria')} />
      <TextInput type="datetime-local" label={t('rel.rollbackDecisionAt')} data-testid="plan-rollbackDecisionAt" value={decision} onChange={(e) => setDecision(e.currentTarget.value)} error={fe('rollbackDecisionAt')} />
      <Textarea label={t('rel.rollbackProcedure')} data-testid="plan-rollbackProcedure" value={rollbackProcedure} onChange={(e) => setRollbackProcedure(e.currentTarget.value)} error={fe('rollbackProcedure')} minRows={3} />
      <Text fw={600} size="sm">{t('rel.staffing')}</Text>
      <Table>
        <Table.Tbody>
          {staffing.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td><TextInput aria-label={t('rel.name')} data-testid={`plan-staff-name-${i}`} placeholder={t('rel.name')} value={r.name} onChange={(e) => { const v = e.currentTarget.value; setStaffing((x) => x.map((y, j) => (j === i ? { ...y, name: v } : y))); }} /></Table.Td>
              <Table.Td><TextInput aria-label={t('rel.role')} data-testid={`plan-staff-role-${i}`} placeholder={t('rel.role')} value={r.role} onChange={(e) => { const v = e.currentTarget.value; setStaffing((x) => x.map((y, j) => (j === i ? { ...y, role: v } : y))); }} /></Table.Td>
              <Table.Td><Checkbox label={t('rel.nextBusinessDay')} data-testid={`plan-staff-next-${i}`} checked={r.nextBusinessDay} onChange={(e) => { const v = e.currentTarget.checked; setStaffing((x) => x.map((y, j) => (j === i ? { ...y, nextBusinessDay: v } : y))); }} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {fe('staffing') && <Text c="red" size="xs">{fe('staffing')}</Text>}
      <Button variant="subtle" size="xs" onClick={() => setStaffing((x) => [...x, { name: '', role: '', nextBusinessDay: false }])} data-testid="plan-staff-add">{t('rel.addRow')}</Button>
      <Textarea label={t('rel.impactScope')} data-testid="plan-impactScope" value={impactScope} onChange={(e) => setImpactScope(e.currentTarget.value)} error={fe('impactScope')} />
      <Text fw={600} size="sm">{t('rel.risks')}</Text>
      <Table>
        <Table.Tbody>
          {risks.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td><TextInput aria-label={t('rel.risk')} data-testid={`plan-risk-${i}`} placeholder={t('rel.risk')} value={r.risk} onChange={(e) => { const v = e.currentTarget.value; setRisks((x) => x.map((y, j) => (j === i ? { ...y, risk: v } : y))); }} /></Table.Td>
              <Table.Td><TextInput aria-label={t('rel.mitigation')} data-testid={`plan-mitigation-${i}`} placeholder={t('rel.mitigation')} value={r.mitigation} onChange={(e) => { const v = e.currentTarget.value; setRisks((x) => x.map((y, j) => (j === i ? { ...y, mitigation: v } : y))); }} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {fe('risks') && <Text c="red" size="xs">{fe('risks')}</Text>}
      <Button variant="subtle" size="xs" onClick={() => setRisks((x) => [...x, { risk: '', mitigation: '' }])} data-testid="plan-risk-add">{t('rel.addRow')}</Button>
      <Textarea label={t('rel.contacts')} data-testid="plan-contacts" value={contacts} onChange={(e) => setContacts(e.currentTarget.value)} error={fe('contacts')} />
      <Text fw={600} size="sm">{t('rel.suppression')}</Text>
      <SegmentedControl value={method} onChange={(v) => setMethod(v as 'watch' | 'stop')} data={[{ value: 'watch', label: t('rel.watch') }, { value: 'stop', label: t('rel.stop') }]} data-testid="plan-suppression" />
      <Group justify="flex-end">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            {t('rel.cancel')}
          </Button>
        )}
        <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="release-plan-save">{t('rel.save')}</Button>
      </Group>
    </Stack>
  );
}
