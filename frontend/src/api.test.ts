import { ApiError, DEFAULT_OPTIONS, cancelTask, createTask, getTask, toApiError, toFormData } from './api';
import { FakeXhr, fakeTaskServer, imageFile, installFakeXhr, task } from './test/fakes';

describe('api', () => {
  it('reads the message out of a JSON error body', () => {
    const error = toApiError(413, '{"error":{"code":"too_large","message":"The image is over 20 MB."}}');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(413);
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('The image is over 20 MB.');
  });

  it('gives words of its own when the error body is not JSON', () => {
    expect(toApiError(503, '<html>Bad gateway</html>').message).toMatch(/busy or unavailable/);
    expect(toApiError(0, '').message).toMatch(/could not be reached/);
  });

  it('puts the options and the file in the form', () => {
    const form = toFormData(imageFile('a.png'), 'a.png', { ...DEFAULT_OPTIONS, effect: 'pan-up', focus: { x: 0.25, y: 0.12345 } });
    expect(form.get('effect')).toBe('pan-up');
    expect(form.get('duration')).toBe('5');
    expect(form.get('fps')).toBe('30');
    expect(form.get('size')).toBe('1280x720');
    expect(form.get('focus')).toBe('0.25,0.123');
    expect((form.get('file') as File).name).toBe('a.png');
  });

  it('uploads with XMLHttpRequest, reporting bytes sent, and resolves with the id', async () => {
    installFakeXhr();
    const progress: number[] = [];
    const { promise } = createTask(imageFile(), 'beach.jpg', DEFAULT_OPTIONS, (p) => progress.push(p.loaded));
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/task');
    xhr.progress(1024, 2048);
    xhr.progress(2048, 2048);
    xhr.respond(200, { id: 'abc' });
    await expect(promise).resolves.toEqual({ id: 'abc' });
    expect(progress).toEqual([1024, 2048]);
  });

  it('rejects an upload with the server message', async () => {
    installFakeXhr();
    const { promise } = createTask(imageFile(), 'beach.jpg', DEFAULT_OPTIONS);
    FakeXhr.last!.respond(415, { error: { code: 'unsupported', message: 'Not an image we can read.' } });
    await expect(promise).rejects.toMatchObject({ status: 415, message: 'Not an image we can read.' });
  });

  it('gets a task and turns a 404 into an ApiError', async () => {
    fakeTaskServer({ 'task-1': [task({ status: 'PROCESSING', progress: 40 })] });
    await expect(getTask('task-1')).resolves.toMatchObject({ progress: 40 });
    await expect(getTask('nope')).rejects.toMatchObject({ status: 404, message: 'Unknown task.' });
  });

  it('treats a server that cannot cancel as "not supported" rather than an error', async () => {
    fakeTaskServer({ 'task-1': [task()] });
    await expect(cancelTask('task-1')).resolves.toBe(false);
  });
});
