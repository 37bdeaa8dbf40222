import type { KeyboardEvent, MouseEvent } from 'react';

export interface FocusPoint {
  x: number;
  y: number;
}

interface Props {
  src: string;
  alt: string;
  focus?: FocusPoint;
  onChange: (focus: FocusPoint | undefined) => void;
}

const STEP = 0.05;
const CENTRE: FocusPoint = { x: 0.5, y: 0.5 };

/** The preview doubles as the place to pick where the camera looks: click, or arrow keys. */
export function FocusPicker({ src, alt, focus, onChange }: Props) {
  const point = focus ?? CENTRE;
  const describe = `${Math.round(point.x * 100)}% across, ${Math.round(point.y * 100)}% down`;

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (!box.width || !box.height) return;
    onChange({ x: clamp((e.clientX - box.left) / box.width), y: clamp((e.clientY - box.top) / box.height) });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const move: Record<string, [number, number]> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    if (e.key in move) {
      e.preventDefault();
      const [dx, dy] = move[e.key];
      onChange({ x: clamp(point.x + dx), y: clamp(point.y + dy) });
    } else if (e.key === 'Home' || e.key === 'Escape') {
      e.preventDefault();
      onChange(undefined);
    }
  };

  return (
    <div
      className="focus-picker"
      role="group"
      tabIndex={0}
      aria-label={`Point of interest: ${describe}. Click the picture or use the arrow keys to move it; Home to centre it.`}
      onClick={onClick}
      onKeyDown={onKeyDown}
      data-testid="focus-picker"
    >
      <img src={src} alt={alt} draggable={false} />
      <span
        className={`focus-picker__mark${focus ? ' focus-picker__mark--set' : ''}`}
        style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }}
        aria-hidden="true"
      />
    </div>
  );
}

const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
