import type { Effect } from '../api';
import { EFFECT_LABELS } from '../format';

interface Props {
  effect: Effect;
  imageUrl?: string;
  aspect: string;
  focus?: { x: number; y: number };
}

/** A tiny looping preview of the chosen camera move, on the chosen picture when there is one. */
export function MotionHint({ effect, imageUrl, aspect, focus }: Props) {
  const origin = focus ? `${focus.x * 100}% ${focus.y * 100}%` : undefined;
  return (
    <div className="hint" style={{ aspectRatio: aspect }} role="img" aria-label={`Motion preview: ${EFFECT_LABELS[effect]}`}>
      <div
        key={effect}
        className={`hint__picture hint__picture--${effect}${imageUrl ? '' : ' hint__picture--sample'}`}
        style={{ backgroundImage: imageUrl ? `url("${imageUrl}")` : undefined, transformOrigin: origin }}
        data-testid="motion-hint"
      />
    </div>
  );
}
