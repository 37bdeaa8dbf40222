import { checkImageFile, namePasted } from './imageFile';
import { imageFile } from './test/fakes';

describe('checkImageFile', () => {
  it('accepts the image types the server takes', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp']) {
      expect(checkImageFile(imageFile('x', 10, type))).toBeNull();
    }
  });

  it('refuses a file that is not an image, saying what would do', () => {
    expect(checkImageFile(new File(['hi'], 'notes.txt', { type: 'text/plain' }))).toMatch(
      /notes\.txt is not an image.*JPEG, PNG, GIF, BMP or WebP/,
    );
    expect(checkImageFile(imageFile('drawing.svg', 10, 'image/svg+xml'))).toMatch(/not an image/);
  });

  it('falls back on the extension when the browser gives no type', () => {
    expect(checkImageFile(new File(['x'], 'scan.webp', { type: '' }))).toBeNull();
    expect(checkImageFile(new File(['x'], 'scan.tiff', { type: '' }))).toMatch(/not an image/);
  });

  it('names an iPhone HEIC photo and says how to get a JPEG', () => {
    for (const file of [imageFile('IMG_0001.HEIC', 10, 'image/heic'), new File(['x'], 'scan.heic', { type: '' })]) {
      expect(checkImageFile(file)).toMatch(/is a HEIC photo .*Export it as JPEG.*Most Compatible/);
    }
  });

  it('refuses a file over the limit, with both sizes', () => {
    expect(checkImageFile(imageFile('big.png', 3000, 'image/png'), 2048)).toBe(
      'big.png is 2.9 KB, more than the 2.0 KB limit. Choose a smaller image.',
    );
  });

  it('refuses an empty file', () => {
    expect(checkImageFile(imageFile('empty.png', 0, 'image/png'))).toMatch(/empty/);
  });

  it('gives a pasted image a dated name', () => {
    const named = namePasted(imageFile('image.png', 10, 'image/png'), new Date('2026-01-02T03:04:05Z'));
    expect(named.name).toBe('pasted-2026-01-02-03-04-05.png');
    expect(named.type).toBe('image/png');
  });
});
