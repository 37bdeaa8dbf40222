import { isTerminal } from '../api';
import type { HistoryEntry } from '../hooks/useHistory';
import { useTask } from '../hooks/useTask';
import { STATUS_LABELS, displayName, effectLabel } from '../format';
import { ProgressBar } from './ProgressBar';

interface Props {
  entries: HistoryEntry[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  onRemove: (id: string) => void;
}

/** The videos made in this browser, newest first, each one still updating live. */
export function HistoryList({ entries, selectedId, onOpen, onRemove }: Props) {
  if (entries.length === 0) {
    return <p className="muted">Videos you make in this browser will be listed here.</p>;
  }
  return (
    <ul className="history" aria-label="Your videos">
      {entries.map((entry) => (
        <HistoryItem
          key={entry.id}
          entry={entry}
          selected={entry.id === selectedId}
          onOpen={onOpen}
          onRemove={onRemove}
        />
      ))}
    </ul>
  );
}

interface ItemProps {
  entry: HistoryEntry;
  selected: boolean;
  onOpen: (id: string) => void;
  onRemove: (id: string) => void;
}

function HistoryItem({ entry, selected, onOpen, onRemove }: ItemProps) {
  const { task, error } = useTask(entry.id);
  const status = error ? 'Gone from the server' : task ? STATUS_LABELS[task.status] : 'Loading…';
  const running = task && !isTerminal(task.status);
  const name = displayName(entry.filename, task?.filename);
  return (
    <li className={`history__item${selected ? ' history__item--selected' : ''}`} data-testid="history-item" data-task-id={entry.id}>
      <button
        type="button"
        className="history__open"
        onClick={() => onOpen(entry.id)}
        aria-current={selected ? 'true' : undefined}
      >
        <span className="visually-hidden">Open</span>{' '}
        <span className="history__thumb" aria-hidden="true">
          {task?.status === 'FINISHED' && task.thumbnailUrl ? <img src={task.thumbnailUrl} alt="" loading="lazy" /> : null}
        </span>
        <span className="history__text">
          <span className="history__name">{name}</span>
          <Pause />
          <span className="muted history__meta">
            {effectLabel(entry.effect)} · <time dateTime={entry.createdAt}>{formatWhen(entry.createdAt)}</time>
          </span>
          <Pause />
          <span className={`badge badge--${task?.status.toLowerCase() ?? 'pending'}`} data-testid="history-status">
            {status}
            {running ? ` · ${task.progress}%` : ''}
          </span>
        </span>
      </button>
      {running && (
        <div className="history__progress">
          <ProgressBar value={task.progress} label={`Progress of ${name}`} />
        </div>
      )}
      <button
        type="button"
        className="button button--quiet button--small history__remove"
        onClick={() => onRemove(entry.id)}
        aria-label={`Remove ${name} from the list`}
        title="Remove from the list"
      >
        ✕
      </button>
    </li>
  );
}

/** A comma only screen readers hear, so the parts of an entry are not run together. */
const Pause = () => (
  <>
    <span className="visually-hidden">,</span>{' '}
  </>
);

function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}
