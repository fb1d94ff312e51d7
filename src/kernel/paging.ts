import { z } from 'zod';

/** The query every ledger list accepts (X-3: filter, sort and page on the server). */
export function listQuery<S extends readonly [string, ...string[]]>(sortable: S) {
  const sortValues = sortable.flatMap((s) => [s, `-${s}`]) as [string, ...string[]];
  return z
    .object({
      q: z.string().trim().max(200).optional(),
      sort: z.enum(sortValues).optional(),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(500).default(50),
    })
    .strict();
}

export type ListQuery = { q?: string; sort?: string; page: number; pageSize: number };
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

export function parseSort(sort: string | undefined, fallback: string): { field: string; desc: boolean } {
  const s = sort ?? fallback;
  return s.startsWith('-') ? { field: s.slice(1), desc: true } : { field: s, desc: false };
}

/** Escapes LIKE wildcards so a user's % or _ is matched literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
