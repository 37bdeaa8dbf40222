import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { DEFAULT_OPTIONS, DEFAULT_TRANSITION_SECONDS, MAX_STORY_SECONDS, MIN_STORY_IMAGES, storySeconds, type RenderOptions, type StoryRequest } from './api';
import { primeTask } from './taskStore';
import { useHistory } from './hooks/useHistory';
import { usePageDrop, usePastedImage } from './hooks/useImageInput';
import { useSelectedImage } from './hooks/useSelectedImage';
import { useStoryShots } from './hooks/useStoryShots';
import { useUpload } from './hooks/useUpload';
import { HistoryList } from './components/HistoryList';
import { ImagePicker } from './components/ImagePicker';
import { OptionsForm } from './components/OptionsForm';
import { StoryBoard } from './components/StoryBoard';
import { StoryPicker } from './components/StoryPicker';
import { StorySettings, type StorySettingsValue } from './components/StorySettings';
import { StoryTimeline } from './components/StoryTimeline';
import { TaskPanel } from './components/TaskPanel';
import { UploadStatus } from './components/UploadStatus';

type Mode = 'single' | 'story';

interface Submission {
  file?: File;
  story?: StoryRequest;
  name: string;
  options: RenderOptions;
  taskId?: string;
}

const STORY_DEFAULTS: StorySettingsValue = {
  transition: 'crossfade',
  transitionDuration: DEFAULT_TRANSITION_SECONDS,
  title: '',
  audio: null,
};

export function App() {
  const { image, error: imageError, choose, clear } = useSelectedImage();
  const { state: upload, upload: send, uploadStory, abort, reset } = useUpload();
  const shots = useStoryShots();
  const [mode, setMode] = useState<Mode>('single');
  const [storySettings, setStorySettings] = useState<StorySettingsValue>(STORY_DEFAULTS);
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
  const onFiles = useCallback(
    (files: File[]) => {
      if (uploading) return;
      if (files.length > 1 || mode === 'story') {
        reset();
        setMode('story');
        shots.add(files);
      } else {
        onFile(files[0]);
      }
    },
    [mode, onFile, reset, shots, uploading],
  );
  const dragging = usePageDrop(onFiles);
  usePastedImage(onFiles);

  const submit = async (submission: Submission) => {
    lastSubmission.current = submission;
    const id = submission.story
      ? await uploadStory(submission.story, submission.options)
      : await send(submission.file!, submission.options);
    if (!id) return;
    submission.taskId = id;
    const createdAt = new Date().toISOString();
    const effect = submission.story ? 'story' : submission.options.effect;
    primeTask({ id, status: 'PENDING', progress: 0, filename: submission.name, options: { ...submission.options }, createdAt });
    history.add({ id, filename: submission.name, effect, createdAt });
    setCurrentId(id);
    requestAnimationFrame(() => taskHeading.current?.focus());
  };

  const storyReady = shots.shots.length >= MIN_STORY_IMAGES && storySeconds(shots.shots) <= MAX_STORY_SECONDS;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (uploading) return;
    if (mode === 'story') {
      if (!storyReady) return;
      const first = shots.shots[0].file.name;
      void submit({
        story: { shots: shots.shots.map(({ file, effect, duration, caption }) => ({ file, effect, duration, caption })), ...storySettings },
        name: `${first} + ${shots.shots.length - 1} more`,
        options,
      });
    } else if (image) {
      void submit({ file: image.file, name: image.file.name, options });
    }
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
          <fieldset className="mode" disabled={uploading}>
            <legend className="visually-hidden">What to make</legend>
            <label className="mode__choice">
              <input type="radio" name="mode" value="single" checked={mode === 'single'} onChange={() => setMode('single')} />
              <span>One picture</span>
            </label>
            <label className="mode__choice">
              <input type="radio" name="mode" value="story" checked={mode === 'story'} onChange={() => setMode('story')} />
              <span>A story of 2–20 pictures</span>
            </label>
          </fieldset>
          {mode === 'single' ? (
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
          ) : (
            <>
              <StoryPicker count={shots.shots.length} error={shots.error} dragging={dragging} disabled={uploading} onFiles={shots.add} onClear={shots.clear} />
              {shots.shots.length > 0 && (
                <StoryBoard shots={shots.shots} disabled={uploading} onMove={shots.move} onChange={shots.update} onRemove={shots.remove} />
              )}
              <StorySettings value={storySettings} onChange={setStorySettings} disabled={uploading} />
              {shots.shots.length > 0 && (
                <StoryTimeline
                  shots={shots.shots}
                  transition={storySettings.transition}
                  title={storySettings.title}
                  audioName={storySettings.audio?.name}
                />
              )}
            </>
          )}
          <OptionsForm
            options={options}
            onChange={setOptions}
            loop={loop}
            onLoopChange={setLoop}
            imageUrl={image?.dimensions === null ? undefined : image?.url}
            disabled={uploading}
            story={mode === 'story'}
          />
          <div className="create__submit">
            {mode === 'single' ? (
              <>
                <button type="submit" className="button button--primary button--large" disabled={!image || uploading}>
                  {uploading ? 'Sending…' : 'Make video'}
                </button>
                {!image && <span className="muted">Choose an image first.</span>}
              </>
            ) : (
              <>
                <button type="submit" className="button button--primary button--large" disabled={!storyReady || uploading}>
                  {uploading ? 'Sending…' : 'Make story video'}
                </button>
                {shots.shots.length < MIN_STORY_IMAGES && <span className="muted">Add at least {MIN_STORY_IMAGES} pictures.</span>}
              </>
            )}
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
