import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useT } from '../i18n';

export function NotFoundScreen() {
  const t = useT();
  return (
    <Stack gap="sm" align="flex-start" data-testid="not-found">
      <Title order={2}>{t('error.notFoundTitle')}</Title>
      <Text>{t('error.notFoundBody')}</Text>
      <Button component={Link} to="/" variant="light">
        {t('error.backHome')}
      </Button>
    </Stack>
  );
}
