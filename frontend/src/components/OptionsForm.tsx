import { useId } from 'react';
import { EFFECTS, FRAME_RATES, MAX_DURATION, MIN_DURATION, type Easing, type Effect, type FrameRate, type Quality, type RenderOptions, type Size } from '../api';
import { EFFECT_LABELS } from '../format';
import { MotionHint } from './MotionHint';

export type Shape = 'landscape' | 'portrait' | 'square';
export type Resolution = 'hd' | 'fullhd';

const SHAPES: { value: Shape; label: string; ratio: string }[] = [
  { value: 'landscape', label: 'Landscape', ratio: '16:9' },
  { value: 'portrait', label: 'Portrait', ratio: '9:16' },
  { value: 'square', label: 'Square', ratio: '1:1' },
];

const SIZE_OF: Record<Shape, Record<Resolution, Size>> = {
  landscape: { hd: '1280x720', fullhd: '1920x1080' },
  portrait: { hd: '720x1280', fullhd: '1080x1920' },
  square: { hd: '720x720', fullhd: '1080x1080' },
};

export function sizeFor(shape: Shape, resolution: Resolution): Size {
  return SIZE_OF[shape][resolution];
}

export function shapeOf(size: Size): { shape: Shape; resolution: Resolution } {
  for (const shape of Object.keys(SIZE_OF) as Shape[]) {
    for (const resolution of ['hd', 'fullhd'] as Resolution[]) {
      if (SIZE_OF[shape][resolution] === size) return { shape, resolution };
    }
  }
  return { shape: 'landscape', resolution: 'hd' };
}

interface Props {
  options: RenderOptions;
  onChange: (options: RenderOptions) => void;
  loop: boolean;
  onLoopChange: (loop: boolean) => void;
  imageUrl?: string;
  disabled?: boolean;
  /** a story: each picture has its own move and time, so those choices are not shown here */
  story?: boolean;
}

/** The choices for the video: motion, length, frame rate, shape; sensible defaults throughout. */
export function OptionsForm({ options, onChange, loop, onLoopChange, imageUrl, disabled, story }: Props) {
  const ids = { duration: useId(), fps: useId(), resolution: useId(), easing: useId(), quality: useId(), loop: useId() };
  const { shape, resolution } = shapeOf(options.size);
  const set = (patch: Partial<RenderOptions>) => onChange({ ...options, ...patch });
  const aspect = SHAPES.find((s) => s.value === shape)!.ratio.replace(':', ' / ');

  return (
    <fieldset className="options" disabled={disabled}>
      <legend className="visually-hidden">Video options</legend>
      {!story && (
      <div className="options__motion">
        <fieldset className="choices">
          <legend>Motion</legend>
          <div className="choices__list">
            {EFFECTS.map((effect) => (
              <label key={effect} className="chip">
                <input
                  type="radio"
                  name="effect"
                  value={effect}
                  checked={options.effect === effect}
                  onChange={() => set({ effect: effect as Effect })}
                />
                <span>{EFFECT_LABELS[effect]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <MotionHint effect={options.effect} imageUrl={imageUrl} aspect={aspect} focus={options.focus} />
      </div>
      )}

      <fieldset className="choices">
        <legend>Shape</legend>
        <div className="choices__list">
          {SHAPES.map((s) => (
            <label key={s.value} className="chip">
              <input
                type="radio"
                name="shape"
                value={s.value}
                checked={shape === s.value}
                onChange={() => set({ size: sizeFor(s.value, resolution) })}
              />
              <span>
                <span className={`shape-icon shape-icon--${s.value}`} aria-hidden="true" />
                {s.label} <span className="muted">{s.ratio}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="options__grid">
        {!story && (
        <div className="field">
          <div className="field__label">
            <label htmlFor={ids.duration}>Duration</label>
            <output htmlFor={ids.duration} aria-hidden="true">
              {options.duration} s
            </output>
          </div>
          <input
            id={ids.duration}
            type="range"
            min={MIN_DURATION}
            max={MAX_DURATION}
            step={1}
            value={options.duration}
            aria-valuetext={`${options.duration} seconds`}
            onChange={(e) => set({ duration: Number(e.target.value) })}
          />
        </div>
        )}
        <div className="field">
          <label htmlFor={ids.fps}>Frame rate</label>
          <select id={ids.fps} value={options.fps} onChange={(e) => set({ fps: Number(e.target.value) as FrameRate })}>
            {FRAME_RATES.map((fps) => (
              <option key={fps} value={fps}>
                {fps} frames per second
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.resolution}>Resolution</label>
          <select
            id={ids.resolution}
            value={resolution}
            onChange={(e) => set({ size: sizeFor(shape, e.target.value as Resolution) })}
          >
            <option value="hd">HD ({sizeFor(shape, 'hd').replace('x', ' × ')})</option>
            <option value="fullhd">Full HD ({sizeFor(shape, 'fullhd').replace('x', ' × ')})</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.easing}>Movement</label>
          <select
            id={ids.easing}
            value={options.easing ?? 'ease-in-out'}
            onChange={(e) => set({ easing: e.target.value as Easing })}
          >
            <option value="ease-in-out">Smooth start and stop</option>
            <option value="linear">Steady</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.quality}>Quality</label>
          <select
            id={ids.quality}
            value={options.quality ?? 'medium'}
            onChange={(e) => set({ quality: e.target.value as Quality })}
          >
            <option value="low">Small file</option>
            <option value="medium">Balanced</option>
            <option value="high">Best picture</option>
          </select>
        </div>
        <div className="field field--check">
          <input id={ids.loop} type="checkbox" checked={loop} onChange={(e) => onLoopChange(e.target.checked)} />
          <label htmlFor={ids.loop}>Loop the video when it plays</label>
        </div>
      </div>
    </fieldset>
  );
}
