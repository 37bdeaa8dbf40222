// End-to-end test of the web UI in a real browser (Debian chromium via playwright-core)
// against a running Stillmotion at BASE_URL. Screenshots go to frontend/test-results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { makeCorruptPng, makePng } from './png.mjs';

const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDER_TIMEOUT_MS = Number(process.env.E2E_RENDER_TIMEOUT_MS ?? 180_000);
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
const IMAGE_NAME = 'sunny-hills.png';
const STORY_MUSIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..',
  'gateway-verticle/src/test/resources/audio/tone-2s.mp3');

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const results = [];
const ctx = {};

async function check(name, fn, needs = []) {
  const missing = needs.filter((n) => !(n in ctx));
  const started = Date.now();
  if (missing.length) {
    results.push({ name, ok: false, detail: `not run: needs ${missing.join(', ')}` });
    console.log(`✗ ${name} (not run: needs ${missing.join(', ')})`);
    return;
  }
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false, detail: e?.message ?? String(e) });
    console.log(`✗ ${name}\n    ${String(e?.message ?? e).split('\n').join('\n    ')}`);
    await shot(ctx.page, `failure-${slug(name)}`).catch(() => {});
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function shot(page, name) {
  if (!page) return;
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function api(pathname) {
  const response = await fetch(BASE_URL + pathname);
  return response;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stillmotion-e2e-'));
  // A fresh, empty profile each run (playwright passes it to chromium as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    ctx.page = page;
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
    await run(page);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function run(page) {
  await check('the server answers ping', async () => {
    const body = await (await api('/api/v1/ping')).json();
    assert(body.message === 'pong', `ping said ${JSON.stringify(body)}`);
  });

  await check('the empty page offers to choose an image', async () => {
    await page.goto(BASE_URL + '/', { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Make a video' }).waitFor();
    await page.getByText('Drop a picture anywhere on this page').waitFor();
    assert(await page.getByRole('button', { name: 'Make video' }).isDisabled(), 'Make video should wait for an image');
    await shot(page, '01-empty-page');
    ctx.loaded = true;
  });

  await check('the empty page has no serious accessibility problems (axe-core)', async () => {
    await expectAccessible(page);
  }, ['loaded']);

  await check('a file that is not an image is refused in the browser', async () => {
    let posted = false;
    const onRequest = (r) => {
      if (r.method() === 'POST') posted = true;
    };
    page.on('request', onRequest);
    await page.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const alert = page.getByRole('alert').filter({ hasText: 'not an image' });
    await alert.waitFor({ timeout: 5000 });
    page.off('request', onRequest);
    assert(!posted, 'nothing should have been sent to the server');
    await shot(page, '02-refused-non-image');
  }, ['loaded']);

  await check('the chosen image is previewed with its size and dimensions', async () => {
    ctx.png = makePng(1600, 900);
    await page.locator('input[type=file]').setInputFiles({ name: IMAGE_NAME, mimeType: 'image/png', buffer: ctx.png });
    const facts = page.getByTestId('image-facts');
    await facts.filter({ hasText: '1600 × 900 px' }).waitFor({ timeout: 5000 });
    await page.getByRole('img', { name: `Preview of ${IMAGE_NAME}` }).waitFor();
    assert(await page.getByRole('radio', { name: 'Ken Burns' }).isChecked(), 'Ken Burns is the default motion');
    const picker = page.getByRole('group', { name: /Point of interest/ });
    await picker.click({ position: { x: 100, y: 60 } });
    await page.getByText('The camera favours the marked point.').waitFor();
    await picker.press('Home');
    await page.getByText('Tip: click the picture').waitFor();
    await shot(page, '03-image-preview');
    ctx.previewed = true;
  }, ['loaded']);

  await check('sending shows the render progress live until it finishes', async () => {
    await recordProgress(page);
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/task') && r.request().method() === 'POST');
    // Keyboard only: focus the button and press Enter.
    await page.getByRole('button', { name: 'Make video' }).focus();
    await page.keyboard.press('Enter');
    const response = await posted;
    assert(response.ok(), `upload answered ${response.status()}: ${await response.text()}`);
    ctx.id = (await response.json()).id;
    await page.getByTestId('task-panel').waitFor();
    await page.mouse.move(0, 0);
    await whileRendering(page);
    await shot(page, '04-rendering-in-progress');
    await page.locator('[data-testid=task-panel][data-status=FINISHED]').waitFor({ timeout: RENDER_TIMEOUT_MS });
    const seen = await page.evaluate(() => window.__progressSeen);
    console.log(`    progress seen in the page: ${seen.join(', ') || '(finished before the first update)'}`);
    assert(seen.every((v, i) => i === 0 || v >= seen[i - 1]), `progress went backwards: ${seen.join(', ')}`);
    const task = await (await api(`/api/v1/task/${ctx.id}`)).json();
    assert(task.status === 'FINISHED' && task.progress === 100, `task is ${task.status} at ${task.progress}%`);
  }, ['previewed']);

  await check('the finished video plays inline with the expected duration and size', async () => {
    const video = page.getByTestId('result-video');
    await video.waitFor();
    const poster = await video.getAttribute('poster');
    const meta = await video.evaluate(
      (v) =>
        new Promise((resolve, reject) => {
          const done = () => resolve({ duration: v.duration, width: v.videoWidth, height: v.videoHeight });
          if (v.readyState >= 1) return done();
          v.addEventListener('loadedmetadata', done, { once: true });
          v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code} ${v.error?.message}`)), { once: true });
          setTimeout(() => reject(new Error('no metadata within 20 s')), 20_000);
        }),
    );
    console.log(`    video: ${meta.width}x${meta.height}, ${meta.duration.toFixed(3)} s, poster ${poster}`);
    assert(Math.abs(meta.duration - 5) < 0.5, `duration ${meta.duration} s, expected about 5 s`);
    assert(meta.width === 1280 && meta.height === 720, `size ${meta.width}x${meta.height}, expected 1280x720`);
    const advanced = await video.evaluate(async (v) => {
      v.muted = true;
      await v.play();
      const start = performance.now();
      while (v.currentTime < 0.5 && performance.now() - start < 15_000) await new Promise((r) => setTimeout(r, 100));
      v.pause();
      return v.currentTime;
    });
    assert(advanced >= 0.5, `currentTime only reached ${advanced}`);
    await video.evaluate((v) => (v.currentTime = 2));
    await page.waitForTimeout(300);
    await shot(page, '05-finished-video');
  }, ['id']);

  await check('the page with a finished video has no serious accessibility problems (axe-core)', async () => {
    await expectAccessible(page);
  }, ['id']);

  await check('Download saves the same bytes as GET /api/v1/video/{id}', async () => {
    const downloading = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByRole('link', { name: 'Download MP4' }).click();
    const download = await downloading;
    const name = download.suggestedFilename();
    assert(name === 'sunny-hills-ken-burns.mp4', `file name was ${name}`);
    const saved = fs.readFileSync(await download.path());
    const served = Buffer.from(await (await api(`/api/v1/video/${ctx.id}`)).arrayBuffer());
    assert(saved.length > 1000, `download is only ${saved.length} bytes`);
    assert(saved.equals(served), `download (${saved.length} B) differs from the served video (${served.length} B)`);
    assert(saved.subarray(4, 8).toString('latin1') === 'ftyp', 'the download is not an MP4');
  }, ['id']);

  await check('after a reload the task is still in the history', async () => {
    await page.reload({ waitUntil: 'load' });
    const item = page.locator(`[data-testid=history-item][data-task-id="${ctx.id}"]`);
    await item.waitFor();
    await item.getByTestId('history-status').filter({ hasText: 'Finished' }).waitFor({ timeout: 10_000 });
    assert((await item.textContent()).includes(IMAGE_NAME), 'history shows the file name');
    await item.locator('img').evaluate((img) =>
      img.complete && img.naturalWidth > 0
        ? true
        : new Promise((resolve, reject) => {
            img.addEventListener('load', resolve, { once: true });
            img.addEventListener('error', () => reject(new Error('thumbnail did not load')), { once: true });
          }),
    );
    await shot(page, '06-history-after-reload');
  }, ['id']);

  await check('a story: several pictures, reordered with the keyboard, captions, title, music, in order before rendering', async () => {
    await page.goto(BASE_URL + '/', { waitUntil: 'load' });
    await page.getByRole('radio', { name: 'A story of 2–20 pictures' }).check();
    const names = ['living-room.png', 'kitchen.png', 'garden.png'];
    await page.getByTestId('story-input').setInputFiles(
      names.map((name, i) => ({ name, mimeType: 'image/png', buffer: makePng(1200, 1600, i) })),
    );
    const garden = page.getByRole('button', { name: /^Picture 3 of 3: garden.png/ });
    await garden.focus();
    await page.keyboard.press('Home');
    await page.getByRole('status').filter({ hasText: 'garden.png moved to position 1 of 3.' }).waitFor();
    const captions = page.getByLabel('Caption');
    await captions.nth(0).fill('The garden');
    await captions.nth(2).fill('Kitchen, morning light');
    await page.getByLabel('Title').fill('A flat with a garden');
    await page.getByTestId('audio-input').setInputFiles(STORY_MUSIC);
    await page.getByTestId('audio-name').filter({ hasText: 'tone-2s.mp3' }).waitFor();
    await page.getByRole('radio', { name: /Portrait/ }).check();
    const order = await page.getByRole('list', { name: 'The story as it will play' }).getByRole('listitem').evaluateAll(
      (items) => items.map((li) => li.getAttribute('aria-label')),
    );
    assert(order[0].startsWith('1. garden.png, 4 s, caption “The garden”'), `first shot: ${order[0]}`);
    assert(order[2].startsWith('3. kitchen.png'), `last shot: ${order[2]}`);
    const summary = await page.getByTestId('story-summary').textContent();
    assert(summary.includes('3 pictures · 12 s · crossfades · music: tone-2s.mp3'), `summary: ${summary}`);
    await shot(page, '09-story-builder');
    await expectAccessible(page);
    ctx.storyReady = true;
  }, ['loaded']);

  await check('the story renders live and plays with sound, as long as its pictures', async () => {
    await recordProgress(page);
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/task') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Make story video' }).click();
    const response = await posted;
    assert(response.ok(), `upload answered ${response.status()}: ${await response.text()}`);
    ctx.storyId = (await response.json()).id;
    await whileRendering(page);
    await shot(page, '10-story-rendering');
    await page.locator('[data-testid=task-panel][data-status=FINISHED]').waitFor({ timeout: RENDER_TIMEOUT_MS });
    const task = await (await api(`/api/v1/task/${ctx.storyId}`)).json();
    assert(task.images.length === 3 && task.story.shots[0].caption === 'The garden', `task: ${JSON.stringify(task.story)}`);
    const video = page.getByTestId('result-video');
    const sound = await video.evaluate(
      (v) =>
        new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('the video did not play with sound within 20 s')), 20_000);
          const start = async () => {
            const audio = new AudioContext();
            const analyser = audio.createAnalyser();
            audio.createMediaElementSource(v).connect(analyser);
            analyser.connect(audio.destination);
            v.muted = false;
            v.volume = 1;
            await v.play();
            const samples = new Float32Array(analyser.fftSize);
            let peak = 0;
            while (v.currentTime < 1.5) {
              analyser.getFloatTimeDomainData(samples);
              for (const s of samples) peak = Math.max(peak, Math.abs(s));
              await new Promise((r) => setTimeout(r, 50));
            }
            v.pause();
            resolve({ duration: v.duration, width: v.videoWidth, height: v.videoHeight, peak, decoded: v.webkitAudioDecodedByteCount });
          };
          if (v.readyState >= 1) start().catch(reject);
          else v.addEventListener('loadedmetadata', () => start().catch(reject), { once: true });
        }),
    );
    console.log(`    story video: ${sound.width}x${sound.height}, ${sound.duration.toFixed(3)} s, audio bytes decoded ${sound.decoded}, peak ${sound.peak.toFixed(3)}`);
    assert(Math.abs(sound.duration - 12) < 0.2, `duration ${sound.duration} s, expected 12 s`);
    assert(sound.width === 720 && sound.height === 1280, `size ${sound.width}x${sound.height}`);
    assert(sound.decoded > 0, 'Chromium decoded no audio');
    assert(sound.peak > 0.01, `the analyser heard nothing (peak ${sound.peak})`);
    await video.evaluate((v) => (v.currentTime = 0.5));
    await page.waitForTimeout(300);
    await shot(page, '11-story-finished');
  }, ['storyReady']);

  await check('an image the server rejects shows its message, and "Try again" re-sends it', async () => {
    await page.goto(BASE_URL + '/', { waitUntil: 'load' });
    await page.locator('input[type=file]').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: makeCorruptPng() });
    await page.getByTestId('image-facts').filter({ hasText: /KB/ }).waitFor();
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/task') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Make video' }).click();
    const response = await posted;
    const expected = await serverMessage(response);
    console.log(`    server said: ${response.status()} "${expected}"`);
    assert(expected, "the server gave no message");
    const alert = page.getByRole('alert').filter({ hasText: expected });
    await alert.waitFor({ timeout: RENDER_TIMEOUT_MS });
    await shot(page, '07-server-refused-image');
    const again = page.waitForResponse((r) => r.url().endsWith('/api/v1/task') && r.request().method() === 'POST');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await again;
    await page.getByRole('alert').filter({ hasText: expected }).waitFor({ timeout: RENDER_TIMEOUT_MS });
  }, ['loaded']);

  await check('the page fits a phone-width screen and follows a dark system theme', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(BASE_URL + '/', { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Make a video' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `page is ${overflow}px wider than the screen`);
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.card')).backgroundColor);
    assert(bg !== 'rgb(255, 255, 255)', `cards stay white in dark mode (${bg})`);
    await shot(page, '08-phone-dark');
    await expectAccessible(page);
  }, ['loaded']);
}

/** Runs axe-core in the page and fails on serious or critical WCAG A/AA violations. */
async function expectAccessible(page) {
  // Evaluated over the DevTools protocol, so the page's Content-Security-Policy stays in force for the app.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert(violations.length === 0, `accessibility problems:\n${violations.join('\n')}`);
}

/** Waits (briefly) until the render is well under way, unless it finishes first. */
async function whileRendering(page) {
  await page
    .waitForFunction(
      () => {
        const panel = document.querySelector('[data-testid=task-panel]');
        const percent = parseInt(document.querySelector('[data-testid=task-progress]')?.textContent ?? '', 10);
        return panel?.dataset.status === 'FINISHED' || (panel?.dataset.status === 'PROCESSING' && percent >= 25);
      },
      null,
      { timeout: 20_000, polling: 50 },
    )
    .catch(() => {});
}

/** Every progress value the page shows, as it shows it. */
async function recordProgress(page) {
  await page.evaluate(() => {
    window.__progressSeen = [];
    const note = () => {
      const el = document.querySelector('[data-testid=task-progress]');
      const value = el ? parseInt(el.textContent, 10) : NaN;
      const seen = window.__progressSeen;
      if (!Number.isNaN(value) && seen[seen.length - 1] !== value) seen.push(value);
      if (document.querySelector('[data-testid=task-panel][data-status=FINISHED]') && seen[seen.length - 1] !== 100) seen.push(100);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** The words the server gave: from the upload's error, or else from the task that failed. */
async function serverMessage(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok()) return body?.error?.message ?? '';
  const deadline = Date.now() + RENDER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const task = await (await api(`/api/v1/task/${body.id}`)).json();
    if (task.status === 'FAILED') return task.message;
    if (task.status === 'FINISHED') throw new Error('the server made a video from a corrupt image');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the corrupt image was neither refused nor failed in time');
}

main()
  .catch((e) => {
    results.push({ name: 'browser session', ok: false, detail: e.message });
    console.error(e);
  })
  .finally(() => {
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`screenshots in ${OUT}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  });
