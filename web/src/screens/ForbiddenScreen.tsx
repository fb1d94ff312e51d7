import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useT } from '../i18n';

export function ForbiddenScreen() {
  const t = useT();
  return (
    <Stack gap="sm" align="flex-start" data-testid="forbidden">
      <Title order={2}>{t('error.forbiddenTitle')}</Title>
      <Text>{t('error.forbiddenBody')}</Text>
      <Button component={Link} to="/" variant="light">
        {t('error.backHome')}
      </Button>
    </Stack>
  );
}
