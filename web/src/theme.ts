import { createTheme } from '@mantine/core';

const fontFamily =
  'system-ui, -apple-system, "Segoe UI", "Hiragino Kaku Gothic ProN", "Hiragino Sans", "BIZ UDPGothic", Meiryo, "Noto Sans JP", sans-serif';

export const theme = createTheme({
  primaryColor: 'indigo',
  fontFamily,
  headings: { fontFamily },
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "BIZ UDGothic", monospace',
  defaultRadius: 'sm',
});
