import { useState, type MouseEvent } from 'react';
import { videoUrl, type Task } from '../api';
import { downloadName } from '../format';

interface Props {
  task: Task;
  /** the image's file name, which the download is named after */
  name: string;
  loop: boolean;
  onNew?: () => void;
}

/** The finished video: poster first, plays inline, and a download with a sensible name. */
export function VideoResult({ task, name: imageName, loop, onNew }: Props) {
  const src = task.videoUrl ?? videoUrl(task.id);
  const name = downloadName(imageName, task.story ? 'story' : task.options?.effect);
  const [saving, setSaving] = useState(false);

  // Fetching into a blob keeps our file name even if the server names the file itself.
  const onDownload = async (e: MouseEvent<HTMLAnchorElement>) => {
    if (typeof URL.createObjectURL !== 'function') return;
    e.preventDefault();
    setSaving(true);
    try {
      const response = await fetch(src);
      if (!response.ok) throw new Error(String(response.status));
      const blobUrl = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = blobUrl;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
    } catch {
      window.location.assign(src);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="result">
      <video
        className="result__video"
        src={src}
        poster={task.posterUrl}
        controls
        playsInline
        loop={loop}
        preload="metadata"
        aria-label={`Video made from ${imageName}`}
        data-testid="result-video"
      />
      <div className="result__actions">
        <a className="button button--primary" href={src} download={name} onClick={onDownload} aria-busy={saving}>
          {saving ? 'Preparing download…' : 'Download MP4'}
        </a>
        {onNew && (
          <button type="button" className="button button--quiet" onClick={onNew}>
            Make another
          </button>
        )}
      </div>
    </div>
  );
}
