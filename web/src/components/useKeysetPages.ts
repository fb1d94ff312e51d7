import { useRef } from 'react';

/**
 * Keyset paging for a ledger whose server answers `next` (a cursor): the cursor of each page learnt
 * from the page before, so that walking on — page 2, 3 … 200 — asks for "the rows after this one"
 * (as cheap deep as on top) while a page number jumped to without a known cursor falls back to OFFSET.
 * Cursors are forgotten when the filter or sort (`key`) changes.
 */
export function useKeysetPages(key: string) {
  const state = useRef<{ key: string; cursors: Map<number, string> }>({ key, cursors: new Map() });
  if (state.current.key !== key) state.current = { key, cursors: new Map() };
  const { cursors } = state.current;
  return {
    /** The cursor to ask page `page` with, if known. */
    after: (page: number): string | undefined => (page > 1 ? cursors.get(page) : undefined),
    /** Remember the cursor a page's answer gave for the page after it. */
    learn: (page: number, next: string | null | undefined) => {
      if (next) cursors.set(page + 1, next);
    },
  };
}
