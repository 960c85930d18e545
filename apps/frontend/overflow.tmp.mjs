import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const be = spawn(process.execPath, ['../backend/dist/server.js'], { env: { ...process.env, PORT: '8701' }, stdio: 'ignore' });
const pv = spawn('npx', ['vite', 'preview', '--port', '4199'], { env: { ...process.env, API_PROXY_TARGET: 'http://127.0.0.1:8701' }, stdio: 'ignore', detached: true });
await new Promise((r) => setTimeout(r, 3000));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto('http://127.0.0.1:4199/');
await page.locator('.hero').waitFor();
console.log(await page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) out.push(`${el.tagName}.${el.className} ${Math.round(r.width)} right=${Math.round(r.right)}`);
  }
  return out.slice(0, 12);
}));
console.log(await page.evaluate(() => ({ mark: performance.getEntriesByName('first-movie-grid').map(e=>e.startTime) })));
await browser.close(); be.kill(); process.kill(-pv.pid);
