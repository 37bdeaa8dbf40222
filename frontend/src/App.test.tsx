import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App';
import { HISTORY_KEY } from './hooks/useHistory';
import { FakeXhr, fakeTaskServer, finished, imageFile, installFakeXhr } from './test/fakes';

vi.mock('./imageFile', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./imageFile')>()),
  readDimensions: () => Promise.resolve({ width: 1600, height: 900 }),
}));

const user = () => userEvent.setup({ applyAccept: false });
const fileInput = () => document.querySelector<HTMLInputElement>('input[type=file]')!;

describe('App', () => {
  beforeEach(() => {
    installFakeXhr();
    fakeTaskServer({ 'task-1': [finished({ filename: 'beach.jpg' })] });
  });

  it('refuses a non-image in the browser, with a clear message', async () => {
    render(<App />);
    await user().upload(fileInput(), new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    expect(screen.getByRole('alert')).toHaveTextContent('notes.txt is not an image');
    expect(screen.getByRole('button', { name: 'Make video' })).toBeDisabled();
    expect(FakeXhr.last).toBeNull();
  });

  it('previews the chosen image with its size and dimensions', async () => {
    render(<App />);
    await user().upload(fileInput(), imageFile('beach.jpg', 2048));
    expect(screen.getByRole('img', { name: 'Preview of beach.jpg' })).toBeInTheDocument();
    expect(await screen.findByText('2.0 KB · 1600 × 900 px')).toBeInTheDocument();
  });

  it('uploads with progress, then shows the finished video and lists it in the history', async () => {
    render(<App />);
    const u = user();
    await u.upload(fileInput(), imageFile('beach.jpg', 2048));
    await u.click(screen.getByRole('radio', { name: 'Zoom in' }));
    screen.getByRole('group', { name: /Point of interest/ }).focus();
    await u.keyboard('{ArrowLeft}');
    await u.click(screen.getByRole('button', { name: 'Make video' }));

    const xhr = FakeXhr.last!;
    expect(xhr.body!.get('effect')).toBe('zoom-in');
    expect(xhr.body!.get('focus')).toBe('0.45,0.5');
    act(() => xhr.progress(1024, 2048));
    expect(screen.getByText('Uploading 1.0 KB of 2.0 KB')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload' })).toHaveAttribute('aria-valuenow', '50');
    await act(async () => xhr.respond(200, { id: 'task-1' }));

    expect(await screen.findByRole('link', { name: 'Download MP4' })).toBeInTheDocument();
    const history = screen.getByRole('list', { name: 'Your videos' });
    expect(within(history).getByText('beach.jpg')).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem(HISTORY_KEY)!)[0]).toMatchObject({ id: 'task-1', effect: 'zoom-in' });
    expect(window.location.hash).toBe('#task=task-1');
  });

  it('shows the server message when the upload is refused, and "Try again" sends it again', async () => {
    render(<App />);
    const u = user();
    await u.upload(fileInput(), imageFile('beach.jpg'));
    await u.click(screen.getByRole('button', { name: 'Make video' }));
    const first = FakeXhr.last!;
    await act(async () => first.respond(422, { error: { code: 'bad_image', message: 'The image is too small (min 64 px).' } }));
    expect(screen.getByRole('alert')).toHaveTextContent('The image is too small (min 64 px).');
    await u.click(screen.getByRole('button', { name: 'Try again' }));
    expect(FakeXhr.last).not.toBe(first);
    expect((FakeXhr.last!.body!.get('file') as File).name).toBe('beach.jpg');
  });

  it('takes an image pasted from the clipboard', async () => {
    render(<App />);
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [imageFile('image.png', 100, 'image/png')] } });
    act(() => {
      window.dispatchEvent(paste);
    });
    expect(await screen.findByRole('img', { name: /Preview of pasted-.*\.png/ })).toBeInTheDocument();
  });

  it('takes an image dropped anywhere on the page', async () => {
    render(<App />);
    const file = imageFile('dropped.jpg');
    fireEvent.dragEnter(window, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(screen.getByText('Drop it here')).toBeInTheDocument();
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(await screen.findByRole('img', { name: 'Preview of dropped.jpg' })).toBeInTheDocument();
  });

  it('reopens the task in the address and the history after a reload', async () => {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([{ id: 'task-1', filename: 'beach.jpg', effect: 'zoom-in', createdAt: new Date().toISOString() }]));
    window.history.replaceState(null, '', '/#task=task-1');
    render(<App />);
    expect(await screen.findByRole('link', { name: 'Download MP4' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Open beach\.jpg/ })).toHaveAttribute('aria-current', 'true');
    await user().click(screen.getByRole('button', { name: 'Remove beach.jpg from the list' }));
    expect(screen.queryByRole('link', { name: 'Download MP4' })).not.toBeInTheDocument();
    expect(screen.getByText(/will be listed here/)).toBeInTheDocument();
  });
});

