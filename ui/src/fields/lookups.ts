import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { FieldDef, Form } from '../api/types';

// The related forms' designs, once per page load: a lookup's source field
// changes far less often than the page is opened.
const forms = new Map<string, Promise<Form | undefined>>();
function formOf(id: string): Promise<Form | undefined> {
  let p = forms.get(id);
  if (!p) { p = api.form(id).catch(() => undefined); forms.set(id, p); }
  return p;
}

/**
 * useLookupSources maps each lookup field of fields to the field it shows in
 * the related form, so its value formats like that field (an option's label,
 * not its stored value). Undefined until loaded, and when there is none.
 */
export function useLookupSources(fields: FieldDef[] | undefined): Map<string, FieldDef> | undefined {
  const [found, setFound] = useState<Map<string, FieldDef>>();
  const looks = (fields ?? []).filter((f) => f.type === 'lookup' && f.relation && f.lookupField);
  const key = looks.map((f) => `${f.key}:${f.relation}:${f.lookupField}:${fields?.find((x) => x.key === f.relation)?.form ?? ''}`).join(',');
  useEffect(() => {
    let live = true;
    if (!key) { setFound(undefined); return; }
    void Promise.all(key.split(',').map(async (k) => {
      const [field, , source, form] = k.split(':');
      const src = form ? (await formOf(form))?.draft.fields.find((x) => x.key === source) : undefined;
      return src ? ([field, src] as const) : null;
    })).then((rows) => {
      if (live) setFound(new Map(rows.filter((r): r is readonly [string, FieldDef] => r !== null)));
    });
    return () => { live = false; };
  }, [key]);
  return found;
}
