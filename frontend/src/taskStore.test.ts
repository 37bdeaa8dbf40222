import { act } from '@testing-library/react';
import { estimateSecondsLeft, getTaskSnapshot, subscribeTask } from './taskStore';
import { FakeEventSource, fakeTaskServer, finished, installFakeEventSource, task } from './test/fakes';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('estimateSecondsLeft', () => {
  it('waits for two samples', () => {
    expect(estimateSecondsLeft([{ at: 0, progress: 10 }], 1000)).toBeNull();
  });

  it('extrapolates the rate seen so far and counts down between updates', () => {
    const samples = [
      { at: 0, progress: 10 },
      { at: 4000, progress: 30 },
    ];
    expect(estimateSecondsLeft(samples, 4000)).toBeCloseTo(14);
    expect(estimateSecondsLeft(samples, 6000)).toBeCloseTo(12);
    expect(estimateSecondsLeft(samples, 60000)).toBe(0);
  });

  it('goes by the recent rate, not a slow start', () => {
    const samples = [
      { at: 0, progress: 0 },
      { at: 20000, progress: 2 },
      { at: 22000, progress: 12 },
      { at: 24000, progress: 22 },
    ];
    expect(estimateSecondsLeft(samples, 24000)).toBeCloseTo(15.6);
  });
});

describe('task watching', () => {
  beforeEach(() => vi.useFakeTimers());

  it('polls every second until the task ends, then stops', async () => {
    const { fetchMock } = fakeTaskServer({
      'task-1': [task(), task({ status: 'PROCESSING', progress: 50 }), finished()],
    });
    const seen: string[] = [];
    const stop = subscribeTask('task-1', () => {
      const t = getTaskSnapshot('task-1').task!;
      seen.push(`${t.status}:${t.progress}`);
    });
    await act(flush);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    await act(() => vi.advanceTimersByTimeAsync(1000));
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(seen).toEqual(['PENDING:0', 'PROCESSING:50', 'FINISHED:100']);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    stop();
  });

  it('follows Server-Sent Events when the server has them', async () => {
    installFakeEventSource();
    const { fetchMock } = fakeTaskServer({ 'task-1': [task()] });
    const stop = subscribeTask('task-1', () => {});
    await act(flush);
    const source = FakeEventSource.instances[0];
    expect(source.url).toBe('/api/v1/task/task-1/events');
    act(() => source.emit(task({ status: 'PROCESSING', progress: 70 })));
    expect(getTaskSnapshot('task-1').task).toMatchObject({ progress: 70 });
    act(() => source.emitNamed('task', task({ status: 'PROCESSING', progress: 80 })));
    expect(getTaskSnapshot('task-1').task).toMatchObject({ progress: 80 });
    act(() => source.emit(finished()));
    expect(getTaskSnapshot('task-1').task?.status).toBe('FINISHED');
    expect(source.closed).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    stop();
  });

  it('falls back to polling when the event stream fails', async () => {
    installFakeEventSource();
    const { fetchMock } = fakeTaskServer({ 'task-1': [task(), task({ status: 'PROCESSING', progress: 20 })] });
    const stop = subscribeTask('task-1', () => {});
    await act(flush);
    act(() => FakeEventSource.instances[0].fail());
    await act(flush);
    expect(getTaskSnapshot('task-1').task?.progress).toBe(20);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(fetchMock).toHaveBeenCalledTimes(3);
    stop();
  });

  it('switches to polling when the stream stays silent', async () => {
    installFakeEventSource();
    const { fetchMock } = fakeTaskServer({ 'task-1': [task({ status: 'PROCESSING', progress: 5 })] });
    const stop = subscribeTask('task-1', () => {});
    await act(flush);
    await act(() => vi.advanceTimersByTimeAsync(30000));
    expect(FakeEventSource.instances[0].closed).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(15000));
    expect(FakeEventSource.instances[0].closed).toBe(true);
    expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2);
    stop();
  });

  it('shares one watcher between subscribers and stops when the last one leaves', async () => {
    const { fetchMock } = fakeTaskServer({ 'task-1': [task({ status: 'PROCESSING', progress: 5 })] });
    const a = subscribeTask('task-1', () => {});
    const b = subscribeTask('task-1', () => {});
    await act(flush);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    a();
    b();
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('reports a task the server does not know', async () => {
    fakeTaskServer({});
    const stop = subscribeTask('gone', () => {});
    await act(flush);
    expect(getTaskSnapshot('gone').error?.status).toBe(404);
    stop();
  });
});
