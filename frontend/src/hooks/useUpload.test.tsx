import { act, renderHook } from '@testing-library/react';
import { DEFAULT_OPTIONS } from '../api';
import { FakeXhr, imageFile, installFakeXhr } from '../test/fakes';
import { useUpload } from './useUpload';

describe('useUpload', () => {
  beforeEach(installFakeXhr);

  it('reports bytes sent, then the new task id', async () => {
    const { result } = renderHook(() => useUpload());
    let id: Promise<string | null>;
    act(() => {
      id = result.current.upload(imageFile('beach.jpg', 4000), DEFAULT_OPTIONS);
    });
    expect(result.current.state).toEqual({ phase: 'uploading', loaded: 0, total: 4000 });
    act(() => FakeXhr.last!.progress(1000, 4000));
    expect(result.current.state).toEqual({ phase: 'uploading', loaded: 1000, total: 4000 });
    await act(async () => {
      FakeXhr.last!.respond(200, { id: 'new-task' });
      await expect(id).resolves.toBe('new-task');
    });
    expect(result.current.state).toEqual({ phase: 'done', id: 'new-task' });
  });

  it('keeps the server error to show', async () => {
    const { result } = renderHook(() => useUpload());
    await act(async () => {
      const pending = result.current.upload(imageFile(), DEFAULT_OPTIONS);
      FakeXhr.last!.respond(429, { error: { code: 'busy', message: 'Slow down a little.' } });
      await expect(pending).resolves.toBeNull();
    });
    expect(result.current.state).toMatchObject({ phase: 'error', error: { message: 'Slow down a little.' } });
  });

  it('goes back to idle when the upload is cancelled', async () => {
    const { result } = renderHook(() => useUpload());
    await act(async () => {
      const pending = result.current.upload(imageFile(), DEFAULT_OPTIONS);
      result.current.abort();
      await pending;
    });
    expect(result.current.state).toEqual({ phase: 'idle' });
  });
});
