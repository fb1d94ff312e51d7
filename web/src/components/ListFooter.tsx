import { Group, Pagination, Text } from '@mantine/core';
import { useT } from '../i18n';

export function ListFooter({
  total,
  page,
  pageSize,
  onPage,
  exact = true,
  hasNext = false,
  shown,
}: {
  total: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  /** False when the server stopped counting at `total` (more rows match): 「{total} 件以上」. */
  exact?: boolean;
  /** The server says a page follows this one (keyset paging past the counted pages). */
  hasNext?: boolean;
  /** Rows on this page (the range's end when the total is not exact). */
  shown?: number;
}) {
  const t = useT();
  const counted = Math.max(1, Math.ceil(total / pageSize));
  const pages = exact ? counted : Math.max(counted, page + (hasNext ? 1 : 0));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = exact ? Math.min(total, page * pageSize) : (page - 1) * pageSize + (shown ?? pageSize);
  return (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <Text size="sm" c="dimmed" data-testid="list-total">
        {total === 0 ? t('list.total', { total }) : t(exact ? 'list.range' : 'list.rangeMore', { from, to, total })}
      </Text>
      {pages > 1 && <Pagination total={pages} value={Math.min(page, pages)} onChange={onPage} size="sm" data-testid="pagination" />}
    </Group>
  );
}
