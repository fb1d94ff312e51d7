import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

export const PAGE_SIZE = 50;

export interface ListParamsState {
  q: string;
  /** `field` ascending, `-field` descending, '' = server default. */
  sort: string;
  /** 1-based */
  page: number;
  setQ: (q: string) => void;
  setSort: (sort: string) => void;
  setPage: (page: number) => void;
  /** Read / write any other search param (e.g. departmentId). */
  extra: (name: string) => string | null;
  setExtra: (name: string, value: string | null) => void;
}

/** List state (filter, sort, page) kept in the URL so that back/forward and links work. */
export function useListParams(): ListParamsState {
  const [sp, setSp] = useSearchParams();

  const update = useCallback(
    (patch: Record<string, string | null>, replace = false) => {
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace },
      );
    },
    [setSp],
  );

  const pageNum = Number.parseInt(sp.get('page') ?? '1', 10);
  return {
    q: sp.get('q') ?? '',
    sort: sp.get('sort') ?? '',
    page: Number.isFinite(pageNum) && pageNum > 0 ? pageNum : 1,
    setQ: useCallback((q: string) => update({ q, page: null }, true), [update]),
    setSort: useCallback((sort: string) => update({ sort, page: null }), [update]),
    setPage: useCallback((page: number) => update({ page: page > 1 ? String(page) : null }), [update]),
    extra: (name) => sp.get(name),
    setExtra: useCallback((name: string, value: string | null) => update({ [name]: value, page: null }), [update]),
  };
}
