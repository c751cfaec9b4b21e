// The demo chat's layout in headless Chromium against a running node: at each viewport width,
// with a room of a long name, messages and direct messages shown, the page does not scroll
// sideways and every panel, with its form, lies inside the viewport; the icons the page links
// load.
//   node web/e2e/layout.e2e.mjs http://127.0.0.1:PORT
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, chatPage, send, sees, check } from './browser.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node layout.e2e.mjs BASE_URL');
  process.exit(2);
}

// 800 lays the panels out one under another; from 901 on they stand side by side.
const WIDTHS = [800, 1280, 1440, 1600, 1920];
// A room name has no spaces, and this one no hyphen either: nowhere to wrap, so it must be
// broken anywhere rather than widen its column.
const ROOM = `layout_${'a_very_long_room_name_'.repeat(8)}end`;
const BOXES = ['header', '#sidebar', '#room', '#direct', '#join-form', '#send-form', '#message-input', '#send',
  '#dm-form', '#dm-to', '#dm-input', '#dm-send'];

/** What lies outside the viewport, horizontally: the page's own overflow and each box's. */
function overflow(page, selectors) {
  return page.evaluate((boxes) => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > window.innerWidth) {
      problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px viewport`);
    }
    for (const selector of boxes) {
      const box = document.querySelector(selector)?.getBoundingClientRect();
      if (!box || box.width === 0) problems.push(`${selector} is not shown`);
      else if (box.left < 0 || box.right > width) {
        problems.push(`${selector} spans ${Math.round(box.left)}..${Math.round(box.right)} px of ${width}`);
      }
    }
    return problems;
  }, selectors);
}

const browser = await launch();
await check(browser, async () => {
  for (const width of WIDTHS) {
    const alice = await chatPage(browser, base, `alice-${width}`, { room: ROOM, viewport: { width, height: 800 } });
    const bob = await chatPage(browser, base, `bob-${width}`, { room: ROOM, viewport: { width, height: 800 } });
    try {
      await send(alice.page, `hello at ${width} px`);
      await sees(bob.page, '[data-testid="message"]', `hello at ${width} px`);
      await bob.page.fill('#dm-to', `alice-${width}`);
      await bob.page.fill('#dm-input', `psst at ${width} px`);
      await bob.page.click('#dm-send');
      await sees(alice.page, '[data-testid="dm"]', `psst at ${width} px`);
      for (const [who, { page }] of [['alice', alice], ['bob', bob]]) {
        const problems = await overflow(page, BOXES);
        if (problems.length > 0) throw new Error(`at ${width} px, ${who}'s page overflows: ${problems.join('; ')}`);
      }
      console.log(`ok: at ${width} px nothing lies outside the viewport`);
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  }

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    for (const path of ['/', '/admin']) {
      await page.goto(`${base}${path}`);
      const icons = await page.evaluate(() => Promise.all([...document.querySelectorAll('link[rel~="icon"]')].map(
        async (link) => {
          const response = await fetch(link.href);
          return { href: link.getAttribute('href'), status: response.status, type: response.headers.get('content-type') };
        })));
      if (icons.length === 0) throw new Error(`${path} links no icon`);
      for (const icon of icons) {
        if (icon.status !== 200 || !icon.type?.startsWith('image/')) {
          throw new Error(`${path} links the icon ${icon.href}, answered ${icon.status} ${icon.type}`);
        }
      }
      console.log(`ok: the icons of ${path} load (${icons.map((icon) => `${icon.href} ${icon.type}`).join(', ')})`);
    }
  } finally {
    await context.close();
  }
});
