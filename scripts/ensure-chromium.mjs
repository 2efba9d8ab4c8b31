// Browser tests drive Debian's Chromium through playwright-core (no browser download works here).
// Finds it, installs it with apt-get where we are root on Debian, or stops with a message that says how.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);

export function findChromium() {
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function ensure() {
  if (findChromium()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (isRoot && isDebian) {
    console.log('[clearway] Chromium not found: installing Debian chromium and CJK fonts with apt-get…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk', { stdio: 'inherit' });
    if (findChromium()) return;
  }
  console.error(
    '[clearway] The browser tests need Chromium and none was found.\n' +
      '  On Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk\n' +
      '  Or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) ensure();
