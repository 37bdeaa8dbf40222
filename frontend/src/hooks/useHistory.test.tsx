import { act, renderHook } from '@testing-library/react';
import { HISTORY_KEY, useHistory } from './useHistory';

const entry = (id: string) => ({ id, filename: `${id}.jpg`, effect: 'zoom-in', createdAt: '2026-01-01T00:00:00Z' });

describe('useHistory', () => {
  it('lists tasks newest first and keeps them in localStorage', () => {
    const { result } = renderHook(() => useHistory());
    act(() => result.current.add(entry('a')));
    act(() => result.current.add(entry('b')));
    expect(result.current.entries.map((e) => e.id)).toEqual(['b', 'a']);
    expect(JSON.parse(localStorage.getItem(HISTORY_KEY)!)).toHaveLength(2);
  });

  it('survives a reload: a new hook reads what was stored', () => {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([entry('kept')]));
    const { result } = renderHook(() => useHistory());
    expect(result.current.entries.map((e) => e.id)).toEqual(['kept']);
  });

  it('removes one entry, or all', () => {
    const { result } = renderHook(() => useHistory());
    act(() => {
      result.current.add(entry('a'));
      result.current.add(entry('b'));
    });
    act(() => result.current.remove('a'));
    expect(result.current.entries.map((e) => e.id)).toEqual(['b']);
    act(() => result.current.clear());
    expect(result.current.entries).toEqual([]);
  });

  it('ignores broken stored data', () => {
    localStorage.setItem(HISTORY_KEY, '{not json');
    const { result } = renderHook(() => useHistory());
    expect(result.current.entries).toEqual([]);
  });

  it('follows changes made in another tab', () => {
    const { result } = renderHook(() => useHistory());
    act(() => {
      localStorage.setItem(HISTORY_KEY, JSON.stringify([entry('other-tab')]));
      window.dispatchEvent(new StorageEvent('storage', { key: HISTORY_KEY }));
    });
    expect(result.current.entries.map((e) => e.id)).toEqual(['other-tab']);
  });
});
