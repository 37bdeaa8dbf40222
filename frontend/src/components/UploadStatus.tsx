import type { UploadState } from '../hooks/useUpload';
import { formatBytes } from '../format';
import { ProgressBar } from './ProgressBar';

interface Props {
  state: UploadState;
  onCancel: () => void;
  onRetry: () => void;
}

/** Bytes on their way to the server, or why they did not get there. */
export function UploadStatus({ state, onCancel, onRetry }: Props) {
  if (state.phase === 'uploading') {
    const percent = state.total ? (state.loaded / state.total) * 100 : 0;
    const text =
      state.total > 0 && state.loaded >= state.total
        ? `Sent ${formatBytes(state.total)}, waiting for the server…`
        : `Uploading ${formatBytes(state.loaded)} of ${formatBytes(state.total)}`;
    return (
      <div className="upload" data-testid="upload-status">
        <div className="upload__line">
          <span>{text}</span>
          <button type="button" className="button button--quiet button--small" onClick={onCancel}>
            Cancel upload
          </button>
        </div>
        <ProgressBar value={percent} label="Upload" valueText={text} />
      </div>
    );
  }
  if (state.phase === 'error') {
    return (
      <div className="notice notice--error" role="alert" data-testid="upload-error">
        <p>
          <strong>{state.error.status === 0 ? 'Could not send the image.' : 'The image was not accepted.'}</strong>{' '}
          {state.error.message}
        </p>
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  return null;
}
