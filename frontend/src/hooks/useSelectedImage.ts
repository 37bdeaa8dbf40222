import { useCallback, useEffect, useState } from 'react';
import { checkImageFile, readDimensions, type Dimensions } from '../imageFile';

export interface SelectedImage {
  file: File;
  url: string;
  /** undefined while decoding, null when the browser cannot decode it */
  dimensions?: Dimensions | null;
}

/** The image chosen for the next video: checked, previewed and measured. */
export function useSelectedImage() {
  const [image, setImage] = useState<SelectedImage | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = useCallback((file: File) => {
    const problem = checkImageFile(file);
    setError(problem);
    if (problem) return false;
    setImage({ file, url: URL.createObjectURL(file) });
    return true;
  }, []);

  const clear = useCallback(() => {
    setImage(null);
    setError(null);
  }, []);

  const url = image?.url;
  useEffect(() => {
    if (!url) return;
    let live = true;
    readDimensions(url).then((dimensions) => {
      if (live) setImage((img) => (img && img.url === url ? { ...img, dimensions } : img));
    });
    return () => {
      live = false;
      URL.revokeObjectURL(url);
    };
  }, [url]);

  return { image, error, choose, clear };
}
