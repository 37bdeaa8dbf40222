import { useCallback, useSyncExternalStore } from 'react';

export interface HistoryEntry {
  id: string;
  filename: string;
  effect: string;
  createdAt: string;
}

export const HISTORY_KEY = 'stillmotion.history.v1';
const MAX_ENTRIES = 50;
const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cachedEntries: HistoryEntry[] = [];

function read(): HistoryEntry[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(HISTORY_KEY);
  } catch {
    return cachedEntries;
  }
  if (raw === cachedRaw) return cachedEntries;
  cachedRaw = raw;
  cachedEntries = parse(raw);
  return cachedEntries;
}

function parse(raw: string | null): HistoryEntry[] {
  try {
    const value: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(value) ? value.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function isEntry(v: unknown): v is HistoryEntry {
  return typeof v === 'object' && v !== null && typeof (v as HistoryEntry).id === 'string';
}

function write(entries: HistoryEntry[]): void {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, MAX_ENTRIES)));
  } catch {
    // storage full or disabled: the list lives on in memory for this page only
    cachedRaw = undefined;
    cachedEntries = entries;
  }
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === null || e.key === HISTORY_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The tasks made in this browser, newest first, kept in localStorage. */
export function useHistory() {
  const entries = useSyncExternalStore(subscribe, read);

  const add = useCallback((entry: HistoryEntry) => {
    write([entry, ...read().filter((e) => e.id !== entry.id)]);
  }, []);
  const remove = useCallback((id: string) => {
    write(read().filter((e) => e.id !== id));
  }, []);
  const clear = useCallback(() => write([]), []);

  return { entries, add, remove, clear };
}
