import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { resetTaskStore } from '../taskStore';

afterEach(() => {
  cleanup();
  resetTaskStore();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

// jsdom has no object URLs.
if (!URL.createObjectURL) {
  URL.createObjectURL = () => 'blob:fake';
  URL.revokeObjectURL = () => {};
}
