import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  ApiError,
  getSession,
  postLogin,
  postLogout,
  type SessionResponse,
  setCsrfToken,
  setUnauthorizedHandler,
  type User,
} from './api';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'error'; error: ApiError }
  | { status: 'authenticated'; user: User; csrfToken: string };

interface SessionValue {
  state: SessionState;
  /** Throws ApiError on failure (401 wrong credentials, 429 rate-limited, 400 validation). */
  login: (login: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  const accept = useCallback((s: SessionResponse) => {
    setCsrfToken(s.csrfToken);
    setState({ status: 'authenticated', user: s.user, csrfToken: s.csrfToken });
  }, []);

  const drop = useCallback(() => {
    setCsrfToken(null);
    queryClient.clear();
    setState({ status: 'anonymous' });
  }, [queryClient]);

  // `attempt` is a retry trigger (BootError's 再試行 button).
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-runs the session check
  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    getSession().then(
      (s) => {
        if (!cancelled) accept(s);
      },
      (e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 401) {
          setCsrfToken(null);
          setState({ status: 'anonymous' });
        } else {
          setState({ status: 'error', error: e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e)) });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [accept, attempt]);

  useEffect(() => {
    setUnauthorizedHandler(drop);
    return () => setUnauthorizedHandler(null);
  }, [drop]);

  const login = useCallback(
    async (loginId: string, password: string) => {
      const s = await postLogin(loginId, password);
      queryClient.clear();
      accept(s);
    },
    [accept, queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await postLogout();
    } catch {
      // Already logged out / session expired / server unreachable: drop the local session anyway.
    }
    drop();
  }, [drop]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo(() => ({ state, login, logout, reload }), [state, login, logout, reload]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('SessionProvider missing');
  return v;
}

/** The logged-in user. Only call below the authenticated part of the tree. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useUser() outside an authenticated session');
  return state.user;
}

export function hasPermission(user: User, permission: string | undefined): boolean {
  return !permission || user.permissions.includes(permission);
}

/** Distinct role codes of the user, in assignment order. */
export function userRoleCodes(user: User): string[] {
  return [...new Set(user.roles.map((r) => r.role))];
}
