import { Button, Center, MantineProvider, Stack, Text } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { BrowserRouter } from 'react-router-dom';
import { ApiError } from './api';
import { PageLoader } from './components/PageLoader';
import { I18nProvider, useT } from './i18n';
import { AppLayout } from './layout/AppLayout';
import { LoginScreen } from './screens/LoginScreen';
import { SessionProvider, useSession } from './session';
import { theme } from './theme';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors (401/403/404/400…) will not get better by retrying.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

function BootError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const t = useT();
  return (
    <Center h="100vh" data-testid="boot-error">
      <Stack align="center" gap="sm">
        <Text fw={600}>{t('app.bootError')}</Text>
        <Text size="sm" c="dimmed">
          {error.message}
        </Text>
        <Button onClick={onRetry}>{t('app.retry')}</Button>
      </Stack>
    </Center>
  );
}

function Gate() {
  const { state, reload } = useSession();
  switch (state.status) {
    case 'loading':
      return <PageLoader fullScreen />;
    case 'error':
      return <BootError error={state.error} onRetry={reload} />;
    case 'anonymous':
      return <LoginScreen />;
    case 'authenticated':
      return <AppLayout />;
  }
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  // Server-localised data and messages must be refetched in the new language.
  const onLangChange = useCallback(() => void queryClient.invalidateQueries(), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider onChange={onLangChange}>
        <MantineProvider theme={theme} defaultColorScheme="light">
          <BrowserRouter>
            <SessionProvider>
              <Gate />
            </SessionProvider>
          </BrowserRouter>
        </MantineProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
