/** Screenshots of every screen against a running hub: node e2e/dist/dev-screenshots.js <hubUrl> [width height]. */
import { launchBrowser, loginUi, screenshot } from './support/browser';

async function main() {
  const [url, w, h] = [process.argv[2]!, Number(process.argv[3] ?? 1920), Number(process.argv[4] ?? 1080)];
  const paths = (process.argv[5] ?? '/hq,/floor,/leaderboard,/console,/trace,/me').split(',');
  const user = process.env.KJ_DEV_USER ?? 'hq';
  const b = await launchBrowser({ width: w, height: h });
  try {
    const page = await b.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[console.${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
    await loginUi(page, url, user);
    for (const p of paths) {
      await page.goto(`${url}${p}`);
      await page.waitForTimeout(Number(process.env.KJ_DEV_WAIT ?? 4000));
      const name = `dev-${user}${p.replace(/[/?=&]+/g, '-')}-${w}x${h}`;
      console.log(await screenshot(page, name), page.url());
    }
  } finally {
    await b.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
