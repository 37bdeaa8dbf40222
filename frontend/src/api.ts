/** Types and calls of the Stillmotion HTTP API (same origin, under /api/v1). */

export const API_BASE = '/api/v1';

export const EFFECTS = [
  'ken-burns',
  'zoom-in',
  'zoom-out',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
] as const;
export type Effect = (typeof EFFECTS)[number];

export const FRAME_RATES = [24, 25, 30, 50, 60] as const;
export type FrameRate = (typeof FRAME_RATES)[number];

export const SIZES = [
  '1280x720',
  '1920x1080',
  '720x1280',
  '1080x1920',
  '720x720',
  '1080x1080',
] as const;
export type Size = (typeof SIZES)[number];

export type Easing = 'linear' | 'ease-in-out';
export type Quality = 'low' | 'medium' | 'high';

export const MIN_DURATION = 1;
export const MAX_DURATION = 30;
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp'];
export const ACCEPTED_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.gif', '.bmp', '.webp'];

export const TRANSITIONS = ['crossfade', 'slide', 'cut'] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** Limits of a story, as the server checks them. */
export const MIN_STORY_IMAGES = 2;
export const MAX_STORY_IMAGES = 20;
export const MAX_STORY_SECONDS = 120;
export const MIN_SHOT_SECONDS = 1;
export const MAX_SHOT_SECONDS = 30;
export const DEFAULT_SHOT_SECONDS = 4;
export const DEFAULT_TRANSITION_SECONDS = 0.8;
export const MAX_TITLE_CHARS = 100;
export const MAX_CAPTION_CHARS = 200;
export const ACCEPTED_AUDIO_TYPES = ['audio/mpeg', 'audio/mp3', 'audio/aac', 'audio/mp4', 'audio/x-m4a'];
export const ACCEPTED_AUDIO_EXTENSIONS = ['.mp3', '.m4a', '.aac', '.mp4'];

/** One picture of a story as the person set it up. */
export interface StoryShot {
  file: File;
  effect: Effect;
  duration: number;
  caption: string;
}

/** A story to send: pictures in order, how they join, a title and music. */
export interface StoryRequest {
  shots: StoryShot[];
  transition: Transition;
  transitionDuration: number;
  title: string;
  audio?: File | null;
}

export interface RenderOptions {
  effect: Effect;
  duration: number;
  fps: FrameRate;
  size: Size;
  easing?: Easing;
  focus?: { x: number; y: number };
  quality?: Quality;
}

export const DEFAULT_OPTIONS: RenderOptions = {
  effect: 'ken-burns',
  duration: 5,
  fps: 30,
  size: '1280x720',
  easing: 'ease-in-out',
  quality: 'medium',
};

export type TaskStatus = 'PENDING' | 'PROCESSING' | 'FINISHED' | 'FAILED' | 'CANCELLED';

export interface StoryInfo {
  title: string | null;
  duration: number;
  shots: { duration: number; effect: string; caption: string | null }[];
  transitions: { type: Transition; duration: number }[];
  audio?: { format: string; duration: number };
}

export interface Task {
  id: string;
  status: TaskStatus;
  progress: number;
  filename?: string;
  message?: string | null;
  options?: Partial<Record<string, unknown>>;
  createdAt?: string;
  updatedAt?: string;
  videoUrl?: string;
  posterUrl?: string;
  thumbnailUrl?: string;
  images?: { index: number; url: string }[];
  story?: StoryInfo;
}

export const isTerminal = (status: TaskStatus): boolean =>
  status === 'FINISHED' || status === 'FAILED' || status === 'CANCELLED';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const videoUrl = (id: string) => `${API_BASE}/video/${encodeURIComponent(id)}`;
export const taskUrl = (id: string) => `${API_BASE}/task/${encodeURIComponent(id)}`;
export const taskEventsUrl = (id: string) => `${taskUrl(id)}/events`;

/** Turns any error body (or none) into an ApiError with words a person can read. */
export function toApiError(status: number, body: string): ApiError {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed?.error?.message) {
      return new ApiError(status, parsed.error.code ?? 'error', parsed.error.message);
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(status, 'http_' + status, fallbackMessage(status));
}

