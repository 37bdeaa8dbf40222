import { useId, type ChangeEvent } from 'react';
import { ACCEPTED_TYPES, MAX_STORY_IMAGES, MAX_UPLOAD_BYTES } from '../api';
import { formatBytes } from '../format';

interface Props {
  count: number;
  error: string | null;
  dragging: boolean;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
  onClear: () => void;
}

/** Where a story's pictures come in: pick several, drop or paste them, as often as you like. */
export function StoryPicker({ count, error, dragging, disabled, onFiles, onClear }: Props) {
  const inputId = useId();
  const hintId = useId();
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length) onFiles(files);
  };
  return (
    <div className="picker">
      {count === 0 && (
        <div className={`dropzone${dragging ? ' dropzone--active' : ''}`}>
          <p className="dropzone__title">
            {dragging ? 'Drop them here' : <span className="only-pointer">Drop several pictures anywhere on this page</span>}
            {!dragging && <span className="only-touch">Choose the pictures of your story</span>}
          </p>
          <p id={hintId} className="muted">
            <span className="only-pointer">or paste them, or choose files. </span>2 to {MAX_STORY_IMAGES} pictures, JPEG, PNG, GIF,
            BMP or WebP up to {formatBytes(MAX_UPLOAD_BYTES)} each, in the order they will play (you can reorder them).
          </p>
        </div>
      )}
      <div className="picker__actions">
        <input
          id={inputId}
          className="visually-hidden file-input"
          type="file"
          multiple
          accept={ACCEPTED_TYPES.join(',')}
          aria-describedby={count ? undefined : hintId}
          onChange={onChange}
          disabled={disabled || count >= MAX_STORY_IMAGES}
          data-testid="story-input"
        />
        <label htmlFor={inputId} className={`button${count ? ' button--quiet' : ' button--primary'}`} aria-disabled={disabled}>
          {count ? 'Add pictures' : 'Choose pictures'}
        </label>
        {count > 0 && (
          <button type="button" className="button button--quiet" onClick={onClear} disabled={disabled}>
            Remove all
          </button>
        )}
        {count > 0 && <span className="muted">{count} of {MAX_STORY_IMAGES}</span>}
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
