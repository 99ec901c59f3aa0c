import { createContext, useContext } from 'react';
import type { FileRef } from '../api/client';

/**
 * FileRefContext names the record a form shows (and, inside a subform, the
 * subform's field): the server serves an attached file only through the
 * record and the field that list it.
 */
export const FileRefContext = createContext<{ form: string; record: string; field?: string } | null>(null);

/** useFileRef gives the reference of files of field key in the record shown, or null outside one. */
export function useFileRef(key: string): FileRef | null {
  const c = useContext(FileRefContext);
  return c ? { form: c.form, record: c.record, field: c.field ?? key } : null;
}
