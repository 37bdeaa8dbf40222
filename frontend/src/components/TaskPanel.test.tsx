import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeTaskServer, finished, task } from '../test/fakes';
import { TaskPanel } from './TaskPanel';

describe('TaskPanel', () => {
  it('shows status, percent and a progress bar while rendering, announced politely', async () => {
    fakeTaskServer({ 'task-1': [task({ status: 'PROCESSING', progress: 42 })] });
    render(<TaskPanel id="task-1" loop />);
    expect(await screen.findByText('42%')).toBeInTheDocument();
    expect(screen.getByTestId('task-status')).toHaveTextContent('Rendering');
    const bar = screen.getByRole('progressbar', { name: 'Rendering' });
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByText('Rendering, 40%')).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByRole('heading', { name: /beach\.jpg.*Zoom in/ })).toBeInTheDocument();
  });

  it('plays the finished video with its poster and offers a well-named download', async () => {
    fakeTaskServer({ 'task-1': [finished()] });
    const { container } = render(<TaskPanel id="task-1" loop />);
    const download = await screen.findByRole('link', { name: 'Download MP4' });
    expect(download).toHaveAttribute('href', '/api/v1/video/task-1');
    expect(download).toHaveAttribute('download', 'beach-zoom-in.mp4');
    const video = container.querySelector('video')!;
    expect(video).toHaveAttribute('src', '/api/v1/video/task-1');
    expect(video).toHaveAttribute('poster', '/api/v1/task/task-1/poster');
    expect(video.loop).toBe(true);
    expect(screen.getByText('Your video is ready.')).toBeInTheDocument();
  });

  it('names things after the original file even when the server keeps its own path', async () => {
    fakeTaskServer({ 'task-1': [finished({ filename: '/uploads/task-1.jpg' })] });
    render(<TaskPanel id="task-1" name="Summer Beach.jpg" loop />);
    const download = await screen.findByRole('link', { name: 'Download MP4' });
    expect(download).toHaveAttribute('download', 'summer-beach-zoom-in.mp4');
    expect(screen.getByRole('heading', { name: /Summer Beach\.jpg/ })).toBeInTheDocument();
  });

  it('does not loop when looping is off', async () => {
    fakeTaskServer({ 'task-1': [finished()] });
    const { container } = render(<TaskPanel id="task-1" loop={false} />);
    await screen.findByRole('link', { name: 'Download MP4' });
    expect(container.querySelector('video')!.loop).toBe(false);
  });

  it('says why it failed and offers to try again', async () => {
    fakeTaskServer({ 'task-1': [task({ status: 'FAILED', message: 'The image could not be decoded.' })] });
    const onRetry = vi.fn();
    render(<TaskPanel id="task-1" loop onRetry={onRetry} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The image could not be decoded.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('without the original file, explains how to try again', async () => {
    fakeTaskServer({ 'task-1': [task({ status: 'FAILED', message: 'Out of memory.' })] });
    render(<TaskPanel id="task-1" loop />);
    expect(await screen.findByText(/choose the image again/)).toBeInTheDocument();
  });

  it('tells when the task is gone from the server', async () => {
    fakeTaskServer({});
    render(<TaskPanel id="old" loop />);
    expect(await screen.findByRole('alert')).toHaveTextContent('no longer on the server');
  });

  it('tolerates a server that cannot cancel', async () => {
    fakeTaskServer({ 'task-1': [task({ status: 'PROCESSING', progress: 10 })] });
    render(<TaskPanel id="task-1" loop />);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('This server cannot cancel a task.')).toBeInTheDocument();
  });
});
