import { Group, LoadingOverlay, Stack, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/** Common frame of a list screen: title, toolbar, error, table with overlay, footer. */
export function ListPage({
  title,
  testId,
  toolbar,
  error,
  loading,
  minWidth = 760,
  table,
  footer,
}: {
  title: string;
  testId: string;
  toolbar?: ReactNode;
  error?: unknown;
  loading?: boolean;
  minWidth?: number;
  table: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Stack gap="md" data-testid={testId}>
      <Title order={2}>{title}</Title>
      {toolbar && <Group gap="sm">{toolbar}</Group>}
      <ErrorAlert error={error} />
      <div style={{ position: 'relative' }}>
        <LoadingOverlay visible={!!loading} zIndex={10} overlayProps={{ blur: 1 }} />
        <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer>
      </div>
      {footer}
    </Stack>
  );
}
