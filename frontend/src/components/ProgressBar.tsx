interface Props {
  value: number;
  label: string;
  valueText?: string;
  indeterminate?: boolean;
}

/** A bar that glides between values (CSS transition), announced as a progressbar. */
export function ProgressBar({ value, label, valueText, indeterminate = false }: Props) {
  const clamped = Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress${indeterminate ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : Math.round(clamped)}
      aria-valuetext={valueText}
    >
      <div className="progress__fill" style={{ transform: `scaleX(${indeterminate ? 1 : clamped / 100})` }} />
    </div>
  );
}