function fallbackMessage(status: number): string {
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 404) return 'Not found.';
  if (status === 413) return 'The image is too large for the server.';
  if (status === 415) return 'The server does not accept this type of file.';
  if (status === 429) return 'Too many requests right now. Please wait a moment and try again.';
  if (status === 503) return 'The service is busy or unavailable. Please try again shortly.';
  return `The server answered with an error (HTTP ${status}).`;
}

export function toFormData(file: Blob, filename: string, options: RenderOptions): FormData {
  const form = new FormData();
  form.append('effect', options.effect);
  form.append('duration', String(options.duration));
  form.append('fps', String(options.fps));
  form.append('size', options.size);
  if (options.easing) form.append('easing', options.easing);
  if (options.quality) form.append('quality', options.quality);
  if (options.focus) form.append('focus', `${round3(options.focus.x)},${round3(options.focus.y)}`);
  form.append('file', file, filename);
  return form;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle {
  promise: Promise<{ id: string }>;
  abort: () => void;
}

/** POST /task with XMLHttpRequest, because fetch cannot report upload progress. */
export function createTask(
  file: Blob,
  filename: string,
  options: RenderOptions,
  onProgress?: (p: UploadProgress) => void,
): UploadHandle {
  return postTask(toFormData(file, filename, options), file.size, onProgress);
}

/**
 * The `story` document: one shot per picture in order (its time, move, caption), the transition
 * between every two, and the title. Everything else goes in ordinary form fields.
 */
export function storyDocument(story: StoryRequest): string {
  const title = story.title.trim();
  return JSON.stringify({
    ...(title ? { title } : {}),
    transition:
      story.transition === 'cut'
        ? { type: 'cut' }
        : { type: story.transition, duration: fitTransition(story.transitionDuration, story.shots) },
    shots: story.shots.map((s) => ({
      duration: s.duration,
      effect: s.effect,
      ...(s.caption.trim() ? { caption: s.caption.trim() } : {}),
    })),
  });
}

/** A transition may last at most half of the shorter shot it joins: shorten it to fit the shortest. */
export function fitTransition(seconds: number, shots: { duration: number }[]): number {
  const shortest = Math.min(...shots.map((s) => s.duration));
  return Math.max(0.1, Math.min(seconds, Math.floor((shortest / 2) * 10) / 10));
}

export function toStoryFormData(story: StoryRequest, options: RenderOptions): FormData {
  const form = new FormData();
  story.shots.forEach((s) => form.append('file', s.file, s.file.name));
  form.append('story', storyDocument(story));
  form.append('fps', String(options.fps));
  form.append('size', options.size);
  if (options.easing) form.append('easing', options.easing);
  if (options.quality) form.append('quality', options.quality);
  if (story.audio) form.append('audio', story.audio, story.audio.name);
  return form;
}

export const storyBytes = (story: StoryRequest) =>
  story.shots.reduce((sum, s) => sum + s.file.size, 0) + (story.audio?.size ?? 0);

export const storySeconds = (shots: { duration: number }[]) => shots.reduce((sum, s) => sum + s.duration, 0);

/** POST /task with a story: every picture in order, the story document and the music. */
export function createStory(
  story: StoryRequest,
  options: RenderOptions,
  onProgress?: (p: UploadProgress) => void,
): UploadHandle {
  return postTask(toStoryFormData(story, options), storyBytes(story), onProgress);
}

function postTask(form: FormData, size: number, onProgress?: (p: UploadProgress) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<{ id: string }>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}/task`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (onProgress) onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : size });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const body = JSON.parse(xhr.responseText) as { id?: string };
          if (body.id) return resolve({ id: body.id });
        } catch {
          // handled below
        }
        return reject(new ApiError(xhr.status, 'bad_response', 'The server gave an answer we could not understand.'));
      }
      reject(toApiError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(toApiError(0, ''));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, ...init });
  } catch {
    throw toApiError(0, '');
  }
  const text = await response.text();
  if (!response.ok) throw toApiError(response.status, text);
  return (text ? JSON.parse(text) : {}) as T;
}

export const getTask = (id: string, signal?: AbortSignal) => request<Task>(taskUrl(id), { signal });

/** DELETE /task/{id}. Resolves false when the server does not support cancelling. */
export async function cancelTask(id: string): Promise<boolean> {
  try {
    await request<unknown>(taskUrl(id), { method: 'DELETE' });
    return true;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return false;
    throw e;
  }
}

export const ping = () => request<{ message: string }>(`${API_BASE}/ping`);
