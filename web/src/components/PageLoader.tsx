import { Center, Loader } from '@mantine/core';
import { useT } from '../i18n';

export function PageLoader({ fullScreen = false }: { fullScreen?: boolean }) {
  const t = useT();
  return (
    <Center h={fullScreen ? '100vh' : 200} data-testid="page-loader">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}
