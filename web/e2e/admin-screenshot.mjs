// Saves a picture of the admin dashboard of a running node (docs/img/admin-dashboard.png): signs
// in, opens the busiest room's members, lets the charts fill for a while, then takes the shot.
//   node web/e2e/admin-screenshot.mjs http://127.0.0.1:PORT API_KEY OUT.png [SECONDS]
import { launch, check } from './browser.mjs';

const [base, apiKey, out, seconds = '60'] = process.argv.slice(2);
if (!base || !apiKey || !out) {
  console.error('usage: node admin-screenshot.mjs BASE_URL API_KEY OUT.png [SECONDS]');
  process.exit(2);
}

const browser = await launch();
await check(browser, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/admin`);
  await page.fill('#api-key', apiKey);
  await page.click('#sign-in');
  await page.waitForSelector('#dashboard', { state: 'visible' });
  await page.waitForSelector('#rooms tr[data-room]', { timeout: 30000 });
  const busiest = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('#rooms tr[data-room]')];
    const count = (row) => Number(row.cells[2].textContent.replace(/,/g, ''));
    const row = rows.sort((a, b) => count(b) - count(a))[0];
    row.click();
    return row.dataset.room;
  });
  console.log(`showing the members of ${busiest}`);
  for (let left = Number(seconds); left > 0; left -= 10) {
    console.log(`charts filling: ${left} s left`);
    await page.waitForTimeout(Math.min(10, left) * 1000);
  }
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
});
