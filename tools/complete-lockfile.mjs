// `npm run lock:complete`: adds lockfile entries for the platform-specific optional packages a
// registry mirror does not serve (e.g. macOS and Windows builds of swc), so `npm ci` accepts the
// lock everywhere; npm skips them on other platforms by their os/cpu/libc fields. Run it after
// any `npm install` that changes package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const lock = JSON.parse(readFileSync(file, 'utf8'));
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony'];
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  arm: 'arm',
  ia32: 'ia32',
  ppc64: 'ppc64',
  s390x: 's390x',
  loong64: 'loong64',
  riscv64: 'riscv64',
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const parts = name.split('/').pop().split('-');
    const os = OS.find((o) => parts.includes(o));
    const cpuPart = parts.find((p) => CPU[p]);
    if (!os || !cpuPart) {
      console.error('cannot infer platform for', name, 'from', path);
      continue;
    }
    const libc = parts.some((p) => p.startsWith('musl'))
      ? ['musl']
      : os === 'linux' && parts.some((p) => p.startsWith('gnu'))
        ? ['glibc']
        : undefined;
    lock.packages[key] = {
      version,
      dev: entry.dev,
      optional: true,
      os: [os],
      cpu: [CPU[cpuPart]],
      ...(libc ? { libc } : {}),
    };
    if (!entry.dev) delete lock.packages[key].dev;
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
