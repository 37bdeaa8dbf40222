import { ApiError, getTask, isTerminal, taskEventsUrl, type Task } from './api';

/**
 * One live watcher per task id, shared by every component showing that task.
 * Server-Sent Events when the server offers them, polling GET /task/{id} otherwise.
 */

export interface ProgressSample {
  at: number;
  progress: number;
}

export interface TaskSnapshot {
  task?: Task;
  error?: ApiError;
  samples: ProgressSample[];
}

type Listener = () => void;

interface Entry {
  snapshot: TaskSnapshot;
  listeners: Set<Listener>;
  stop?: () => void;
}

export const POLL_INTERVAL_MS = 1000;
const MAX_POLL_INTERVAL_MS = 8000;
const MAX_EVENT_STREAMS = 3;
// The server sends ": ping" comments every 15 s, but comments never reach JavaScript, and an
// unchanged task sends nothing: only a long silence means the stream is broken.
const STREAM_SILENCE_MS = 45000;
const RATE_WINDOW_MS = 8000;
const EMPTY: TaskSnapshot = { samples: [] };

const entries = new Map<string, Entry>();
let openStreams = 0;

export function getTaskSnapshot(id: string): TaskSnapshot {
  return entries.get(id)?.snapshot ?? EMPTY;
}

export function subscribeTask(id: string, listener: Listener): () => void {
  const entry = entryFor(id);
  entry.listeners.add(listener);
  if (!entry.stop && !(entry.snapshot.task && isTerminal(entry.snapshot.task.status))) {
    entry.stop = startWatching(id);
  }
  return () => {
    entry.listeners.delete(listener);
    if (entry.listeners.size === 0) {
      entry.stop?.();
      entry.stop = undefined;
    }
  };
}

/** Lets a task that is already known (e.g. just created) show at once. */
export function primeTask(task: Task): void {
  update(task.id, (s) => withTask(s, task));
}

/** For tests: drops every cached task and stops every watcher. */
export function resetTaskStore(): void {
  for (const entry of entries.values()) entry.stop?.();
  entries.clear();
  openStreams = 0;
}

function entryFor(id: string): Entry {
  let entry = entries.get(id);
  if (!entry) {
    entry = { snapshot: EMPTY, listeners: new Set() };
    entries.set(id, entry);
  }
  return entry;
}

function update(id: string, change: (s: TaskSnapshot) => TaskSnapshot): void {
  const entry = entryFor(id);
  const next = change(entry.snapshot);
  if (next === entry.snapshot) return;
  entry.snapshot = next;
  entry.listeners.forEach((l) => l());
}

function withTask(snapshot: TaskSnapshot, task: Task): TaskSnapshot {
  const previous = snapshot.task;
  if (previous && previous.status === task.status && previous.progress === task.progress &&
      previous.updatedAt === task.updatedAt && previous.message === task.message) {
    return snapshot.error ? { ...snapshot, error: undefined } : snapshot;
  }
  return { task, error: undefined, samples: nextSamples(snapshot.samples, task) };
}

function nextSamples(samples: ProgressSample[], task: Task): ProgressSample[] {
  if (task.status !== 'PROCESSING') return task.status === 'PENDING' ? [] : samples;
  const last = samples[samples.length - 1];
  // A progress lower than before means a new attempt: start measuring again.
  if (last && task.progress < last.progress) return [{ at: Date.now(), progress: task.progress }];
  if (last && last.progress === task.progress) return samples;
  return [...samples.slice(-30), { at: Date.now(), progress: task.progress }];
}

function startWatching(id: string): () => void {
  let stopped = false;
  let stopStream: (() => void) | undefined;
  let stopPolling: (() => void) | undefined;
  let stopFirstRead: (() => void) | undefined;

  const onTask = (task: Task) => {
    if (stopped) return;
    update(id, (s) => withTask(s, task));
    if (isTerminal(task.status)) stop();
  };
  const onFatal = (error: ApiError) => {
    if (stopped) return;
    update(id, (s) => ({ ...s, error }));
    stop();
  };
  const fallBackToPolling = (delayMs = 0) => {
    stopStream = undefined;
    if (!stopped && !stopPolling) stopPolling = poll(id, onTask, onFatal, delayMs);
  };
  function stop() {
    stopped = true;
    stopFirstRead?.();
    stopStream?.();
    stopPolling?.();
  }

  const follow = () => {
    if (typeof EventSource !== 'undefined' && openStreams < MAX_EVENT_STREAMS) {
      stopStream = stream(id, onTask, () => fallBackToPolling());
    } else {
      fallBackToPolling(POLL_INTERVAL_MS);
    }
  };

  // One plain read first: it shows the task at once, and a task already over needs nothing more.
  let firstRead: AbortController | undefined = new AbortController();
  getTask(id, firstRead.signal).then(
    (task) => {
      firstRead = undefined;
      onTask(task);
      if (!stopped) follow();
    },
    (e: unknown) => {
      firstRead = undefined;
      if (stopped) return;
      if (e instanceof ApiError && e.status === 404) onFatal(e);
      else fallBackToPolling(POLL_INTERVAL_MS);
    },
  );
  stopFirstRead = () => firstRead?.abort();
  return stop;
}

function stream(id: string, onTask: (t: Task) => void, onBroken: () => void): () => void {
  const source = new EventSource(taskEventsUrl(id));
  openStreams++;
  let closed = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    openStreams--;
    clearTimeout(watchdog);
    source.close();
  };
  // A stream that stays silent too long is treated as broken, so polling takes over.
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      close();
      onBroken();
    }, STREAM_SILENCE_MS);
  };
  arm();
  const onEvent = (event: MessageEvent<string>) => {
    arm();
    try {
      onTask(JSON.parse(event.data) as Task);
    } catch {
      // a malformed event is skipped; the next one or polling catches up
    }
  };
  // Unnamed events are the contract; "task" events are taken too, should the server name them.
  source.onmessage = onEvent;
  source.addEventListener('task', onEvent as EventListener);
  source.onerror = () => {
    close();
    onBroken();
  };
  return close;
}

function poll(id: string, onTask: (t: Task) => void, onFatal: (e: ApiError) => void, delayMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let stopped = false;
  let failures = 0;

  const tick = async () => {
    controller = new AbortController();
    try {
      const task = await getTask(id, controller.signal);
      failures = 0;
      onTask(task);
      if (isTerminal(task.status)) return;
    } catch (e) {
      if (stopped) return;
      if (e instanceof ApiError && e.status === 404) return onFatal(e);
      failures++;
    }
    if (!stopped) {
      const delay = Math.min(POLL_INTERVAL_MS * 2 ** Math.min(failures, 3), MAX_POLL_INTERVAL_MS);
      timer = setTimeout(tick, delay);
    }
  };
  if (delayMs > 0) timer = setTimeout(tick, delayMs);
  else void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}

/**
 * Seconds left, from the rate of progress seen so far in this attempt.
 * Null until there is enough to go on.
 */
export function estimateSecondsLeft(samples: ProgressSample[], now = Date.now()): number | null {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1];
  // The recent rate: rendering often starts slowly (decoding, warm-up), then runs evenly.
  const recent = samples.filter((s) => last.at - s.at <= RATE_WINDOW_MS);
  const first = recent.length >= 2 ? recent[0] : samples[samples.length - 2];
  const elapsed = (last.at - first.at) / 1000;
  const done = last.progress - first.progress;
  if (elapsed <= 0 || done <= 0 || last.progress >= 100) return null;
  const rate = done / elapsed;
  const sinceLast = (now - last.at) / 1000;
  return Math.max(0, (100 - last.progress) / rate - sinceLast);
}
