import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { EFFECTS, MAX_CAPTION_CHARS, MAX_SHOT_SECONDS, MIN_SHOT_SECONDS, type Effect } from '../api';
import { EFFECT_LABELS } from '../format';
import type { ShotDraft, ShotPatch } from '../hooks/useStoryShots';

interface Props {
  shots: ShotDraft[];
  disabled?: boolean;
  onMove: (from: number, to: number) => void;
  onChange: (key: string, patch: ShotPatch) => void;
  onRemove: (key: string) => void;
}

/**
 * The pictures of a story in order, each with its move, time and caption. Reorder by dragging a
 * card, or with the keyboard: focus a card's handle and press the arrow keys (Home/End for the
 * ends); the new place is announced.
 */
export function StoryBoard({ shots, disabled, onMove, onChange, onRemove }: Props) {
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const handles = useRef(new Map<string, HTMLButtonElement>());
  const helpId = useId();

  const moveTo = (from: number, to: number) => {
    if (to < 0 || to >= shots.length || to === from) return;
    const shot = shots[from];
    onMove(from, to);
    setAnnouncement(`${shot.file.name} moved to position ${to + 1} of ${shots.length}.`);
    requestAnimationFrame(() => handles.current.get(shot.key)?.focus());
  };

  const onKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const to = { ArrowUp: index - 1, ArrowLeft: index - 1, ArrowDown: index + 1, ArrowRight: index + 1, Home: 0, End: shots.length - 1 }[
      e.key
    ];
    if (to === undefined) return;
    e.preventDefault();
    moveTo(index, to);
  };

  const drop = (e: DragEvent<HTMLLIElement>, index: number) => {
    e.preventDefault();
    if (dragged !== null) moveTo(dragged, index);
    setDragged(null);
    setOver(null);
  };

  return (
    <div className="storyboard">
      <p id={helpId} className="visually-hidden">
        To reorder, focus a picture's handle and use the arrow keys, or drag the card.
      </p>
      <ol className="storyboard__list" aria-label="Pictures of the story, in order">
        {shots.map((shot, index) => (
          <li
            key={shot.key}
            className={`shot${dragged === index ? ' shot--dragged' : ''}${over === index && dragged !== index ? ' shot--over' : ''}`}
            draggable={!disabled}
            onDragStart={(e) => {
              setDragged(index);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', String(index));
            }}
            onDragEnter={() => setOver(index)}
            onDragOver={(e) => {
              if (dragged !== null) e.preventDefault();
            }}
            onDragEnd={() => {
              setDragged(null);
              setOver(null);
            }}
            onDrop={(e) => drop(e, index)}
            data-testid="shot"
          >
            <ShotCard
              shot={shot}
              index={index}
              count={shots.length}
              disabled={disabled}
              helpId={helpId}
              handleRef={(el) => {
                if (el) handles.current.set(shot.key, el);
                else handles.current.delete(shot.key);
              }}
              onKey={(e) => onKey(e, index)}
              onEarlier={() => moveTo(index, index - 1)}
              onLater={() => moveTo(index, index + 1)}
              onChange={(patch) => onChange(shot.key, patch)}
              onRemove={() => {
                setAnnouncement(`${shot.file.name} removed.`);
                onRemove(shot.key);
              }}
            />
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}

interface CardProps {
  shot: ShotDraft;
  index: number;
  count: number;
  disabled?: boolean;
  helpId: string;
  handleRef: (el: HTMLButtonElement | null) => void;
  onKey: (e: KeyboardEvent<HTMLButtonElement>) => void;
  onEarlier: () => void;
  onLater: () => void;
  onChange: (patch: ShotPatch) => void;
  onRemove: () => void;
}

function ShotCard({ shot, index, count, disabled, helpId, handleRef, onKey, onEarlier, onLater, onChange, onRemove }: CardProps) {
  const ids = { effect: useId(), duration: useId(), caption: useId() };
  const name = shot.file.name;
  return (
    <>
      <div className="shot__head">
        <button
          type="button"
          ref={handleRef}
          className="shot__handle"
          aria-label={`Picture ${index + 1} of ${count}: ${name}. Move with the arrow keys`}
          aria-describedby={helpId}
          onKeyDown={onKey}
          disabled={disabled}
        >
          <span className="shot__number" aria-hidden="true">
            {index + 1}
          </span>
          <img className="shot__thumb" src={shot.url} alt="" draggable={false} />
        </button>
        <span className="shot__name" title={name}>
          {name}
        </span>
        <span className="shot__buttons">
          <button type="button" className="icon-button" onClick={onEarlier} disabled={disabled || index === 0} aria-label={`Move ${name} earlier`}>
            ↑
          </button>
          <button type="button" className="icon-button" onClick={onLater} disabled={disabled || index === count - 1} aria-label={`Move ${name} later`}>
            ↓
          </button>
          <button type="button" className="icon-button" onClick={onRemove} disabled={disabled} aria-label={`Remove ${name}`}>
            ×
          </button>
        </span>
      </div>
      <div className="shot__fields">
        <div className="field">
          <label htmlFor={ids.effect}>Move</label>
          <select id={ids.effect} value={shot.effect} disabled={disabled} onChange={(e) => onChange({ effect: e.target.value as Effect })}>
            {EFFECTS.map((effect) => (
              <option key={effect} value={effect}>
                {EFFECT_LABELS[effect]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--narrow">
          <label htmlFor={ids.duration}>Seconds</label>
          <SecondsInput id={ids.duration} value={shot.duration} disabled={disabled} onChange={(duration) => onChange({ duration })} />
        </div>
        <div className="field field--wide">
          <label htmlFor={ids.caption}>Caption</label>
          <input
            id={ids.caption}
            type="text"
            value={shot.caption}
            maxLength={MAX_CAPTION_CHARS}
            placeholder="Optional text over this picture"
            disabled={disabled}
            onChange={(e) => onChange({ caption: e.target.value })}
          />
        </div>
      </div>
    </>
  );
}

interface SecondsProps {
  id: string;
  value: number;
  disabled?: boolean;
  onChange: (seconds: number) => void;
}

/** A shot's time: typed freely, taken as soon as it is a number in range, put back in range on leaving. */
function SecondsInput({ id, value, disabled, onChange }: SecondsProps) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => {
    setDraft((d) => (Number(d) === value ? d : String(value)));
  }, [value]);
  const clamp = (n: number) => Math.min(MAX_SHOT_SECONDS, Math.max(MIN_SHOT_SECONDS, n));
  return (
    <input
      id={id}
      type="number"
      inputMode="decimal"
      min={MIN_SHOT_SECONDS}
      max={MAX_SHOT_SECONDS}
      step={0.5}
      value={draft}
      disabled={disabled}
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(n) && n >= MIN_SHOT_SECONDS && n <= MAX_SHOT_SECONDS) onChange(n);
      }}
      onBlur={() => {
        const n = Number(draft);
        const next = draft === '' || !Number.isFinite(n) ? value : clamp(n);
        setDraft(String(next));
        if (next !== value) onChange(next);
      }}
    />
  );
}
