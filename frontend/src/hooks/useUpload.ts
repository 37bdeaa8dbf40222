import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError,
  createStory,
  createTask,
  storyBytes,
  type RenderOptions,
  type StoryRequest,
  type UploadHandle,
  type UploadProgress,
} from '../api';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number }
  | { phase: 'done'; id: string }
  | { phase: 'error'; error: ApiError };

/** Sends one image (or a story's images and music) with its options and reports the bytes sent on the way. */
export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const current = useRef<UploadHandle | null>(null);

  useEffect(() => () => current.current?.abort(), []);

  const send = useCallback(
    async (total: number, start: (onProgress: (p: UploadProgress) => void) => UploadHandle): Promise<string | null> => {
      current.current?.abort();
      setState({ phase: 'uploading', loaded: 0, total });
      const handle = start(({ loaded, total }) =>
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
    },
    [],
  );

  const upload = useCallback(
    (file: File, options: RenderOptions) =>
      send(file.size, (onProgress) => createTask(file, file.name, options, onProgress)),
    [send],
  );

  const uploadStory = useCallback(
    (story: StoryRequest, options: RenderOptions) =>
      send(storyBytes(story), (onProgress) => createStory(story, options, onProgress)),
    [send],
  );

  const abort = useCallback(() => current.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, upload, uploadStory, abort, reset };
}
