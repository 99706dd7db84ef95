import { rotateBrokerKey } from '../audit/broker-keys.js';
import { loadConfig } from '../config/app-config.js';

/**
 * `npm run audit:rotate-key`: retires the broker's current audit signing key (its public half stays
 * published at /v1/audit/keys, so everything it signed still verifies) and creates a new one.
 * Restart every broker instance afterwards: each reads the key file at start-up.
 */
async function main(): Promise<void> {
  const { auditKeyFile } = loadConfig();
  const ring = await rotateBrokerKey(auditKeyFile);
  console.log(
    `Nouvelle clé d’audit / new audit key: ${ring.current.kid} (${ring.published.length} clés publiées / keys published). ` +
      'Redémarrez le courtier / restart the broker.',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
