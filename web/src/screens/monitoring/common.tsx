import { Badge, Group, type MantineColor, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router-dom';
import { useLang } from '../../i18n';
import { type MT, mLabel, useMT } from './i18n';
import type { BoardCounts, BoardItem, BoardState } from './monitoringApi';
export { Field } from '../../components/Field';

export const STATE_COLORS: Record<BoardState, MantineColor> = {
  critical: 'red',
  warning: 'orange',
  suspect: 'yellow',
  ok: 'green',
  unchecked: 'gray',
};
export const SUPPRESSED_COLOR: MantineColor = 'violet';

/** The order states are counted and shown in: worst first. */
export const STATE_ORDER: readonly BoardState[] = ['critical', 'warning', 'suspect', 'ok', 'unchecked'];

export const stateLabel = (t: MT, s: string) => mLabel(t, `mon.state.${s}`, s);
export const typeLabel = (t: MT, s: string) => mLabel(t, `mon.type.${s}`, s);
export const ciLabel = (t: MT, s: string) => mLabel(t, `mon.ci.${s}`, s);

/** The worst state with a non-zero count, for a group's colour. */
export function worstOf(c: BoardCounts): BoardState {
  for (const s of STATE_ORDER) if (c[s] > 0 && s !== 'ok' && s !== 'unchecked') return s;
  return c.ok > 0 ? 'ok' : 'unchecked';
}

export function ItemStateBadge({ state, size = 'sm' }: { state: string; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const t = useMT();
  const color = STATE_COLORS[state as BoardState] ?? 'gray';
  const filled = state === 'critical' || state === 'warning';
  return (
    <Badge color={color} variant={filled ? 'filled' : 'light'} tt="none" size={size} data-testid="item-state" data-state={state} style={{ flexShrink: 0 }}>
      {stateLabel(t, state)}
    </Badge>
  );
}

export function SuppressedBadge({ show }: { show: boolean }) {
  const t = useMT();
  if (!show) return null;
  return (
    <Badge color={SUPPRESSED_COLOR} variant="light" tt="none" size="sm" data-testid="suppressed-badge">
      {t('mon.suppressed')}
    </Badge>
  );
}

export function SeverityBadge({ severity, size = 'sm' }: { severity: string | null; size?: 'sm' | 'md' | 'lg' }) {
  const t = useMT();
  if (!severity) return <Text span c="dimmed">—</Text>;
  return (
    <Badge color={severity === 'critical' ? 'red' : 'orange'} variant="filled" tt="none" size={size} data-testid="severity-badge" data-severity={severity}>
      {mLabel(t, `mon.sev.${severity}`, severity)}
    </Badge>
  );
}

/** Compact non-zero counts of a group (worst first); "all OK" when nothing is wrong. */
export function MiniCounts({ counts }: { counts: BoardCounts }) {
  const t = useMT();
  const bad = (['critical', 'warning', 'suspect', 'unchecked'] as const).filter((s) => counts[s] > 0);
  return (
    <Group gap={4} wrap="wrap">
      {bad.map((s) => (
        <Tooltip key={s} label={stateLabel(t, s)} withArrow>
          <Badge color={STATE_COLORS[s]} variant={s === 'critical' || s === 'warning' ? 'filled' : 'light'} size="sm" tt="none" data-testid={`count-${s}`}>
            {stateLabel(t, s)} {counts[s]}
          </Badge>
        </Tooltip>
      ))}
      {counts.suppressed > 0 && (
        <Badge color={SUPPRESSED_COLOR} variant="light" size="sm" tt="none" data-testid="count-suppressed">
          {t('mon.suppressed')} {counts.suppressed}
        </Badge>
      )}
      {bad.length === 0 && (
        <Badge color="green" variant="light" size="sm" tt="none">
          {t('mon.groups.allOk')}
        </Badge>
      )}
    </Group>
  );
}

/**
 * The value to show for an item: a resource item's judgement ("88.2 > 85", or the used % it was
 * judged on — memory is read as available % and judged as used %), else the raw value with its detail.
 */
export function shownValue(i: Pick<BoardItem, 'type' | 'lastValue' | 'lastDetail'>): { main: string; sub: string | null } {
  if (i.type === 'resource' && i.lastDetail) return { main: /^-?\d+(\.\d+)?$/.test(i.lastDetail) ? `${i.lastDetail}%` : i.lastDetail, sub: null };
  const main = i.lastValue ?? '—';
  const sub = i.lastDetail && i.lastDetail !== i.lastValue && i.lastDetail !== 'ok' ? i.lastDetail : null;
  return { main, sub };
}

export function ValueCell({ item }: { item: Pick<BoardItem, 'type' | 'lastValue' | 'lastDetail'> }) {
  const v = shownValue(item);
  return (
    <Stack gap={0}>
      <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
        {v.main}
      </Text>
      {v.sub && (
        <Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: 'break-word' }}>
          {v.sub}
        </Text>
      )}
    </Stack>
  );
}

/** Target name with its kind, and the item with its key. */
export function TargetCell({ target, ciType }: { target: string; ciType: string }) {
  const t = useMT();
  return (
    <Stack gap={0}>
      <Text size="sm" fw={600} style={{ wordBreak: 'break-all' }}>
        {target}
      </Text>
      <Text size="xs" c="dimmed">
        {ciLabel(t, ciType)}
      </Text>
    </Stack>
  );
}

export function ItemCell({ name, itemKey, type }: { name: string; itemKey: string; type: string }) {
  const t = useMT();
  return (
    <Stack gap={0}>
      <Text size="sm">
        {name}
        {typeLabel(t, type) !== name && (
          <Text span size="xs" c="dimmed">
            {' '}
            · {typeLabel(t, type)}
          </Text>
        )}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {itemKey}
      </Text>
    </Stack>
  );
}


const TABS = [
  { value: 'board', path: '/monitoring', label: 'mon.tab.board' },
  { value: 'alerts', path: '/monitoring/alerts', label: 'mon.tab.alerts' },
  { value: 'suppressions', path: '/monitoring/suppressions', label: 'mon.tab.suppressions' },
  { value: 'settings', path: '/monitoring/settings', label: 'mon.tab.settings' },
] as const;

/** 状況 | 監視対応台帳 | 一時抑止 | 監視設定一覧 — the item pages belong to 状況. */
export function MonitoringTabs() {
  const t = useMT();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const seg = pathname.split('/')[2] ?? '';
  const current = TABS.some((x) => x.value === seg) ? seg : 'board';
  return (
    <Tabs value={current} onChange={(v) => v && navigate(TABS.find((x) => x.value === v)!.path)} data-testid="monitoring-tabs">
      <Tabs.List>
        {TABS.map((x) => (
          <Tabs.Tab key={x.value} value={x.value} data-testid={`mon-tab-${x.value}`}>
            {t(x.label)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}

/** Bilingual server label in the UI language. */
export function useBi() {
  const { lang } = useLang();
  return (b: { ja: string; en: string } | null | undefined) => (b ? (lang === 'en' ? b.en : b.ja) : '—');
}

/** Server messages name instants in ISO (e.g. a deadline): show them as JST date-times. */
export function prettyMessage(message: string, fmt: (iso: string) => string): string {
  return message.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g, (iso) => fmt(iso));
}

/** "11/28 00:48" in JST: compact times for dense lists. */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
