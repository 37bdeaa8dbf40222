import { MAX_STORY_SECONDS, storySeconds, type Transition } from '../api';
import { formatSeconds } from '../format';
import type { ShotDraft } from '../hooks/useStoryShots';

interface Props {
  shots: ShotDraft[];
  transition: Transition;
  title: string;
  audioName?: string;
}

const JOIN: Record<Transition, string> = { crossfade: 'fades into', slide: 'slides into', cut: 'cuts to' };

/** The story as it will play, before rendering: each picture as long as its time, in order. */
export function StoryTimeline({ shots, transition, title, audioName }: Props) {
  const total = storySeconds(shots);
  const tooLong = total > MAX_STORY_SECONDS;
  return (
    <figure className="timeline">
      <ol className="timeline__strip" aria-label="The story as it will play">
        {shots.map((shot, i) => (
          <li
            key={shot.key}
            className="timeline__shot"
            style={{ flexGrow: shot.duration }}
            aria-label={`${i + 1}. ${shot.file.name}, ${formatSeconds(shot.duration)}${shot.caption.trim() ? `, caption “${shot.caption.trim()}”` : ''}${i < shots.length - 1 ? `, ${JOIN[transition]} the next` : ''}`}
          >
            <img src={shot.url} alt="" />
            {i === 0 && title.trim() && <span className="timeline__title">{title.trim()}</span>}
            {shot.caption.trim() && <span className="timeline__caption">{shot.caption.trim()}</span>}
          </li>
        ))}
      </ol>
      <figcaption className={tooLong ? 'notice notice--error' : 'muted'} data-testid="story-summary">
        {shots.length} pictures · {formatSeconds(total)}
        {transition !== 'cut' ? ` · ${transition === 'crossfade' ? 'crossfades' : 'slides'}` : ' · cuts'}
        {audioName ? ` · music: ${audioName}` : ' · no music'}
        {tooLong && ` — a story lasts at most ${formatSeconds(MAX_STORY_SECONDS)}: shorten some pictures.`}
      </figcaption>
    </figure>
  );
}
