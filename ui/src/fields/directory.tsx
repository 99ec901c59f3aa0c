import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Department, User } from '../api/types';

/** Directory holds the workspace's members and departments for pickers and display. */
export interface Directory { users: User[]; departments: Department[]; loaded: boolean }

const Ctx = createContext<Directory>({ users: [], departments: [], loaded: false });

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const [dir, setDir] = useState<Directory>({ users: [], departments: [], loaded: false });
  useEffect(() => {
    let live = true;
    void Promise.all([api.users().catch(() => []), api.departments().catch(() => [])]).then(([users, departments]) => {
      if (live) setDir({ users, departments, loaded: true });
    });
    return () => { live = false; };
  }, []);
  return <Ctx.Provider value={dir}>{children}</Ctx.Provider>;
}

export function useDirectory(): Directory { return useContext(Ctx); }

export interface TreeNode { value: string; title: string; children: TreeNode[] }

/** departmentTree builds the TreeSelect data of a department list. */
export function departmentTree(deps: Department[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>(deps.map((d) => [d.id, { value: d.id, title: d.name, children: [] }]));
  const roots: TreeNode[] = [];
  for (const d of deps) {
    const n = nodes.get(d.id)!;
    const p = d.parent ? nodes.get(d.parent) : undefined;
    if (p && p !== n) p.children.push(n); else roots.push(n);
  }
  return roots;
}
