import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { ACCEPTED_AUDIO_EXTENSIONS, ACCEPTED_AUDIO_TYPES, MAX_TITLE_CHARS, TRANSITIONS, type Transition } from '../api';
import { formatBytes } from '../format';
import { checkAudioFile } from '../imageFile';

export interface StorySettingsValue {
  transition: Transition;
  transitionDuration: number;
  title: string;
  audio: File | null;
}

interface Props {
  value: StorySettingsValue;
  onChange: (value: StorySettingsValue) => void;
  disabled?: boolean;
}

const LABELS: Record<Transition, string> = { crossfade: 'Crossfade', slide: 'Slide', cut: 'Cut' };

/** How the pictures join, the title over the opening and the music. */
export function StorySettings({ value, onChange, disabled }: Props) {
  const ids = { title: useId(), length: useId(), audio: useId() };
  const [audioError, setAudioError] = useState<string | null>(null);
  const set = (patch: Partial<StorySettingsValue>) => onChange({ ...value, ...patch });
  const onAudio = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const problem = checkAudioFile(file);
    setAudioError(problem);
    if (!problem) set({ audio: file });
  };
  return (
    <fieldset className="options story-settings" disabled={disabled}>
      <legend className="visually-hidden">Story options</legend>
      <fieldset className="choices">
        <legend>Between pictures</legend>
        <div className="choices__list">
          {TRANSITIONS.map((t) => (
            <label key={t} className="chip">
              <input type="radio" name="transition" value={t} checked={value.transition === t} onChange={() => set({ transition: t })} />
              <span>{LABELS[t]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="options__grid">
        <div className="field">
          <div className="field__label">
            <label htmlFor={ids.length}>Transition length</label>
            <output htmlFor={ids.length} aria-hidden="true">
              {value.transition === 'cut' ? '—' : `${value.transitionDuration} s`}
            </output>
          </div>
          <input
            id={ids.length}
            type="range"
            min={0.2}
            max={2}
            step={0.1}
            value={value.transitionDuration}
            disabled={value.transition === 'cut'}
            aria-valuetext={`${value.transitionDuration} seconds`}
            onChange={(e) => set({ transitionDuration: Number(e.target.value) })}
          />
        </div>
        <div className="field field--wide">
          <label htmlFor={ids.title}>Title</label>
          <input
            id={ids.title}
            type="text"
            value={value.title}
            maxLength={MAX_TITLE_CHARS}
            placeholder="Optional text over the opening"
            onChange={(e) => set({ title: e.target.value })}
          />
        </div>
        <div className="field field--wide">
          <span className="field__label">
            <span id={`${ids.audio}-label`}>Music</span>
          </span>
          <div className="music">
            <input
              id={ids.audio}
              className="visually-hidden file-input"
              type="file"
              accept={[...ACCEPTED_AUDIO_TYPES, ...ACCEPTED_AUDIO_EXTENSIONS].join(',')}
              onChange={onAudio}
              aria-labelledby={`${ids.audio}-label`}
              data-testid="audio-input"
            />
            {value.audio ? (
              <>
                <span className="music__name" data-testid="audio-name">
                  {value.audio.name} <span className="muted">· {formatBytes(value.audio.size)}</span>
                </span>
                <AudioPreview file={value.audio} />
                <button type="button" className="button button--quiet button--small" onClick={() => set({ audio: null })}>
                  Remove music
                </button>
              </>
            ) : (
              <label htmlFor={ids.audio} className="button button--quiet button--small">
                Choose music (MP3 or AAC)
              </label>
            )}
          </div>
          {audioError && (
            <p className="notice notice--error" role="alert">
              {audioError}
            </p>
          )}
        </div>
      </div>
    </fieldset>
  );
}

function AudioPreview({ file }: { file: File }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (typeof URL.createObjectURL !== 'function') return;
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url ? <audio className="music__player" src={url} controls preload="none" aria-label={`Listen to ${file.name}`} /> : null;
}
