import { act, renderHook } from '@testing-library/react';
import { fakeTaskServer, finished, task } from '../test/fakes';
import { useTask } from './useTask';

describe('useTask', () => {
  beforeEach(() => vi.useFakeTimers());

  it('follows a task from waiting to finished, with a time-left estimate on the way', async () => {
    fakeTaskServer({
      'task-1': [
        task(),
        task({ status: 'PROCESSING', progress: 10 }),
        task({ status: 'PROCESSING', progress: 30 }),
        finished(),
      ],
    });
    const { result } = renderHook(() => useTask('task-1'));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(result.current.task?.status).toBe('PENDING');
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current.task?.progress).toBe(10);
    expect(result.current.secondsLeft).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current.task?.progress).toBe(30);
    expect(result.current.secondsLeft).toBeCloseTo(3.5, 0);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current.task?.status).toBe('FINISHED');
    expect(result.current.secondsLeft).toBeNull();
  });

  it('gives nothing for no id', () => {
    const { result } = renderHook(() => useTask(null));
    expect(result.current).toEqual({ task: undefined, error: undefined, secondsLeft: null });
  });
});
