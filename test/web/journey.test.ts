import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../src/server/api-keys.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { webPlugins } from '../../src/server/web-routes/index.js';
import { syntheticZip } from './synthetic-zip.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');
const WEB = path.resolve('dist/web');

/** Horizontal overflow of the page: a layout usable at this width has none. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * The whole journey in Debian's Chromium, driven like a user: create a project, upload a zip, mark the images
 * ready, split, train one epoch while the curve updates, deploy, drop an X-ray and read the prediction and heatmap.
 * Each page is photographed into test-artifacts/ and checked at 1280x800 and at phone width.
 */
describe.skipIf(!fs.existsSync(CHROMIUM))('web UI journey', () => {
  let server: RunningServer;
  let adminKey: string;
  let browser: Browser;
  let base: string;
  let data: { zip: string; image: string; dir: string };
  let workspace: string;

  beforeAll(async () => {
    execFileSync(process.execPath, ['web/build.mjs'], { stdio: 'inherit' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    data = await syntheticZip({ n: 40, size: 64, seed: 7 });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-web-journey-'));
    // The real server, keys on: the page must ask for a key before it can do anything.
    server = await startServer({ workspace, host: '127.0.0.1', port: 0, auth: true, extraPlugins: webPlugins({ workspace }), staticDir: WEB });
    adminKey = new ApiKeyStore(server.store.db).create({ scope: 'admin', name: 'journey' }).key;
    base = server.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(data.dir, { recursive: true, force: true });
  });

  it('goes from an empty workspace to a prediction with a heatmap', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);

    // The server has keys on: the page asks for one, then works with it
    await page.getByRole('heading', { name: 'This server needs an API key' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill(adminKey);
    await page.getByRole('button', { name: 'Use this key' }).click();

    // Projects: create one with the keyboard
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByLabel('Project name').fill('elbow');
    await page.getByLabel('Project name').press('Enter');
    await page.getByRole('heading', { name: 'Dataset' }).waitFor();
    expect(page.url()).toContain('#/p/elbow/dataset');

    // Dataset: upload the zip, select all, mark ready, split
    await page.getByLabel('Choose files to upload').setInputFiles(data.zip);
    await page.getByText(/radiographs\.zip: 40 imported/).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.grid img[src]').count(), { timeout: 60_000 }).toBe(40);
    await page.getByLabel('Select all on this page').check();
    await page.getByText('40 selected').waitFor();
    await page.getByRole('button', { name: 'Mark ready' }).click();
    await page.getByText('Marked ready: 40 changed.').waitFor();
    await page.getByLabel('Validation fraction').fill('0.25');
    await page.getByLabel('Test fraction').fill('0.25');
    await page.getByRole('button', { name: 'Split the project' }).click();
    await page.getByText(/Split: \d+ train, \d+ validation, \d+ test; 0 groups cross splits/).waitFor();
    await page.getByRole('combobox', { name: 'Split' }).selectOption('test');
    await expect.poll(() => page.locator('.grid .tile').count(), { timeout: 30_000 }).toBeLessThan(40);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, 'dataset');

    // Augmentation: the preview renders and follows a slider
    await page.getByRole('link', { name: 'Augmentation' }).click();
    await page.getByText(/Twelve training samples/).waitFor({ timeout: 30_000 });
    await page.getByLabel('Rotation up to (degrees)').fill('30');
    await page.getByText(/Twelve training samples/).waitFor({ timeout: 30_000 });
    await shoot(page, 'augmentation');

    // Training: one epoch of a small model; the curve gains points as steps arrive
    await page.getByRole('link', { name: 'Training' }).click();
    await page.getByLabel('Input size (px)').fill('32');
    await page.getByLabel('Epochs').fill('1');
    await page.getByLabel('Batch size').fill('8');
    await page.getByRole('button', { name: 'Launch training' }).click();
    await page.getByRole('button', { name: 'Cancel training' }).and(page.locator(':enabled')).waitFor();
    await expect.poll(() => page.locator('svg.chart').first().getAttribute('data-points'), { timeout: 90_000 }).not.toBe('0');
    await page.getByText('Training completed.').waitFor({ timeout: 90_000 });
    const points = Number(await page.locator('svg.chart').first().getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(2);
    expect(Number(await page.locator('svg.chart').nth(1).getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    await page.getByRole('cell', { name: 'completed' }).waitFor();
    await shoot(page, 'training');

    // Compare: evaluate on the test split, then the ROC curve and a confusion matrix whose cell opens images
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.getByRole('button', { name: 'Evaluate on test' }).click();
    await page.locator('.svg-box svg').first().waitFor({ timeout: 60_000 });
    await page.locator('g.cell').first().waitFor();
    await page.locator('g.cell').first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^True .*, predicted .*: \d+ images$/ }).waitFor();
    await shoot(page, 'compare');

    // Deploy: register the run, drop an X-ray, see the label, probability, threshold and heatmap
    await page.getByRole('link', { name: 'Deploy' }).click();
    await page.getByRole('button', { name: 'Deploy this run' }).click();
    await page.getByText('Version 1 answers the API.').waitFor();
    const bytes = fs.readFileSync(data.image);
    const drop = await page.evaluateHandle((b64) => {
      const transfer = new DataTransfer();
      const binary = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([binary], 'new-xray.png', { type: 'image/png' }));
      return transfer;
    }, bytes.toString('base64'));
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: drop });
    await page.locator('.verdict').waitFor({ timeout: 30_000 });
    expect(await page.locator('.verdict-label').textContent()).toMatch(/^(fractured|normal)$/);
    await page.getByText(/p\(fractured\) = 0\.\d{3} against the threshold 0\.\d{3}/).waitFor();
    const overlay = page.locator('img.overlay');
    expect(await overlay.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.getByLabel('Heatmap opacity').fill('0.3');
    expect(await overlay.evaluate((img: HTMLImageElement) => img.style.opacity)).toBe('0.3');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shoot(page, 'deploy');

    // Phone width: every page fits without horizontal scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of [['#/', 'projects'], ['#/p/elbow/dataset', 'dataset'], ['#/p/elbow/augment', 'augmentation'], ['#/p/elbow/train', 'training'], ['#/p/elbow/compare', 'compare'], ['#/p/elbow/deploy', 'deploy']] as const) {
      await page.goto(`${base}/${hash}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflow(page), `${name} overflows at phone width`).toBeLessThanOrEqual(0);
      await shoot(page, `phone-${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/#/`);
    await page.locator('main h1').waitFor();
    await shoot(page, 'projects');

    // Keyboard: on a fresh load the first Tab reaches the skip link, and the focused control shows an outline
    await page.reload();
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focusOutline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(focusOutline).toBe('solid');
    expect(errors).toEqual([]);
  });
});
