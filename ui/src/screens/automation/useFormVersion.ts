import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Form, VersionInfo } from '../../api/types';

/**
 * useFormVersion loads a form and its latest published version, like the
 * fill page's usePublished, but waits while formId is still unknown (the
 * designer learns it from the automation) instead of asking for /forms/.
 */
export function useFormVersion(formId: string): { form: Form | null; version: VersionInfo | null } {
  const [form, setForm] = useState<Form | null>(null);
  const [version, setVersion] = useState<VersionInfo | null>(null);
  useEffect(() => {
    if (!formId) return undefined;
    let live = true;
    void (async () => {
      try {
        const f = await api.form(formId);
        const vs = f.published ? await api.versions(formId) : [];
        const latest = vs.reduce<VersionInfo | null>((a, v) => (!a || v.number > a.number ? v : a), null);
        if (live) { setForm(f); setVersion(latest); }
      } catch { /* the designer shows the automation's own load error */ }
    })();
    return () => { live = false; };
  }, [formId]);
  return { form, version };
}
