import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { DEFAULT_OPTIONS, type RenderOptions } from '../api';
import { OptionsForm } from './OptionsForm';

function Harness({ onChange }: { onChange: (o: RenderOptions) => void }) {
  const [options, setOptions] = useState(DEFAULT_OPTIONS);
  const [loop, setLoop] = useState(true);
  return (
    <OptionsForm
      options={options}
      onChange={(o) => {
        setOptions(o);
        onChange(o);
      }}
      loop={loop}
      onLoopChange={setLoop}
    />
  );
}

describe('OptionsForm', () => {
  it('starts from sensible defaults', () => {
    render(<Harness onChange={() => {}} />);
    expect(screen.getByRole('radio', { name: 'Ken Burns' })).toBeChecked();
    expect(screen.getByRole('radio', { name: /Landscape/ })).toBeChecked();
    expect(screen.getByLabelText(/Duration/)).toHaveValue('5');
    expect(screen.getByLabelText('Frame rate')).toHaveValue('30');
    expect(screen.getByRole('checkbox', { name: /Loop/ })).toBeChecked();
  });

  it('changes motion, and the animated hint follows', async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    await userEvent.click(screen.getByRole('radio', { name: 'Pan up' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ effect: 'pan-up' }));
    expect(screen.getByTestId('motion-hint')).toHaveClass('hint__picture--pan-up');
    expect(screen.getByRole('img', { name: 'Motion preview: Pan up' })).toBeInTheDocument();
  });

  it('maps shape and resolution to an output size', async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    await userEvent.click(screen.getByRole('radio', { name: /Portrait/ }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ size: '720x1280' }));
    await userEvent.selectOptions(screen.getByLabelText('Resolution'), 'fullhd');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ size: '1080x1920' }));
    await userEvent.click(screen.getByRole('radio', { name: /Square/ }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ size: '1080x1080' }));
  });

  it('sets duration and frame rate', async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    fireEvent.change(screen.getByLabelText(/Duration/), { target: { value: '12' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ duration: 12 }));
    expect(screen.getByText('12 s')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Frame rate'), '60');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ fps: 60 }));
  });

  it('can be used with the keyboard alone', async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    screen.getByRole('radio', { name: 'Ken Burns' }).focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ effect: 'zoom-in' }));
  });
});
