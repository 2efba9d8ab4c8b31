// The server tests start their own PostgreSQL cluster from Debian's server binaries
// (/usr/lib/postgresql/<version>/bin). Finds them, installs `postgresql` with apt-get where we are
// root on Debian, or stops with a message that says how.
import { existsSync, readdirSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join } from 'node:path';

const DEBIAN_POSTGRES = '/usr/lib/postgresql';

export function findPostgresBin() {
  if (!existsSync(DEBIAN_POSTGRES)) return null;
  const versions = readdirSync(DEBIAN_POSTGRES)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(DEBIAN_POSTGRES, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

function ensure() {
  if (findPostgresBin()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (isRoot && isDebian) {
    console.log('[clearway] PostgreSQL not found: installing Debian postgresql with apt-get…');
    // The package's own cluster is not used (tests make their own): do not start it.
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql', { stdio: 'inherit' });
    if (findPostgresBin()) return;
  }
  console.error(
    '[clearway] The server tests need the PostgreSQL server binaries and none were found.\n' +
      '  On Debian/Ubuntu: sudo apt-get install postgresql\n' +
      '  (the tests start their own throwaway cluster on a free port; nothing is configured).',
  );
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) ensure();
