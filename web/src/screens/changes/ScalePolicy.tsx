import { Badge, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ScalePolicy as ServerScalePolicy } from '../../../../src/changes/scale-policy.ts';
import { api } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLang } from '../../i18n';
import { Section, type Wire } from '../../workbench';

type Policy = Wire<ServerScalePolicy>;
type Way = Policy['rows'][number]['scaleUp'];

const WORDS = {
  ja: { title: 'ESXi サーバの拡張方針（スケールアップ・スケールアウト）', target: '対象', up: 'スケールアップ', out: 'スケールアウト', manual: '手順書' },
  en: { title: 'ESXi scale-up / scale-out policy', target: 'Target', up: 'Scale up', out: 'Scale out', manual: 'Procedure' },
} as const;

function WayCell({ way }: { way: Way }) {
  return (
    <Table.Td>
      <Badge color={way.allowed ? 'teal' : 'gray'} variant="light" tt="none" mr={6}>
        {way.allowed ? '○' : '×'}
      </Badge>
      <Text span size="sm">
        {way.method}
        {way.notes.join('')}
      </Text>
    </Table.Td>
  );
}

/**
 * CHG-8: N §3.4.3.3's 拡張方針と拡張方法（案）, shown on a change that targets an ESXi host (the change
 * page decides when). Reference data from GET /api/changes/scale-policy; the table reads as N's.
 */
export function ScalePolicy() {
  const { lang } = useLang();
  const w = WORDS[lang];
  const q = useQuery({ queryKey: ['changes', 'scale-policy'], queryFn: () => api.get<Policy>('/api/changes/scale-policy'), staleTime: Number.POSITIVE_INFINITY });
  if (q.error) return <ErrorAlert error={q.error} />;
  const p = q.data;
  if (!p) return null;
  return (
    <Section title={w.title} testId="scale-policy">
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          {p.title}
        </Text>
        <Table withTableBorder withColumnBorders>
          <Table.Thead>
            <Table.Tr>
              <Table.Th colSpan={2}>{w.target}</Table.Th>
              <Table.Th>{w.up}</Table.Th>
              <Table.Th>{w.out}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.rows.map((r, i) => {
              const grouped = r.group !== r.target;
              const first = grouped && p.rows.findIndex((x) => x.group === r.group) === i;
              const span = p.rows.filter((x) => x.group === r.group).length;
              return (
                <Table.Tr key={r.key} data-testid="scale-policy-row">
                  {grouped ? first && <Table.Td rowSpan={span}>{r.group}</Table.Td> : null}
                  <Table.Td colSpan={grouped ? 1 : 2}>{r.target}</Table.Td>
                  <WayCell way={r.scaleUp} />
                  <WayCell way={r.scaleOut} />
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {Object.entries(p.notes).map(([mark, note]) => (
          <Text key={mark} size="xs">
            {mark} {note}
          </Text>
        ))}
        <Text size="xs" c="dimmed">
          {p.remark}（{w.manual}：{p.procedure}）
        </Text>
      </Stack>
    </Section>
  );
}
