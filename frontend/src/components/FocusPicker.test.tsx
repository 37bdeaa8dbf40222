import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { FocusPicker, type FocusPoint } from './FocusPicker';

function Harness({ onChange }: { onChange: (f: FocusPoint | undefined) => void }) {
  const [focus, setFocus] = useState<FocusPoint | undefined>();
  return (
    <FocusPicker
      src="blob:x"
      alt="Preview of beach.jpg"
      focus={focus}
      onChange={(f) => {
        setFocus(f);
        onChange(f);
      }}
    />
  );
}

describe('FocusPicker', () => {
  it('sets the point where the picture is clicked', () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    const picker = screen.getByTestId('focus-picker');
    picker.getBoundingClientRect = () => ({ left: 100, top: 50, width: 400, height: 200 }) as DOMRect;
    fireEvent.click(picker, { clientX: 200, clientY: 200 });
    expect(onChange).toHaveBeenLastCalledWith({ x: 0.25, y: 0.75 });
  });

  it('moves with the arrow keys and re-centres with Home, saying where it is', async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    screen.getByTestId('focus-picker').focus();
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowUp}');
    expect(onChange).toHaveBeenLastCalledWith({ x: 0.6, y: 0.45 });
    expect(screen.getByRole('group', { name: /60% across, 45% down/ })).toBeInTheDocument();
    await userEvent.keyboard('{Home}');
    expect(onChange).toHaveBeenLastCalledWith(undefined);
  });
});
