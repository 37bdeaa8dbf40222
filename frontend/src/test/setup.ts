import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { resetTaskStore } from '../taskStore';

// findBy*/waitFor give up after 1 s by default: too short for a machine busy with other jobs.
configure({ asyncUtilTimeout: 15_000 });

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
