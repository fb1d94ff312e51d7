import { Alert, Anchor, Badge, Button, Card, Checkbox, CloseButton, Grid, Group, Radio, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, listDepartments } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime } from '../../i18n';
import { PriorityBadge, Section } from './common';
import { type IKey, labelOf, useIT } from './i18n';
import { classLabel } from './IncidentLedger';
import {
  type CiHit,
  INCIDENT_CLASSES,
  INCIDENT_SOURCES,
  type IncidentClass,
  isoToJstLocal,
  jstLocalToIso,
  registerIncident,
  searchCis,
  similarIncidents,
  type Urgency,
} from './incidentsApi';

const URGENCY_KEYS = ['citizenServiceStopped', 'citizenImpact', 'financialOrReputation', 'wideImpact'] as const;

/** Search the CMDB (server-side) and pick items; the chosen ones are shown as removable chips. */
function CiPicker({ kind, picked, onChange, error }: { kind: 'hosts' | 'vms'; picked: CiHit[]; onChange: (v: CiHit[]) => void; error?: string }) {
  const t = useIT();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 250);
  const hits = useQuery({ queryKey: ['incidents', 'ci-search', kind, q], queryFn: ({ signal }) => searchCis(kind, q, signal), enabled: q.length > 0 });
  const label = kind === 'hosts' ? t('inc.form.hosts') : t('inc.form.vms');
  return (
    <Stack gap={4} data-testid={`pick-${kind}`}>
      <TextInput
        label={label}
        placeholder={kind === 'hosts' ? t('inc.form.searchHost') : t('inc.form.searchVm')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        error={error}
        data-testid={`search-${kind}`}
        type="search"
      />
      {q && hits.data && (
        <Stack gap={2} data-testid={`hits-${kind}`}>
          {hits.data.items.length === 0 && (
            <Text size="xs" c="dimmed">
              {t('inc.form.noHits')}
            </Text>
          )}
          {hits.data.items
            .filter((h) => !picked.some((p) => p.id === h.id))
            .map((h) => (
              <Group key={h.id} gap={6} wrap="nowrap">
                <Button size="compact-xs" variant="light" onClick={() => onChange([...picked, h])} data-testid={`add-${kind}`} data-name={h.name}>
                  {t('inc.form.add')}
                </Button>
                <Text size="sm" ff="monospace">
                  {h.name}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {[h.systemName, h.hostName ?? h.clusterName, h.effectiveServiceLevel ? `SL ${h.effectiveServiceLevel}` : null].filter(Boolean).join(' · ')}
                </Text>
              </Group>
            ))}
        </Stack>
      )}
      {picked.length > 0 && (
        <Group gap={6} wrap="wrap" data-testid={`picked-${kind}`}>
          {picked.map((p) => (
            <Badge
              key={p.id}
              variant="light"
              size="lg"
              tt="none"
              rightSection={<CloseButton size="xs" aria-label={t('inc.form.remove', { name: p.name })} onClick={() => onChange(picked.filter((x) => x.id !== p.id))} />}
            >
              {p.name}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}

/** INC-4: past QAs like the one being typed, found by the server's bigram search (debounced). */
function SimilarPanel({ text }: { text: string }) {
  const t = useIT();
  const fmt = useDateTime();
  const [q] = useDebouncedValue(text.trim(), 400);
  const similar = useQuery({ queryKey: ['incidents', 'similar', q], queryFn: ({ signal }) => similarIncidents(q.slice(0, 2000), signal), enabled: q.length >= 2 });
  return (
    <Section title={t('inc.form.similar')} testId="similar-panel">
      {!q || q.length < 2 ? (
        <Text size="sm" c="dimmed">
          {t('inc.form.similarHint')}
        </Text>
      ) : similar.data && similar.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('inc.form.similarNone')}
        </Text>
      ) : (
        <Stack gap="xs">
          {similar.data?.items.map((s) => (
            <Stack key={s.id} gap={0} data-testid="similar-row">
              <Group gap={6}>
                <Anchor component={Link} to={`/incidents/${s.id}`} target="_blank" ff="monospace" size="sm">
                  {s.receiptNo}
                </Anchor>
                <Text size="sm" fw={600}>
                  {s.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {fmt(s.registeredAt)}
                </Text>
              </Group>
              {s.resolution && (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {s.resolution}
                </Text>
              )}
            </Stack>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function IncidentIntake() {
  const t = useIT();
  const navigate = useNavigate();
  const [cls, setCls] = useState<IncidentClass>('trouble');
  const [v, setV] = useState({ title: '', description: '', source: 'monitoring', requesterName: '', departmentId: null as string | null, dueAt: '', detectedAt: isoToJstLocal(new Date()), symptom: '', businessImpact: '' });
  const [urgency, setUrgency] = useState<Urgency>({ citizenServiceStopped: false, citizenImpact: false, financialOrReputation: false, wideImpact: false });
  const [platformCaused, setPlatformCaused] = useState<string | null>(null);
  const [platformWide, setPlatformWide] = useState(false);
  const [hosts, setHosts] = useState<CiHit[]>([]);
  const [vms, setVms] = useState<CiHit[]>([]);
  const depts = useQuery({ queryKey: ['departments', 'all-for-filter'], queryFn: ({ signal }) => listDepartments({ pageSize: 500, sort: 'code' }, signal), staleTime: 5 * 60_000 });
  const high = URGENCY_KEYS.some((k) => urgency[k]);
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setV((x) => ({ ...x, [k]: value }));
  };

  const m = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { title: v.title.trim(), description: v.description.trim(), source: v.source, class: cls };
      if (v.requesterName.trim()) body.requesterName = v.requesterName.trim();
      if (v.departmentId) body.departmentId = v.departmentId;
      if (cls !== 'trouble' && v.dueAt) body.dueAt = jstLocalToIso(v.dueAt);
      if (cls === 'trouble') {
        body.urgency = urgency;
        if (platformCaused !== null) body.platformCaused = platformCaused === 'yes';
        body.affected = { platform: platformWide, hostIds: hosts.map((h) => h.id), vmIds: vms.map((x) => x.id) };
        if (v.detectedAt) body.detectedAt = jstLocalToIso(v.detectedAt);
        if (v.symptom.trim()) body.symptom = v.symptom.trim();
        if (v.businessImpact.trim()) body.businessImpact = v.businessImpact.trim();
      }
      return registerIncident(body);
    },
    onSuccess: (row) => navigate(`/incidents/${row.id}`, { state: { flash: row.receiptNo } }),
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const fe = (name: string) => err?.fields[name];
  const affectedError = fe('affected') ?? fe('affected.hostIds') ?? fe('affected.vmIds');

  const form = (
    <form noValidate
      data-testid="incident-form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="md">
        <ErrorAlert error={m.error} testId="form-error" />
        <Card withBorder padding="md">
          <Stack gap="sm">
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('inc.class')}
              </Text>
              <SegmentedControl
                value={cls}
                onChange={(x) => setCls(x as IncidentClass)}
                data={INCIDENT_CLASSES.map((c) => ({ value: c, label: classLabel(t, c) }))}
                data-testid="field-class"
                fullWidth
                maw={420}
              />
            </Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select
                label={t('inc.source')}
                required
                data={INCIDENT_SOURCES.map((s) => ({ value: s, label: t(`inc.src.${s}` as IKey) }))}
                value={v.source}
                onChange={(x) => x && setV((y) => ({ ...y, source: x }))}
                error={fe('source')}
                data-testid="field-source"
                comboboxProps={{ withinPortal: true }}
              />
              <TextInput label={t('inc.requesterName')} value={v.requesterName} onChange={set('requesterName')} error={fe('requesterName')} data-testid="field-requesterName" />
              <Select
                label={t('inc.department')}
                clearable
                searchable
                data={(depts.data?.items ?? []).filter((d) => d.kind === 'prefecture').map((d) => ({ value: d.id, label: d.name }))}
                value={v.departmentId}
                onChange={(x) => setV((y) => ({ ...y, departmentId: x }))}
                error={fe('departmentId')}
                data-testid="field-departmentId"
                comboboxProps={{ withinPortal: true }}
              />
              {cls !== 'trouble' ? (
                <TextInput type="datetime-local" label={t('inc.dueAt')} value={v.dueAt} onChange={set('dueAt')} error={fe('dueAt')} data-testid="field-dueAt" />
              ) : (
                <TextInput type="datetime-local" label={t('inc.detectedAt')} value={v.detectedAt} onChange={set('detectedAt')} error={fe('detectedAt')} data-testid="field-detectedAt" />
              )}
            </SimpleGrid>
            <TextInput label={t('inc.titleField')} required value={v.title} onChange={set('title')} error={fe('title')} data-testid="field-title" />
            <Textarea label={t('inc.description')} required autosize minRows={3} value={v.description} onChange={set('description')} error={fe('description')} data-testid="field-description" />
          </Stack>
        </Card>
        {cls === 'trouble' && (
          <Section title={t('inc.form.troubleSection')} testId="trouble-section">
            <Stack gap="md">
              <Stack gap={6} data-testid="field-urgency">
                <Group gap="sm">
                  <Text size="sm" fw={500}>
                    {t('inc.form.urgency')}
                  </Text>
                  <Group gap={4} data-testid="computed-priority">
                    <Text size="sm">{t('inc.form.priorityIs', { p: '' })}</Text>
                    <PriorityBadge priority={high ? 'high' : 'low'} />
                  </Group>
                </Group>
                {URGENCY_KEYS.map((k) => (
                  <Checkbox key={k} label={t(`inc.urg.${k}`)} checked={urgency[k]} onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setUrgency((u) => ({ ...u, [k]: on }));
                  }} data-testid={`urgency-${k}`} />
                ))}
                {fe('urgency') && (
                  <Text size="xs" c="red">
                    {fe('urgency')}
                  </Text>
                )}
              </Stack>
              <Radio.Group label={t('inc.form.platformCaused')} withAsterisk value={platformCaused} onChange={setPlatformCaused} error={fe('platformCaused')} data-testid="field-platformCaused">
                <Group gap="lg" mt={4}>
                  <Radio value="yes" label={t('inc.form.platformYes')} data-testid="platformCaused-yes" />
                  <Radio value="no" label={t('inc.form.platformNo')} data-testid="platformCaused-no" />
                </Group>
              </Radio.Group>
              <Stack gap="xs" data-testid="field-affected">
                <Text size="sm" fw={500}>
                  {t('inc.form.affected')}{' '}
                  <Text span c="red">
                    *
                  </Text>
                </Text>
                <Checkbox label={t('inc.form.platformWide')} checked={platformWide} onChange={(e) => setPlatformWide(e.currentTarget.checked)} data-testid="affected-platform" />
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                  <CiPicker kind="hosts" picked={hosts} onChange={setHosts} error={fe('affected.hostIds')} />
                  <CiPicker kind="vms" picked={vms} onChange={setVms} error={fe('affected.vmIds')} />
                </SimpleGrid>
                <Text size="xs" c="dimmed">
                  {t('inc.form.hostNote')}
                </Text>
                {affectedError && (
                  <Text size="xs" c="red" data-testid="affected-error">
                    {affectedError}
                  </Text>
                )}
              </Stack>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Textarea label={t('inc.form.symptom')} autosize minRows={2} value={v.symptom} onChange={set('symptom')} error={fe('symptom')} data-testid="field-symptom" />
                <Textarea label={t('inc.form.businessImpact')} autosize minRows={2} value={v.businessImpact} onChange={set('businessImpact')} error={fe('businessImpact')} data-testid="field-businessImpact" />
              </SimpleGrid>
            </Stack>
          </Section>
        )}
        <Group justify="flex-end">
          <Button variant="default" component={Link} to="/incidents">
            {t('inc.form.cancel')}
          </Button>
          <Button type="submit" loading={m.isPending} data-testid="incident-submit">
            {t('inc.form.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );

  return (
    <Stack gap="md" data-testid="incident-intake">
      <Title order={2}>{t('inc.form.title')}</Title>
      {cls === 'qa' ? (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 8 }}>{form}</Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <SimilarPanel text={`${v.title}\n${v.description}`} />
          </Grid.Col>
        </Grid>
      ) : (
        form
      )}
      {cls === 'trouble' && platformCaused === 'no' && (
        <Alert color="yellow" variant="light">
          {labelOf(t, 'inc.notPlatform', '')}
        </Alert>
      )}
    </Stack>
  );
}
