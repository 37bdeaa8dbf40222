import { DEFAULT_OPTIONS, createStory, fitTransition, storyDocument, toStoryFormData, type StoryRequest } from './api';
import { FakeXhr, imageFile, installFakeXhr } from './test/fakes';

const story = (overrides: Partial<StoryRequest> = {}): StoryRequest => ({
  shots: [
    { file: imageFile('hall.jpg', 100), effect: 'zoom-in', duration: 3, caption: ' The hall ' },
    { file: imageFile('kitchen.png', 200, 'image/png'), effect: 'pan-left', duration: 5, caption: '' },
  ],
  transition: 'crossfade',
  transitionDuration: 0.8,
  title: 'Our flat',
  ...overrides,
});

describe('story requests', () => {
  it('describe every picture in the story document, in order, with the title and the transition', () => {
    expect(JSON.parse(storyDocument(story()))).toEqual({
      title: 'Our flat',
      transition: { type: 'crossfade', duration: 0.8 },
      shots: [
        { duration: 3, effect: 'zoom-in', caption: 'The hall' },
        { duration: 5, effect: 'pan-left' },
      ],
    });
    expect(JSON.parse(storyDocument(story({ transition: 'cut', title: ' ' })))).toEqual({
      transition: { type: 'cut' },
      shots: expect.any(Array),
    });
  });

  it('shorten a transition to half of the shortest picture, as the server requires', () => {
    expect(fitTransition(2, [{ duration: 1 }, { duration: 4 }])).toBe(0.5);
    expect(fitTransition(0.8, [{ duration: 4 }, { duration: 4 }])).toBe(0.8);
    expect(JSON.parse(storyDocument(story({ transitionDuration: 3 }))).transition.duration).toBe(1.5);
  });

  it('send the pictures in order as repeated file fields, with the output options and the music', () => {
    const music = new File([new Uint8Array(50)], 'song.mp3', { type: 'audio/mpeg' });
    const form = toStoryFormData(story({ audio: music }), { ...DEFAULT_OPTIONS, size: '720x1280' });
    expect((form.getAll('file') as File[]).map((f) => f.name)).toEqual(['hall.jpg', 'kitchen.png']);
    expect((form.get('audio') as File).name).toBe('song.mp3');
    expect(form.get('size')).toBe('720x1280');
    expect(form.get('effect')).toBeNull();
    expect(form.get('duration')).toBeNull();
    expect(JSON.parse(form.get('story') as string).shots).toHaveLength(2);
  });

  it('report upload progress against all the files of the story', async () => {
    installFakeXhr();
    const seen: number[] = [];
    const handle = createStory(story(), DEFAULT_OPTIONS, (p) => seen.push(p.total));
    FakeXhr.last!.upload.onprogress!({ loaded: 10, total: 0, lengthComputable: false });
    FakeXhr.last!.respond(200, { id: 'story-1' });
    await expect(handle.promise).resolves.toEqual({ id: 'story-1' });
    expect(seen).toEqual([300]);
    expect(FakeXhr.last!.url).toBe('/api/v1/task');
  });
});
