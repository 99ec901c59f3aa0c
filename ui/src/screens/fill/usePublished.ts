import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Form, VersionInfo } from '../../api/types';
import { errorText } from '../../util/errors';

/** usePublished loads a form and its latest published version. */
export function usePublished(formId: string): { form: Form | null; version: VersionInfo | null; error: string | null } {
  const [form, setForm] = useState<Form | null>(null);
  const [version, setVersion] = useState<VersionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const f = await api.form(formId);
        const vs = f.published ? await api.versions(formId) : [];
        const latest = vs.reduce<VersionInfo | null>((a, v) => (!a || v.number > a.number ? v : a), null);
        if (live) { setForm(f); setVersion(latest); }
      } catch (e) { if (live) setError(errorText(e)); }
    })();
    return () => { live = false; };
  }, [formId]);
  return { form, version, error };
}
