import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { NotFoundScreen } from '../NotFoundScreen';
import { type SLT, useSLT } from './i18n';
import { actOnMenu, createMenuVersion, editMenu, getMenu, getMenuVersion, type MenuDetail, type MenuItem } from './slApi';

function ItemsTable({ items, t }: { items: readonly MenuItem[]; t: SLT }) {
  return (
    <Table withTableBorder striped fz="sm" data-testid="sl-menu-items">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('sl.menu.code')}</Table.Th>
          <Table.Th>{t('sl.name')}</Table.Th>
          <Table.Th>{t('sl.menu.desc')}</Table.Th>
          <Table.Th>A</Table.Th>
          <Table.Th>B</Table.Th>
          <Table.Th>C</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((i) => (
          <Table.Tr key={i.code}>
            <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>{i.code}</Table.Td>
            <Table.Td fw={600}>{i.name}</Table.Td>
            <Table.Td>{i.description}</Table.Td>
            <Table.Td><Text size="xs">{i.levels.A ?? '—'}</Text></Table.Td>
            <Table.Td><Text size="xs">{i.levels.B ?? '—'}</Text></Table.Td>
            <Table.Td><Text size="xs">{i.levels.C ?? '—'}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** サービスメニュー: the published version (owners read only); the team sees every version and starts a new one. */
export function MenuTab() {
  const t = useSLT();
  const nav = useNavigate();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['servicelevels', 'menu'], queryFn: ({ signal }) => getMenu(signal) });
  const [reason, setReason] = useState('');
  const create = useMutation({ mutationFn: () => createMenuVersion(reason), onSuccess: async (r) => { await qc.invalidateQueries({ queryKey: ['servicelevels'] }); nav(`/servicelevels/menu/${r.id}`); } });
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const m = q.data;
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <Stack gap="md" data-testid="sl-menu">
      {m.current ? (
        <>
          <Group gap="xs">
            <Title order={4}>{t('sl.menu.current')}：{t('sl.menu.version', { n: m.current.versionNo })}</Title>
            <Badge color="green" tt="none">{m.current.stateLabel}</Badge>
          </Group>
          <ItemsTable items={m.current.items} t={t} />
        </>
      ) : (
        <Text c="dimmed">{t('sl.menu.none')}</Text>
      )}
      {m.versions.length > 0 && (
        <Section title={t('sl.menu.versions')}>
          <Table fz="sm">
            <Table.Tbody>
              {m.versions.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td><Anchor component={Link} to={`/servicelevels/menu/${v.id}`} size="sm">{t('sl.menu.version', { n: v.versionNo })}</Anchor></Table.Td>
                  <Table.Td><Badge tt="none" variant="light">{v.stateLabel}</Badge></Table.Td>
                  <Table.Td>{v.reason}</Table.Td>
                  <Table.Td>{v.authorLabel}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      )}
      {m.canEdit && (
        <Group align="flex-end">
          <TextInput label={t('sl.menu.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err?.fields.reason ?? (err && !Object.keys(err.fields).length ? err.message : undefined)} w={360} />
          <Button onClick={() => create.mutate()} loading={create.isPending} data-testid="sl-menu-new">{t('sl.menu.new')}</Button>
        </Group>
      )}
    </Stack>
  );
}

const toLines = (items: readonly MenuItem[]) => items.map((i) => [i.code, i.name, i.description, i.levels.A ?? '', i.levels.B ?? '', i.levels.C ?? ''].join('｜')).join('\n');
const fromLines = (text: string): MenuItem[] =>
  text
    .split('\n')
    .map((l) => l.split(/[｜|]/).map((x) => x.trim()))
    .filter((p) => p[0])
    .map(([code = '', name = '', description = '', A, B, C]) => ({ code, name, description, levels: { ...(A ? { A } : {}), ...(B ? { B } : {}), ...(C ? { C } : {}) } }));

/** One version of the menu on the workbench scaffold; its items are edited while drafted. */
export function MenuPage() {
  const { id = '' } = useParams();
  const t = useSLT();
  const fmt = useDateTime();
  const page = useRecordPage<MenuDetail>({ queryKey: ['servicelevels', 'menu', id], load: (s) => getMenuVersion(id, s), act: (a, b) => actOnMenu(id, a, b), invalidate: [['servicelevels']] });
  const { rec, setAction, flash, setFlash } = page;
  const [text, setText] = useState<string | null>(null);
  const save = useMutation({ mutationFn: (r: MenuDetail) => editMenu(id, { version: r.version, items: fromLines(text ?? '') }), onSuccess: async () => { setText(null); setFlash(t('sl.menu.save')); await page.refresh(); } });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Stack gap="md" data-testid="sl-menu-page" data-state={r.state}>
      <Anchor component={Link} to="/servicelevels?tab=menu" size="sm">{t('sl.menu.back')}</Anchor>
      <Group gap="xs">
        <Title order={2}>{t('sl.tab.menu')} {t('sl.menu.version', { n: r.versionNo })}</Title>
        <Badge tt="none">{r.stateLabel}</Badge>
      </Group>
      <Text size="sm" c="dimmed">{r.reason}（{r.authorLabel}、{fmt(r.createdAt)}）</Text>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={r.process} onPick={setAction} testId="sl-menu-flow" />
      <ItemsTable items={r.items} t={t} />
      {r.state === 'draft' && (
        <Section title={t('sl.menu.edit')}>
          <Stack gap="xs">
            <Textarea value={text ?? toLines(r.items)} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={6} ff="monospace" data-testid="sl-menu-text" />
            {err && <Alert color="red">{err.message}</Alert>}
            <Group justify="flex-end">
              <Button disabled={text === null} loading={save.isPending} onClick={() => save.mutate(r)}>{t('sl.menu.save')}</Button>
            </Group>
          </Stack>
        </Section>
      )}
      <Section title="履歴">
        <ProcessHistory entries={r.process.history} />
      </Section>
      {page.dialog}
    </Stack>
  );
}
