import { forwardRef, useState } from 'react';
import { cancelTask, isTerminal, type Task } from '../api';
import { useTask } from '../hooks/useTask';
import { STATUS_LABELS, displayName, formatSeconds, taskKind } from '../format';
import { ProgressBar } from './ProgressBar';
import { VideoResult } from './VideoResult';

interface Props {
  id: string;
  /** the original file name, when this browser knows it */
  name?: string;
  loop: boolean;
  onRetry?: () => void;
  onNew?: () => void;
}

/** One task from queue to video: live status and progress, then the player, or what went wrong. */
export const TaskPanel = forwardRef<HTMLHeadingElement, Props>(function TaskPanel({ id, name, loop, onRetry, onNew }, headingRef) {
  const { task, error, secondsLeft } = useTask(id);
  const title = displayName(name, task?.filename);
  const effect = taskKind(task);
  return (
    <section className="card task" aria-labelledby={`task-${id}`} data-testid="task-panel" data-status={task?.status ?? ''}>
      <h2 id={`task-${id}`} ref={headingRef} tabIndex={-1} className="task__title">
        {title}
        {effect && <span className="muted"> · {effect}</span>}
      </h2>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement(task, error?.message)}
      </p>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error.status === 404 ? 'This task is no longer on the server.' : error.message}
        </p>
      ) : !task ? (
        <p className="muted">Loading…</p>
      ) : task.status === 'FINISHED' ? (
        <VideoResult task={task} name={title} loop={loop} onNew={onNew} />
      ) : isTerminal(task.status) ? (
        <Ended task={task} onRetry={onRetry} />
      ) : (
        <Running task={task} secondsLeft={secondsLeft} />
      )}
    </section>
  );
});

function Running({ task, secondsLeft }: { task: Task; secondsLeft: number | null }) {
  const [cancel, setCancel] = useState<'idle' | 'busy' | 'unsupported' | 'failed'>('idle');
  const percent = task.status === 'PENDING' ? 0 : task.progress;
  const onCancel = async () => {
    setCancel('busy');
    try {
      setCancel((await cancelTask(task.id)) ? 'idle' : 'unsupported');
    } catch {
      setCancel('failed');
    }
  };
  return (
    <div className="running">
      <div className="running__line">
        <span className={`badge badge--${task.status.toLowerCase()}`} data-testid="task-status">
          {STATUS_LABELS[task.status]}
        </span>
        <span className="running__percent" data-testid="task-progress">
          {percent}%
        </span>
        <span className="muted running__eta">
          {secondsLeft != null ? `About ${formatSeconds(secondsLeft)} left` : task.status === 'PENDING' ? 'Starting soon' : 'Estimating time left…'}
        </span>
      </div>
      <ProgressBar
        value={percent}
        label="Rendering"
        valueText={`${STATUS_LABELS[task.status]}, ${percent}%`}
        indeterminate={task.status === 'PENDING'}
      />
      <div className="running__actions">
        <button type="button" className="button button--quiet button--small" onClick={onCancel} disabled={cancel === 'busy'}>
          Cancel
        </button>
        {cancel === 'unsupported' && <span className="muted">This server cannot cancel a task.</span>}
        {cancel === 'failed' && <span className="muted">It could not be cancelled now.</span>}
      </div>
    </div>
  );
}

function Ended({ task, onRetry }: { task: Task; onRetry?: () => void }) {
  const failed = task.status === 'FAILED';
  return (
    <div className={`notice ${failed ? 'notice--error' : ''}`} role={failed ? 'alert' : 'status'} data-testid="task-ended">
      <p>
        <strong>{failed ? 'The video could not be made.' : 'Cancelled.'}</strong>{' '}
        {task.message || (failed ? 'The server did not say why.' : '')}
      </p>
      {onRetry ? (
        <button type="button" className="button button--primary" onClick={onRetry}>
          Try again
        </button>
      ) : (
        <p className="muted">To try again, choose the image again above.</p>
      )}
    </div>
  );
}

function announcement(task: Task | undefined, error: string | undefined): string {
  if (error) return error;
  if (!task) return '';
  if (task.status === 'PROCESSING') return `Rendering, ${Math.floor(task.progress / 10) * 10}%`;
  if (task.status === 'FINISHED') return 'Your video is ready.';
  if (task.status === 'FAILED') return `Failed: ${task.message ?? ''}`;
  return STATUS_LABELS[task.status];
}
