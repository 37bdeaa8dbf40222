import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_SHOT_SECONDS, MAX_STORY_IMAGES, type Effect } from '../api';
import { checkImageFile } from '../imageFile';

/** A picture of the story being put together, with its preview URL. */
export interface ShotDraft {
  key: string;
  file: File;
  url: string;
  effect: Effect;
  duration: number;
  caption: string;
}

export type ShotPatch = Partial<Pick<ShotDraft, 'effect' | 'duration' | 'caption'>>;

let counter = 0;

/** The pictures of a story in order: add many, reorder, set each one's move, time and caption. */
export function useStoryShots() {
  const [shots, setShots] = useState<ShotDraft[]>([]);
  const [error, setError] = useState<string | null>(null);
  const urls = useRef(new Set<string>());

  useEffect(() => {
    const owned = urls.current;
    return () => owned.forEach((url) => URL.revokeObjectURL(url));
  }, []);

  const add = useCallback((files: File[]) => {
    const problems: string[] = [];
    setShots((current) => {
      const room = MAX_STORY_IMAGES - current.length;
      const usable = files.filter((f) => {
        const problem = checkImageFile(f);
        if (problem) problems.push(problem);
        return !problem;
      });
      if (usable.length > room) {
        problems.push(`A story takes at most ${MAX_STORY_IMAGES} pictures: ${usable.length - room} not added.`);
      }
      const added = usable.slice(0, Math.max(0, room)).map((file) => {
        const url = URL.createObjectURL(file);
        urls.current.add(url);
        return { key: `shot-${++counter}`, file, url, effect: 'ken-burns' as Effect, duration: DEFAULT_SHOT_SECONDS, caption: '' };
      });
      return [...current, ...added];
    });
    setError(problems.length ? problems.join(' ') : null);
  }, []);

  const move = useCallback((from: number, to: number) => {
    setShots((current) => {
      if (from === to || from < 0 || to < 0 || from >= current.length || to >= current.length) return current;
      const next = [...current];
      const [moved] = next.splice(from, 1);
      next.splice(to, 0, moved);
      return next;
    });
  }, []);

  const update = useCallback((key: string, patch: ShotPatch) => {
    setShots((current) => current.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  }, []);

  const remove = useCallback((key: string) => {
    setShots((current) => {
      const gone = current.find((s) => s.key === key);
      if (gone) {
        URL.revokeObjectURL(gone.url);
        urls.current.delete(gone.url);
      }
      return current.filter((s) => s.key !== key);
    });
  }, []);

  const clear = useCallback(() => {
    setShots((current) => {
      current.forEach((s) => {
        URL.revokeObjectURL(s.url);
        urls.current.delete(s.url);
      });
      return [];
    });
    setError(null);
  }, []);

  return { shots, error, add, move, update, remove, clear };
}
