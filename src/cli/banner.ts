import type { AppConfig } from '../config/app-config.js';
import type { DemoKeyFile } from '../demo/demo-keys.js';
import { DEMO_STAFF } from '../demo/demo-network.js';

export interface BannerOptions {
  readonly config: AppConfig;
  readonly embedded: boolean;
  readonly seeded: boolean;
  readonly demoKeys: readonly DemoKeyFile[];
  readonly readyMs: number;
  /** The demo's OpenID provider, when it runs. */
  readonly demoIdentityProvider?: string;
}

/** What a newcomer needs after `npm start`, in French and English. */
export function printBanner(options: BannerOptions): void {
  const { config } = options;
  const base = config.publicUrl;
  const db = options.embedded
    ? `PostgreSQL intégré / embedded PostgreSQL (127.0.0.1:${config.embeddedPgPort}, ${config.varDir}/postgres)`
    : 'PostgreSQL externe / external PostgreSQL (DATABASE_URL)';
  const lines = [
    '',
    `Filet est prêt / Filet is ready  (${options.readyMs} ms)`,
    `  Console        ${base}/console`,
    `  API            ${base}/v1`,
    `  Documentation  ${base}/docs   (OpenAPI: ${base}/docs-json)`,
    `  Santé/Health   ${base}/health/ready`,
    `  Base/Database  ${db}`,
  ];
  if (options.seeded) lines.push('  Réseau de démonstration créé / demo network seeded');
  if (options.demoIdentityProvider) {
    lines.push(
      '',
      `Console : connectez-vous avec le fournisseur d'identité de démonstration (${options.demoIdentityProvider})`,
      `Console: sign in with the demo identity provider, as one of these fictional staff:`,
      ...DEMO_STAFF.map(
        (s) => `  ${s.agency.padEnd(12)} ${s.name} — ${s.title.fr} / ${s.title.en}`,
      ),
    );
  }
  const coordinator = options.demoKeys.find((k) => k.code === 'cir-vsl') ?? options.demoKeys[0];
  if (coordinator && config.nodeEnv !== 'production') {
    lines.push(
      '',
      'Jeton de démonstration (5 min, usage unique) / demo token (5 min, single use):',
      `  TOKEN=$(npm run -s token -- --agency ${coordinator.code} --sub demo-admin --roles admin)`,
      `  curl -H "Authorization: Bearer $TOKEN" ${base}/v1/agencies`,
      `Organismes / agencies: ${options.demoKeys.map((k) => k.code).join(', ')}`,
    );
  }
  lines.push('', 'Ctrl-C arrête le courtier et sa base / stops the broker and its database.', '');
  console.log(lines.join('\n'));
}
