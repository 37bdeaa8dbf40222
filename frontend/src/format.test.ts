import { displayName, downloadName, effectLabel, formatBytes, formatSeconds, parseSize, taskKind } from './format';

describe('format', () => {
  it('names the download after the image and the motion', () => {
    expect(downloadName('Holiday Photo.JPG', 'zoom-in')).toBe('holiday-photo-zoom-in.mp4');
    expect(downloadName('Café à Paris.png', 'ken-burns')).toBe('cafe-a-paris-ken-burns.mp4');
    expect(downloadName(undefined, undefined)).toBe('stillmotion.mp4');
    expect(downloadName('***.png', 'pan-left')).toBe('stillmotion-pan-left.mp4');
  });

  it('writes sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatSeconds(4.4)).toBe('4 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatSeconds(120)).toBe('2 min');
  });

  it('parses an output size', () => {
    expect(parseSize('720x1280')).toEqual({ width: 720, height: 1280 });
  });
});

describe('displayName', () => {
  it('prefers the name this browser knew, else the end of the server path', () => {
    expect(displayName('beach.jpg', '/uploads/1234.jpg')).toBe('beach.jpg');
    expect(displayName(undefined, '/uploads/1234.jpg')).toBe('1234.jpg');
    expect(displayName(undefined, undefined)).toBe('Your video');
  });

  it('names a story by its number of pictures, a single image by its motion', () => {
    const story = { title: null, duration: 8, transitions: [], shots: [1, 2].map(() => ({ duration: 4, effect: 'zoom-in', caption: null })) };
    expect(taskKind({ story, options: { effect: 'ken-burns' } })).toBe('Story of 2 pictures');
    expect(taskKind({ options: { effect: 'pan-left' } })).toBe('Pan left');
    expect(effectLabel('story')).toBe('Story');
  });
});
