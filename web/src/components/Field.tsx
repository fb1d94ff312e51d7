import { Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A label/value pair of a record page (incident, problem, alert, suppression, item); — when empty. */
export function Field({ label, children, testId, wide }: { label: string; children: ReactNode; testId?: string; wide?: boolean }) {
  return (
    <Stack gap={0} data-testid={testId} style={wide ? { gridColumn: '1 / -1' } : undefined}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {children ?? '—'}
      </Text>
    </Stack>
  );
}
