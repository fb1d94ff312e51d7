import { Alert, Box, Button, Center, Code, Group, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, getSetupStatus } from '../api';
import { useT } from '../i18n';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { useSession } from '../session';

const SETUP_COMMAND = 'npx kiban user add --admin --login <id> --name <名前>';

function SetupNotice() {
  const t = useT();
  return (
    <Alert color="yellow" variant="light" title={t('login.setupTitle')} data-testid="setup-needed">
      <Stack gap="xs">
        <Text size="sm">{t('login.setupBody')}</Text>
        <Code block data-testid="setup-command">
          {SETUP_COMMAND}
        </Code>
        <Text size="sm">{t('login.setupAfter')}</Text>
        <Group>
          <Button size="xs" variant="light" onClick={() => window.location.reload()}>
            {t('login.setupReload')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function LoginForm() {
  const t = useT();
  const { login } = useSession();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState<{ login?: boolean; password?: boolean }>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const m = { login: !loginId.trim(), password: !password };
    setMissing(m);
    if (m.login || m.password) return;
    setSubmitting(true);
    setError(null);
    try {
      await login(loginId.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err)));
      setPassword('');
      setSubmitting(false);
    }
  }

  const fieldError = (name: 'login' | 'password') =>
    error?.field(name) ?? (missing[name] ? t('validation.required') : undefined);

  return (
    <form onSubmit={onSubmit} noValidate data-testid="login-form">
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light" title={t('login.failed')} data-testid="login-error">
            {error.message}
          </Alert>
        )}
        <TextInput
          name="login"
          label={t('login.login')}
          autoComplete="username"
          autoFocus
          withAsterisk
          value={loginId}
          onChange={(e) => setLoginId(e.currentTarget.value)}
          error={fieldError('login')}
          data-testid="login-id"
        />
        <PasswordInput
          name="password"
          label={t('login.password')}
          autoComplete="current-password"
          withAsterisk
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError('password')}
          data-testid="login-password"
        />
        <Button type="submit" loading={submitting} fullWidth data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Stack>
    </form>
  );
}

export function LoginScreen() {
  const t = useT();
  const setup = useQuery({ queryKey: ['setup-status'], queryFn: getSetupStatus, retry: 1, staleTime: 0 });

  return (
    <Box mih="100vh" bg="gray.0" p="md" data-testid="login-page">
      <Group justify="flex-end">
        <LanguageSwitch />
      </Group>
      <Center mih="calc(100vh - 80px)">
        <Paper withBorder shadow="sm" radius="md" p="xl" w={460} maw="100%">
          <Stack gap="lg">
            <Title order={1} size="h3" ta="center" data-testid="app-title">
              {t('app.title')}
            </Title>
            {setup.isPending ? (
              <Center>
                <Loader size="sm" aria-label={t('app.loading')} />
              </Center>
            ) : setup.data?.needsAdmin ? (
              <SetupNotice />
            ) : (
              <>
                <Title order={2} size="h4">
                  {t('login.heading')}
                </Title>
                <LoginForm />
              </>
            )}
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
