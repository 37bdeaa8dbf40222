import { act, fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useStoryShots } from '../hooks/useStoryShots';
import { imageFile } from '../test/fakes';
import { StoryBoard } from './StoryBoard';

function Board({ names }: { names: string[] }) {
  const story = useStoryShots();
  return (
    <>
      <button type="button" onClick={() => story.add(names.map((n) => imageFile(n)))}>
        add
      </button>
      <StoryBoard shots={story.shots} onMove={story.move} onChange={story.update} onRemove={story.remove} />
      <pre data-testid="state">{JSON.stringify(story.shots.map((s) => [s.file.name, s.effect, s.duration, s.caption]))}</pre>
    </>
  );
}

const order = () => screen.getAllByTestId('shot').map((li) => li.querySelector('.shot__name')!.textContent);

async function setUp(names = ['hall.jpg', 'kitchen.jpg', 'garden.jpg']) {
  const user = userEvent.setup();
  render(<Board names={names} />);
  await user.click(screen.getByRole('button', { name: 'add' }));
  return user;
}

describe('StoryBoard', () => {
  it('lists the pictures in order, numbered', async () => {
    await setUp();
    const list = screen.getByRole('list', { name: 'Pictures of the story, in order' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByRole('button', { name: /^Picture 2 of 3: kitchen.jpg/ })).toBeInTheDocument();
  });

  it('reorders with the keyboard alone, keeps focus on the moved picture and says where it went', async () => {
    const user = await setUp();
    screen.getByRole('button', { name: /^Picture 1 of 3: hall.jpg/ }).focus();
    await user.keyboard('{ArrowDown}');
    expect(order()).toEqual(['kitchen.jpg', 'hall.jpg', 'garden.jpg']);
    expect(screen.getByRole('status')).toHaveTextContent('hall.jpg moved to position 2 of 3.');
    await act(() => new Promise(requestAnimationFrame));
    expect(document.activeElement).toHaveAccessibleName(/^Picture 2 of 3: hall.jpg/);
    await user.keyboard('{End}');
    expect(order()).toEqual(['kitchen.jpg', 'garden.jpg', 'hall.jpg']);
    await act(() => new Promise(requestAnimationFrame));
    await user.keyboard('{Home}');
    expect(order()).toEqual(['hall.jpg', 'kitchen.jpg', 'garden.jpg']);
  });

  it('reorders with the earlier/later buttons, which stop at the ends', async () => {
    const user = await setUp();
    expect(screen.getByRole('button', { name: 'Move hall.jpg earlier' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move garden.jpg later' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Move garden.jpg earlier' }));
    expect(order()).toEqual(['hall.jpg', 'garden.jpg', 'kitchen.jpg']);
  });

  it('reorders by dragging a card onto another', async () => {
    await setUp();
    const cards = screen.getAllByTestId('shot');
    const data = { effectAllowed: '', setData: () => {} };
    fireEvent.dragStart(cards[2], { dataTransfer: data });
    fireEvent.dragEnter(cards[0], { dataTransfer: data });
    fireEvent.dragOver(cards[0], { dataTransfer: data });
    fireEvent.drop(cards[0], { dataTransfer: data });
    expect(order()).toEqual(['garden.jpg', 'hall.jpg', 'kitchen.jpg']);
  });

  it("sets each picture's move, time and caption, and removes one", async () => {
    const user = await setUp(['a.jpg', 'b.jpg']);
    const second = screen.getAllByTestId('shot')[1];
    await user.selectOptions(within(second).getByLabelText('Move'), 'Pan left');
    const seconds = within(second).getByLabelText('Seconds');
    await user.clear(seconds);
    await user.type(seconds, '6.5');
    await user.type(within(second).getByLabelText('Caption'), 'The garden');
    expect(JSON.parse(screen.getByTestId('state').textContent!)).toEqual([
      ['a.jpg', 'ken-burns', 4, ''],
      ['b.jpg', 'pan-left', 6.5, 'The garden'],
    ]);
    await user.click(screen.getByRole('button', { name: 'Remove a.jpg' }));
    expect(order()).toEqual(['b.jpg']);
    expect(screen.getByRole('status')).toHaveTextContent('a.jpg removed.');
  });
});

describe('useStoryShots', () => {
  it('takes at most 20 pictures and refuses files that are not images, saying why', () => {
    const { result } = renderHook(() => useStoryShots());
    const many = Array.from({ length: 22 }, (_, i) => imageFile(`p${i}.jpg`));
    act(() => result.current.add([...many, new File(['x'], 'notes.txt', { type: 'text/plain' })]));
    expect(result.current.shots).toHaveLength(20);
    expect(result.current.error).toContain('notes.txt is not an image');
    expect(result.current.error).toContain('at most 20 pictures: 2 not added');
    act(() => result.current.move(19, 0));
    expect(result.current.shots[0].file.name).toBe('p19.jpg');
    act(() => result.current.clear());
    expect(result.current.shots).toHaveLength(0);
  });
});
