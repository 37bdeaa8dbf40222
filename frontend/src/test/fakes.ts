import { vi } from 'vitest';
import type { Task } from '../api';

/** A stand-in for XMLHttpRequest that the test drives by hand. */
export class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  body: FormData | null = null;
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true });
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
}

export function installFakeXhr() {
  FakeXhr.last = null;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
}

export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 'task-1',
    status: 'PENDING',
    progress: 0,
    filename: 'beach.jpg',
    message: null,
    options: { effect: 'zoom-in', duration: 5, fps: 30, size: '1280x720' },
    ...overrides,
  };
}

export function finished(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? 'task-1';
  return task({
    status: 'FINISHED',
    progress: 100,
    videoUrl: `/api/v1/video/${id}`,
    posterUrl: `/api/v1/task/${id}/poster`,
    thumbnailUrl: `/api/v1/task/${id}/thumbnail`,
    ...overrides,
  });
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * fetch answering GET /api/v1/task/{id} from a script of task states per id:
 * each call takes the next state, the last one repeats.
 */
export function fakeTaskServer(script: Record<string, Task[]>) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${url}`);
    const match = /\/api\/v1\/task\/([^/]+)$/.exec(url);
    if (!match) return json(404, { error: { code: 'not_found', message: 'No such thing.' } });
    const states = script[decodeURIComponent(match[1])];
    if (!states) return json(404, { error: { code: 'not_found', message: 'Unknown task.' } });
    if (method === 'DELETE') return json(405, { error: { code: 'method', message: 'No.' } });
    return json(200, states.length > 1 ? states.shift() : states[0]);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls };
}

/** A stand-in for EventSource that the test drives by hand. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  private named = new Map<string, (e: MessageEvent<string>) => void>();
  addEventListener(name: string, listener: (e: MessageEvent<string>) => void) {
    this.named.set(name, listener);
  }
  close() {
    this.closed = true;
  }
  emitNamed(name: string, task: Task) {
    this.named.get(name)?.(new MessageEvent(name, { data: JSON.stringify(task) }));
  }
  emit(task: Task) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(task) }));
  }
  fail() {
    this.onerror?.();
  }
}

export function installFakeEventSource() {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
}

export function imageFile(name = 'beach.jpg', size = 2048, type = 'image/jpeg'): File {
  return new File([new Uint8Array(size)], name, { type });
}
