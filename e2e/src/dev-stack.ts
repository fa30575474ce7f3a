/**
 * A throwaway hub with a live feed, for looking at the screens by hand:
 *   node e2e/dist/dev-stack.js [minutes] — prints the URL and the demo logins, cleans everything up on exit.
 */
import { demoScopes, network } from './support/api';
import { Feeder } from './support/feeder';
import { HubProcess } from './support/hub-process';

async function main() {
  const minutes = Number(process.argv[2] ?? 30);
  const hub = new HubProcess({ scale: Number(process.env.KJ_DEV_SCALE ?? 0.25) });
  await hub.prepare();
  await hub.start();
  const net = await network(hub.url, hub.feedToken);
  const { floor, cameras } = await demoScopes(hub.url, net);
  const feeder = new Feeder(() => hub.url, hub.feedToken, net, { vehicles: Number(process.env.KJ_DEV_VEHICLES ?? 500), floorId: floor.id });
  feeder.start();
  const violations = setInterval(() => {
    if (cameras[0]) void feeder.violation(cameras[Math.floor(Math.random() * cameras.length)]!.id, 55 + Math.random() * 40).catch(() => undefined);
  }, 20_000);
  console.log(`hub ${hub.url}  (db ${hub.dbName}, prefix ${hub.prefix}); logins hq/region/region2/site/floor, password kanjian; floor ${floor.id}`);
  const stop = async () => {
    clearInterval(violations);
    feeder.stop();
    await hub.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  setTimeout(() => void stop(), minutes * 60_000);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
