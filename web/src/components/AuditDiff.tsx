import { Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useT } from '../i18n';
import { diffJson, showValue } from './jsonDiff';

/** Changed keys of an audit entry, old → new. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const t = useT();
  const entries = diffJson(before, after);
  const created = (before === null || before === undefined) && after !== null && after !== undefined;
  const deleted = (after === null || after === undefined) && before !== null && before !== undefined;

  return (
    <Stack gap="xs" data-testid="audit-diff">
      {(created || deleted) && (
        <Group>
          <Badge color={created ? 'green' : 'red'} variant="light" tt="none">
            {created ? t('audit.created') : t('audit.deleted')}
          </Badge>
        </Group>
      )}
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('audit.noChanges')}
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing={4} fz="sm" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="25%">{t('audit.key')}</Table.Th>
              <Table.Th>{t('audit.before')}</Table.Th>
              <Table.Th w={32} aria-hidden />
              <Table.Th>{t('audit.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={e.key} data-testid="audit-diff-row" data-key={e.key}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Code>{e.key || '(value)'}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text size="sm" c={e.kind === 'added' ? 'dimmed' : 'red.8'} ff="monospace" title={showValue(e.before, 100000)}>
                    {showValue(e.before)}
                  </Text>
                </Table.Td>
                <Table.Td ta="center" aria-hidden>
                  →
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text size="sm" c={e.kind === 'removed' ? 'dimmed' : 'green.8'} ff="monospace" title={showValue(e.after, 100000)}>
                    {showValue(e.after)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
