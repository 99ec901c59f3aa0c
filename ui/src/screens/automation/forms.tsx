import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { FieldDef, WorkspaceRole } from '../../api/types';

/** FormInfo is a form of the workspace an action may target. */
export interface FormInfo { id: string; name: string; app: string; appName: string; published: number }

interface FormsState {
  forms: FormInfo[];
  roles: WorkspaceRole[];
  /** fieldsOf gives a form's published fields, loading them on first ask (undefined meanwhile). */
  fieldsOf: (id: string) => FieldDef[] | undefined;
}

const Ctx = createContext<FormsState>({ forms: [], roles: [], fieldsOf: () => undefined });

/** FormsProvider loads the workspace's forms (for target pickers) and their published fields on demand. */
export function FormsProvider({ children }: { children: ReactNode }) {
  const [forms, setForms] = useState<FormInfo[]>([]);
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [fields, setFields] = useState<Record<string, FieldDef[]>>({});
  const asked = useRef(new Set<string>());
  useEffect(() => {
    let live = true;
    void (async () => {
      const apps = await api.apps().catch(() => []);
      const all = await Promise.all(apps.map((a) => api.forms(a.id).then((fs) => fs.map((f) => ({ id: f.id, name: f.name, app: a.id, appName: a.name, published: f.published })), () => [])));
      if (live) setForms(all.flat());
    })();
    void api.roles().then((r) => { if (live) setRoles(r); }, () => undefined);
    return () => { live = false; };
  }, []);
  const fieldsOf = useCallback((id: string) => {
    if (!id) return undefined;
    if (!asked.current.has(id)) {
      asked.current.add(id);
      void api.versions(id).then((vs) => {
        const latest = vs.reduce<(typeof vs)[number] | null>((a, v) => (!a || v.number > a.number ? v : a), null);
        setFields((m) => ({ ...m, [id]: latest?.definition.fields ?? [] }));
      }, () => setFields((m) => ({ ...m, [id]: [] })));
    }
    return fields[id];
  }, [fields]);
  return <Ctx.Provider value={{ forms, roles, fieldsOf }}>{children}</Ctx.Provider>;
}

export function useForms(): FormsState { return useContext(Ctx); }
