import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime } from '../../i18n';
import { getMonthlyChanges } from './documentsApi';
import { useDT } from './i18n';

/** This month in JST as YYYY-MM. */
function thisMonth(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7);
}

/** The ledger's link to the month's register changes. */
export function MonthlyChangesLink() {
  const t = useDT();
  return (
    <Button component={Link} to="/documents/changes" variant="default" size="sm" data-testid="document-monthly-link">
      {t('doc.monthly')}
    </Button>
  );
}

/**
 * ドキュメント一覧の変更 of one month (N §3.6.3.2: reported to the supervisor at the monthly meeting):
 * the revisions stored in it with reason, author and approver.
 */
export function MonthlyChanges() {
  const t = useDT();
  const fmt = useDateTime();
  const [sp, setSp] = useSearchParams();
  const month = sp.get('month') ?? thisMonth();
  const q = useQuery({ queryKey: ['documents', 'monthly', month], queryFn: ({ signal }) => getMonthlyChanges(month, signal), enabled: /^\d{4}-\d{2}$/.test(month) });
  return (
    <Stack gap="md" data-testid="document-monthly">
      <Anchor component={Link} to="/documents" size="sm">
        ← {t('doc.back')}
      </Anchor>
      <Title order={2}>{t('doc.monthly')}</Title>
      <Group>
        <TextInput type="month" label={t('doc.monthly.month')} value={month} onChange={(e) => setSp({ month: e.currentTarget.value }, { replace: true })} data-testid="monthly-month" />
      </Group>
      <ErrorAlert error={q.error} />
      {q.data && q.data.items.length === 0 ? (
        <Text c="dimmed" data-testid="monthly-none">
          {t('doc.monthly.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table fz="sm" striped withRowBorders>
            <Table.Thead>
              <Table.Tr>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('doc.docNo')}</Table.Th>
                <Table.Th>{t('doc.name')}</Table.Th>
                <Table.Th>{t('doc.revision')}</Table.Th>
                <Table.Th>{t('doc.revisedAt')}</Table.Th>
                <Table.Th>{t('doc.reason')}</Table.Th>
                <Table.Th>{t('doc.revisedBy')}</Table.Th>
                <Table.Th>{t('doc.approvedBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((i) => (
                <Table.Tr key={i.revisionId} data-testid="monthly-row">
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {i.docNo}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/documents/${i.documentId}`} size="sm">
                      {i.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} to={`/documents/revisions/${i.revisionId}`} size="sm">
                      {t('doc.revNo', { n: i.revisionNo })}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{fmt(i.publishedAt)}</Table.Td>
                  <Table.Td>{i.reason}</Table.Td>
                  <Table.Td>{i.authorLabel}</Table.Td>
                  <Table.Td>{i.approvedByLabel ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
