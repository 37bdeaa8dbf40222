import { useId, type ChangeEvent } from 'react';
import type { SelectedImage } from '../hooks/useSelectedImage';
import { ACCEPTED_TYPES, MAX_UPLOAD_BYTES } from '../api';
import { formatBytes } from '../format';
import { FocusPicker, type FocusPoint } from './FocusPicker';

interface Props {
  image: SelectedImage | null;
  error: string | null;
  dragging: boolean;
  disabled?: boolean;
  onFile: (file: File) => void;
  onClear: () => void;
  focus?: FocusPoint;
  onFocusChange: (focus: FocusPoint | undefined) => void;
}

/** Where the picture comes in: pick, drop or paste, then a preview with its size. */
export function ImagePicker({ image, error, dragging, disabled, onFile, onClear, focus, onFocusChange }: Props) {
  const inputId = useId();
  const hintId = useId();
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) onFile(file);
  };
  return (
    <div className="picker">
      {image ? (
        <ImagePreview image={image} focus={focus} onFocusChange={onFocusChange} />
      ) : (
        <div className={`dropzone${dragging ? ' dropzone--active' : ''}`}>
          <svg className="dropzone__icon" viewBox="0 0 48 48" aria-hidden="true">
            <rect x="6" y="10" width="36" height="28" rx="4" />
            <circle cx="17" cy="20" r="3.5" />
            <path d="M9 35l10-10 7 7 5-5 8 8" />
          </svg>
          <p className="dropzone__title">
            {dragging ? 'Drop it here' : <span className="only-pointer">Drop a picture anywhere on this page</span>}
            {!dragging && <span className="only-touch">Choose a picture to bring to life</span>}
          </p>
          <p id={hintId} className="muted">
            <span className="only-pointer">or paste one from the clipboard, or choose a file. </span>
            JPEG, PNG, GIF, BMP or WebP up to {formatBytes(MAX_UPLOAD_BYTES)}.
          </p>
        </div>
      )}
      <div className="picker__actions">
        <input
          id={inputId}
          className="visually-hidden file-input"
          type="file"
          accept={ACCEPTED_TYPES.join(',')}
          aria-describedby={image ? undefined : hintId}
          onChange={onChange}
          disabled={disabled}
        />
        <label htmlFor={inputId} className={`button${image ? ' button--quiet' : ' button--primary'}`} aria-disabled={disabled}>
          {image ? 'Choose another image' : 'Choose an image'}
        </label>
        {image && (
          <button type="button" className="button button--quiet" onClick={onClear} disabled={disabled}>
            Remove
          </button>
        )}
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface PreviewProps {
  image: SelectedImage;
  focus?: FocusPoint;
  onFocusChange: (focus: FocusPoint | undefined) => void;
}

function ImagePreview({ image, focus, onFocusChange }: PreviewProps) {
  const { file, url, dimensions } = image;
  return (
    <figure className="preview">
      <div className="preview__frame">
        {dimensions === null ? (
          <p className="preview__fallback">No preview: this browser cannot show this image. The server will still try it.</p>
        ) : (
          <FocusPicker src={url} alt={`Preview of ${file.name}`} focus={focus} onChange={onFocusChange} />
        )}
      </div>
      <figcaption className="preview__caption">
        <span className="preview__name">{file.name}</span>
        <span className="muted" data-testid="image-facts">
          {formatBytes(file.size)}
          {dimensions ? ` · ${dimensions.width} × ${dimensions.height} px` : dimensions === undefined ? ' · measuring…' : ''}
        </span>
        {dimensions !== null && (
          <span className="muted preview__tip">
            {focus ? 'The camera favours the marked point.' : 'Tip: click the picture to choose what the camera favours.'}
            {focus && (
              <button type="button" className="link-button" onClick={() => onFocusChange(undefined)}>
                Centre it again
              </button>
            )}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
