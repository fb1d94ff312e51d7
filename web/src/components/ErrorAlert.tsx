import { Alert } from '@mantine/core';
import { ApiError } from '../api';

/** Shows an error (usually the server's localised message) in a red Alert. */
export function ErrorAlert({ error, title, testId }: { error: unknown; title?: string; testId?: string }) {
  if (!error) return null;
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" title={title} data-testid={testId ?? 'error-alert'}>
      {message}
    </Alert>
  );
}
