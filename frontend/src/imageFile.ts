import { ACCEPTED_AUDIO_EXTENSIONS, ACCEPTED_AUDIO_TYPES, ACCEPTED_EXTENSIONS, ACCEPTED_TYPES, MAX_UPLOAD_BYTES } from './api';
import { formatBytes } from './format';

/** Says why a file cannot be sent, in words; null when it may be sent. */
export function checkImageFile(file: File, maxBytes = MAX_UPLOAD_BYTES): string | null {
  const name = file.name || 'This file';
  if (!looksLikeImage(file)) {
    if (isHeic(file)) {
      return (
        `${name} is a HEIC photo (what iPhones take by default), which Stillmotion cannot use. Export it as JPEG, ` +
        'or set the camera to Most Compatible (Settings > Camera > Formats).'
      );
    }
    return `${name} is not an image Stillmotion can use. Choose a JPEG, PNG, GIF, BMP or WebP picture.`;
  }
  if (file.size === 0) return `${name} is empty.`;
  if (file.size > maxBytes) {
    return `${name} is ${formatBytes(file.size)}, more than the ${formatBytes(maxBytes)} limit. Choose a smaller image.`;
  }
  return null;
}

function isHeic(file: File): boolean {
  const type = file.type.toLowerCase();
  return /^image\/hei[cf](-sequence)?$/.test(type) || /\.hei[cf]$/i.test(file.name);
}

function looksLikeImage(file: File): boolean {
  if (file.type) return ACCEPTED_TYPES.includes(file.type.toLowerCase());
  const lower = file.name.toLowerCase();
  return ACCEPTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Says why a file cannot be the story's music, in words; null when it may be sent. */
export function checkAudioFile(file: File, maxBytes = MAX_UPLOAD_BYTES): string | null {
  const name = file.name || 'This file';
  const lower = file.name.toLowerCase();
  const known = file.type
    ? ACCEPTED_AUDIO_TYPES.includes(file.type.toLowerCase())
    : ACCEPTED_AUDIO_EXTENSIONS.some((ext) => lower.endsWith(ext));
  if (!known) return `${name} is not music Stillmotion can use. Choose an MP3 or AAC (M4A) file.`;
  if (file.size === 0) return `${name} is empty.`;
  if (file.size > maxBytes) return `${name} is ${formatBytes(file.size)}, more than the ${formatBytes(maxBytes)} limit.`;
  return null;
}

export interface Dimensions {
  width: number;
  height: number;
}

/** Decodes the image in the browser to learn its size; resolves null if it cannot be decoded. */
export function readDimensions(url: string): Promise<Dimensions | null> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img.naturalWidth ? { width: img.naturalWidth, height: img.naturalHeight } : null);
    img.onerror = () => resolve(null);
    img.src = url;
  });
}

/** A pasted image often has a generic name such as "image.png": give it a dated one. */
export function namePasted(file: File, now = new Date()): File {
  const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new File([file], `pasted-${stamp}.${ext}`, { type: file.type, lastModified: file.lastModified });
}
