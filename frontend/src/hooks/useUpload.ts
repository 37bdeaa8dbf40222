import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, createTask, type RenderOptions, type UploadHandle } from '../api';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number }
  | { phase: 'done'; id: string }
  | { phase: 'error'; error: ApiError };

/** Sends one image with its options and reports the bytes sent on the way. */
export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const current = useRef<UploadHandle | null>(null);

  useEffect(() => () => current.current?.abort(), []);

  const upload = useCallback(async (file: File, options: RenderOptions): Promise<string | null> => {
    current.current?.abort();
    setState({ phase: 'uploading', loaded: 0, total: file.size });
    const handle = createTask(file, file.name, options, ({ loaded, total }) =>
      setState((s) => (s.phase === 'uploading' ? { phase: 'uploading', loaded, total } : s)),
    );
    current.current = handle;
    try {
      const { id } = await handle.promise;
      if (current.current === handle) setState({ phase: 'done', id });
      return id;
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e));
      if (current.current === handle) setState(error.code === 'aborted' ? { phase: 'idle' } : { phase: 'error', error });
      return null;
    } finally {
      if (current.current === handle) current.current = null;
    }
  }, []);

  const abort = useCallback(() => current.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, upload, abort, reset };
}
