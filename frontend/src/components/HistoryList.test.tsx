import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeTaskServer, finished, task } from '../test/fakes';
import { HistoryList } from './HistoryList';

const entries = [
  { id: 'new', filename: 'new.png', effect: 'pan-left', createdAt: '2026-01-02T10:00:00Z' },
  { id: 'old', filename: 'old.jpg', effect: 'zoom-in', createdAt: '2026-01-01T10:00:00Z' },
];

describe('HistoryList', () => {
  beforeEach(() => {
    fakeTaskServer({
      new: [task({ id: 'new', status: 'PROCESSING', progress: 60, filename: 'new.png' })],
      old: [finished({ id: 'old', filename: 'old.jpg' })],
    });
  });

  it('shows each task with its status, progress and thumbnail, in the given order', async () => {
    const { container } = render(<HistoryList entries={entries} selectedId="new" onOpen={() => {}} onRemove={() => {}} />);
    const items = await screen.findAllByTestId('history-item');
    expect(items.map((i) => i.dataset.taskId)).toEqual(['new', 'old']);
    expect(await within(items[0]).findByText('Rendering · 60%')).toBeInTheDocument();
    expect(within(items[0]).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '60');
    expect(await within(items[1]).findByText('Finished')).toBeInTheDocument();
    expect(container.querySelector('img')).toHaveAttribute('src', '/api/v1/task/old/thumbnail');
    expect(screen.getByRole('button', { name: /^Open new\.png, Pan left · .*, Rendering · 60%$/ })).toHaveAttribute('aria-current', 'true');
  });

  it('opens and removes entries', async () => {
    const onOpen = vi.fn();
    const onRemove = vi.fn();
    render(<HistoryList entries={entries} selectedId={null} onOpen={onOpen} onRemove={onRemove} />);
    await userEvent.click(await screen.findByRole('button', { name: /Open old\.jpg/ }));
    expect(onOpen).toHaveBeenCalledWith('old');
    await userEvent.click(screen.getByRole('button', { name: 'Remove new.png from the list' }));
    expect(onRemove).toHaveBeenCalledWith('new');
  });

  it('says what will appear when empty', () => {
    render(<HistoryList entries={[]} selectedId={null} onOpen={() => {}} onRemove={() => {}} />);
    expect(screen.getByText(/will be listed here/)).toBeInTheDocument();
  });
});
