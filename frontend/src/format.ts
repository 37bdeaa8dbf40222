import type { Effect, Size, Task, TaskStatus } from './api';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

export const EFFECT_LABELS: Record<Effect, string> = {
  'ken-burns': 'Ken Burns',
  'zoom-in': 'Zoom in',
  'zoom-out': 'Zoom out',
  'pan-left': 'Pan left',
  'pan-right': 'Pan right',
  'pan-up': 'Pan up',
  'pan-down': 'Pan down',
};

export const STATUS_LABELS: Record<TaskStatus, string> = {
  PENDING: 'Waiting in line',
  PROCESSING: 'Rendering',
  FINISHED: 'Finished',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export function effectLabel(effect: unknown): string {
  if (effect === 'story') return 'Story';
  return typeof effect === 'string' && effect in EFFECT_LABELS ? EFFECT_LABELS[effect as Effect] : '';
}

/** What a task is: "Story of 3 pictures", or its single picture's motion. */
export function taskKind(task: Pick<Task, 'options' | 'story'> | undefined): string {
  if (task?.story) return `Story of ${task.story.shots.length} pictures`;
  return effectLabel(task?.options?.effect);
}

export function parseSize(size: Size | string): { width: number; height: number } {
  const [width, height] = size.split('x').map(Number);
  return { width, height };
}

/** "Holiday photo.JPG" + zoom-in → "holiday-photo-zoom-in.mp4" */
export function downloadName(filename: string | undefined, effect: unknown): string {
  const base = (filename ?? '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const suffix = typeof effect === 'string' && effect ? `-${effect}` : '';
  return `${base || 'stillmotion'}${suffix}.mp4`;
}

/** The name a person gave their image: ours when we know it, else the last part of the server's. */
export function displayName(known: string | undefined, fromServer: string | undefined): string {
  if (known) return known;
  const last = (fromServer ?? '').split(/[\\/]/).pop();
  return last || 'Your video';
}
