import { Anchor, Badge, Combobox, Group, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useLang, useT } from '../i18n';
import { bi } from './ActionDialog';
import { getInboxCount, searchAll } from './api';
import { INBOX_REFRESH_MS } from './Inbox';

/** The header's count of the person's work (refreshing) — a link to the inbox on the home screen. */
export function InboxCountBadge() {
  const t = useT();
  const count = useQuery({ queryKey: ['workbench', 'count'], queryFn: ({ signal }) => getInboxCount(signal), refetchInterval: INBOX_REFRESH_MS });
  const n = count.data?.total ?? 0;
  const a = count.data?.approvals ?? 0;
  return (
    <Anchor component={Link} to="/" underline="never" aria-label={t('wb.inbox.countLabel', { n, a })} data-testid="header-inbox">
      <Badge color={a > 0 ? 'green' : n > 0 ? 'blue' : 'gray'} variant={n > 0 ? 'filled' : 'light'} tt="none" data-testid="header-inbox-count" data-total={n} data-approvals={a}>
        {t('wb.inbox.badge')} {n}
      </Badge>
    </Anchor>
  );
}

/** The one search box: receipt numbers, CI and host names, IPs, title words — within the person's scope. */
export function GlobalSearch() {
  const t = useT();
  const { lang } = useLang();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const res = useQuery({ queryKey: ['workbench', 'search', debounced], queryFn: ({ signal }) => searchAll(debounced, signal), enabled: debounced.length > 0 });
  const groups = res.data?.groups ?? [];
  return (
    <Combobox
      store={combobox}
      withinPortal
      onOptionSubmit={(path) => {
        combobox.closeDropdown();
        setQ('');
        navigate(path);
      }}
    >
      <Combobox.Target>
        <TextInput
          size="xs"
          w={{ base: 160, md: 280 }}
          placeholder={t('wb.search.placeholder')}
          aria-label={t('wb.search.label')}
          value={q}
          maxLength={200}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            combobox.openDropdown();
          }}
          onFocus={() => q && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          data-testid="global-search"
        />
      </Combobox.Target>
      <Combobox.Dropdown miw={420} data-testid="search-results">
        <Combobox.Options mah={420} style={{ overflowY: 'auto' }}>
          {debounced && res.isSuccess && groups.length === 0 && <Combobox.Empty data-testid="search-none">{t('wb.search.none')}</Combobox.Empty>}
          {groups.map((g) => (
            <Combobox.Group key={g.source} label={bi(lang, g.label)}>
              {g.hits.map((h) => (
                <Combobox.Option key={`${g.source}:${h.id}`} value={h.path} data-testid="search-hit" data-source={g.source}>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="xs" variant="outline" tt="none">
                      {bi(lang, h.kind)}
                    </Badge>
                    <Text size="sm" ff="monospace" fw={600} style={{ whiteSpace: 'nowrap' }}>
                      {h.ref}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {h.title}
                    </Text>
                    {h.stateLabel && (
                      <Badge size="xs" variant="light" tt="none" style={{ flexShrink: 0 }}>
                        {bi(lang, h.stateLabel)}
                      </Badge>
                    )}
                  </Group>
                </Combobox.Option>
              ))}
            </Combobox.Group>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