describe('App, stories', () => {
  beforeEach(() => {
    installFakeXhr();
    fakeTaskServer({ 'task-1': [finished({ filename: 'hall.jpg' })] });
  });

  it('turns several dropped pictures into a story, shown in order before rendering', async () => {
    render(<App />);
    const files = [imageFile('hall.jpg'), imageFile('kitchen.jpg'), imageFile('garden.jpg')];
    fireEvent.drop(window, { dataTransfer: { types: ['Files'], files } });
    expect(await screen.findByRole('radio', { name: 'A story of 2–20 pictures' })).toBeChecked();
    const played = screen.getByRole('list', { name: 'The story as it will play' });
    expect(within(played).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual([
      '1. hall.jpg, 4 s, fades into the next',
      '2. kitchen.jpg, 4 s, fades into the next',
      '3. garden.jpg, 4 s',
    ]);
    expect(screen.getByTestId('story-summary')).toHaveTextContent('3 pictures · 12 s · crossfades · no music');
    expect(screen.queryByRole('group', { name: 'Motion' })).not.toBeInTheDocument();
  });

  it('sends the pictures in order with their captions, the title, the transition and the music', async () => {
    render(<App />);
    const u = user();
    await u.click(screen.getByRole('radio', { name: 'A story of 2–20 pictures' }));
    expect(screen.getByRole('button', { name: 'Make story video' })).toBeDisabled();
    await u.upload(screen.getByTestId('story-input'), [imageFile('hall.jpg', 1000), imageFile('garden.jpg', 1000)]);
    await u.click(screen.getByRole('button', { name: 'Move garden.jpg earlier' }));
    await u.type(screen.getAllByLabelText('Caption')[0], 'Garden');
    await u.type(screen.getByLabelText('Title'), 'Our flat');
    await u.click(screen.getByRole('radio', { name: 'Slide' }));
    await u.upload(screen.getByTestId('audio-input'), new File([new Uint8Array(500)], 'song.mp3', { type: 'audio/mpeg' }));
    expect(screen.getByTestId('audio-name')).toHaveTextContent('song.mp3');
    await u.click(screen.getByRole('radio', { name: /Portrait/ }));
    await u.click(screen.getByRole('button', { name: 'Make story video' }));

    const body = FakeXhr.last!.body!;
    expect((body.getAll('file') as File[]).map((f) => f.name)).toEqual(['garden.jpg', 'hall.jpg']);
    expect(JSON.parse(body.get('story') as string)).toEqual({
      title: 'Our flat',
      transition: { type: 'slide', duration: 0.8 },
      shots: [
        { duration: 4, effect: 'ken-burns', caption: 'Garden' },
        { duration: 4, effect: 'ken-burns' },
      ],
    });
    expect((body.get('audio') as File).name).toBe('song.mp3');
    expect(body.get('size')).toBe('720x1280');
    act(() => FakeXhr.last!.progress(1250, 2500));
    expect(screen.getByText('Uploading 1.2 KB of 2.4 KB')).toBeInTheDocument();
    await act(async () => FakeXhr.last!.respond(200, { id: 'task-1' }));
    expect(await screen.findByRole('link', { name: 'Download MP4' })).toBeInTheDocument();
    expect(within(screen.getByRole('list', { name: 'Your videos' })).getByText('garden.jpg + 1 more')).toBeInTheDocument();
  });

  it('refuses music that is not MP3 or AAC, in the browser', async () => {
    render(<App />);
    const u = user();
    await u.click(screen.getByRole('radio', { name: 'A story of 2–20 pictures' }));
    await u.upload(screen.getByTestId('audio-input'), new File(['x'], 'photo.jpg', { type: 'image/jpeg' }));
    expect(screen.getByRole('alert')).toHaveTextContent('photo.jpg is not music Stillmotion can use');
  });
});
