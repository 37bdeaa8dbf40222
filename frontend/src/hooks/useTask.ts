import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ApiError, Task } from '../api';
import { estimateSecondsLeft, getTaskSnapshot, subscribeTask, type TaskSnapshot } from '../taskStore';

export interface TaskView {
  task?: Task;
  error?: ApiError;
  secondsLeft: number | null;
}

const NO_TASK = () => () => {};

/** Follows one task live (events or polling) until it ends. */
export function useTask(id: string | null | undefined): TaskView {
  const subscribe = useCallback(
    (listener: () => void) => (id ? subscribeTask(id, listener) : NO_TASK()),
    [id],
  );
  const snapshot = useSyncExternalStore(subscribe, () => (id ? getTaskSnapshot(id) : EMPTY));
  const now = useClock(snapshot.task?.status === 'PROCESSING');
  return {
    task: snapshot.task,
    error: snapshot.error,
    secondsLeft: snapshot.task?.status === 'PROCESSING' ? estimateSecondsLeft(snapshot.samples, now) : null,
  };
}

const EMPTY: TaskSnapshot = { samples: [] };

/** Ticks once a second while running, so a time-left estimate counts down between updates. */
function useClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : 0;
}
