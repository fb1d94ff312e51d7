import { CloseButton, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useT } from '../i18n';

/** Debounced text filter bound to the list's `q` parameter. */
export function FilterInput({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const t = useT();
  const [text, setText] = useState(value);
  const [debounced] = useDebouncedValue(text, 300);

  // Apply the debounced text.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the debounced text changes
  useEffect(() => {
    if (debounced.trim() !== value) onChange(debounced.trim());
  }, [debounced]);

  // Follow external changes (back/forward navigation).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the URL value changes
  useEffect(() => {
    if (value !== debounced.trim()) setText(value);
  }, [value]);

  return (
    <TextInput
      name="q"
      type="search"
      data-testid="list-filter"
      aria-label={t('list.filter')}
      placeholder={t('list.filterPlaceholder')}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(text.trim());
      }}
      rightSection={
        text ? (
          <CloseButton
            size="sm"
            aria-label={t('list.clearFilter')}
            onClick={() => {
              setText('');
              onChange('');
            }}
          />
        ) : null
      }
      w={{ base: '100%', sm: 320 }}
    />
  );
}
