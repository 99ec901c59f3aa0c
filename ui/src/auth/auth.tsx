import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from '../api/client';
import type { Me } from '../api/types';

export interface AuthState {
  me: Me | null;
  loading: boolean;
  setupNeeded: boolean;
  login: (email: string, password: string) => Promise<void>;
  setup: (b: SetupArgs) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
}

export interface SetupArgs { token: string; email: string; name: string; password: string; workspace: string; language: string }

const Ctx = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export function isAdmin(me: Me | null): boolean {
  return (me?.role ?? me?.user.role) === 'admin';
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [setupNeeded, setSetupNeeded] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const m = await api.me();
      setMe(m && 'user' in m ? m : ({ user: m as unknown as Me['user'] }));
    } catch {
      setMe(null);
      try {
        const s = await api.setupStatus();
        setSetupNeeded(!!s?.needed);
      } catch {
        setSetupNeeded(false);
      }
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => { setMe(null); });
    void refresh().finally(() => setLoading(false));
    return () => setUnauthorizedHandler(null);
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) => {
    // The server sets the session cookie; the token in the answer is for API clients.
    await api.login({ email, password });
    await refresh();
  }, [refresh]);

  const setup = useCallback(async (b: SetupArgs) => {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
    // Setup signs the new admin in with the session cookie, like a login.
    await api.setup({ token: b.token, email: b.email, name: b.name, password: b.password, workspace: { name: b.workspace, timeZone, language: b.language } });
    setSetupNeeded(false);
    await refresh();
  }, [refresh]);

  const logout = useCallback(async () => {
    try { await api.logout(); } catch { /* the server clears the cookies; a failed call still leaves the page signed out */ }
    setMe(null);
  }, []);

  const v = useMemo(() => ({ me, loading, setupNeeded, login, setup, logout, refresh }), [me, loading, setupNeeded, login, setup, logout, refresh]);
  return <Ctx.Provider value={v}>{children}</Ctx.Provider>;
}
