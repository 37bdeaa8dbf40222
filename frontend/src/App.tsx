import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { DEFAULT_OPTIONS, type RenderOptions } from './api';
import { primeTask } from './taskStore';
import { useHistory } from './hooks/useHistory';
import { usePageDrop, usePastedImage } from './hooks/useImageInput';
import { useSelectedImage } from './hooks/useSelectedImage';
import { useUpload } from './hooks/useUpload';
import { HistoryList } from './components/HistoryList';
import { ImagePicker } from './components/ImagePicker';
import { OptionsForm } from './components/OptionsForm';
import { TaskPanel } from './components/TaskPanel';
import { UploadStatus } from './components/UploadStatus';

interface Submission {
  file: File;
  options: RenderOptions;
  taskId?: string;
}

export function App() {
  const { image, error: imageError, choose, clear } = useSelectedImage();
  const { state: upload, upload: send, abort, reset } = useUpload();
  const history = useHistory();
  const [options, setOptions] = useState<RenderOptions>(DEFAULT_OPTIONS);
  const [loop, setLoop] = useState(true);
  const [currentId, setCurrentId] = useCurrentTaskId();
  const lastSubmission = useRef<Submission | null>(null);
  const taskHeading = useRef<HTMLHeadingElement>(null);
  const uploading = upload.phase === 'uploading';

  const onFile = useCallback(
    (file: File) => {
      if (!uploading) {
        reset();
        if (choose(file)) setOptions((o) => ({ ...o, focus: undefined }));
      }
    },
    [choose, reset, uploading],
  );
  const dragging = usePageDrop(onFile);
  usePastedImage(onFile);

  const submit = async (submission: Submission) => {
    lastSubmission.current = submission;
    const id = await send(submission.file, submission.options);
    if (!id) return;
    submission.taskId = id;
    const createdAt = new Date().toISOString();
    primeTask({ id, status: 'PENDING', progress: 0, filename: submission.file.name, options: { ...submission.options }, createdAt });
    history.add({ id, filename: submission.file.name, effect: submission.options.effect, createdAt });
    setCurrentId(id);
    requestAnimationFrame(() => taskHeading.current?.focus());
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (image && !uploading) void submit({ file: image.file, options });
  };
  const retry = () => {
    if (lastSubmission.current) void submit({ ...lastSubmission.current, taskId: undefined });
  };
  const canRetry = currentId !== null && lastSubmission.current?.taskId === currentId;

  const onRemove = (id: string) => {
    history.remove(id);
    if (id === currentId) setCurrentId(null);
  };

  return (
    <div className={`app${dragging ? ' app--dragging' : ''}`}>
      <header className="app__header">
        <span className="logo" aria-hidden="true" />
        <div>
          <h1>Stillmotion</h1>
          <p className="muted">Bring a still picture to life: a short zoom, pan or Ken Burns video, ready to share.</p>
        </div>
      </header>
      <main className="app__main">
        <form id="create" className="card create" onSubmit={onSubmit} aria-labelledby="create-heading" noValidate>
          <h2 id="create-heading">Make a video</h2>
          <ImagePicker
            image={image}
            error={imageError}
            dragging={dragging}
            disabled={uploading}
            onFile={onFile}
            onClear={() => {
              clear();
              reset();
            }}
            focus={options.focus}
            onFocusChange={(focus) => setOptions((o) => ({ ...o, focus }))}
          />
          <OptionsForm
            options={options}
            onChange={setOptions}
            loop={loop}
            onLoopChange={setLoop}
            imageUrl={image?.dimensions === null ? undefined : image?.url}
            disabled={uploading}
          />
          <div className="create__submit">
            <button type="submit" className="button button--primary button--large" disabled={!image || uploading}>
              {uploading ? 'Sending…' : 'Make video'}
            </button>
            {!image && <span className="muted">Choose an image first.</span>}
          </div>
          <UploadStatus state={upload} onCancel={abort} onRetry={retry} />
        </form>

        <div className="app__side">
          {currentId && (
            <TaskPanel
              key={currentId}
              ref={taskHeading}
              id={currentId}
              name={history.entries.find((e) => e.id === currentId)?.filename}
              loop={loop}
              onRetry={canRetry ? retry : undefined}
              onNew={() => setCurrentId(null)}
            />
          )}
          <section className="card" aria-labelledby="history-heading">
            <div className="section-head">
              <h2 id="history-heading">Your videos</h2>
              {history.entries.length > 1 && (
                <button type="button" className="button button--quiet button--small" onClick={history.clear}>
                  Clear list
                </button>
              )}
            </div>
            <HistoryList entries={history.entries} selectedId={currentId} onOpen={setCurrentId} onRemove={onRemove} />
          </section>
        </div>
      </main>
      <footer className="app__footer muted">
        Videos made here are listed in this browser only. Removing one from the list does not delete it from the server.
      </footer>
    </div>
  );
}

/** The task on show, kept in the address (#task=…) so a reload or a shared link opens it again. */
function useCurrentTaskId(): [string | null, (id: string | null) => void] {
  const read = () => new URLSearchParams(window.location.hash.slice(1)).get('task');
  const [id, setId] = useState<string | null>(read);
  useEffect(() => {
    const onHash = () => setId(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const set = useCallback((next: string | null) => {
    setId(next);
    const url = next ? `#task=${encodeURIComponent(next)}` : window.location.pathname + window.location.search;
    window.history.replaceState(null, '', url);
  }, []);
  return [id, set];
}
