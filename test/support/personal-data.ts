/**
 * Personal data the e2e fixtures send to brokers — names, addresses, phone numbers, postal codes,
 * in bodies, queries, paths and headers — none of which may reach a log line (DESIGN §7). The
 * global teardown looks for each (as sent and URL-encoded) in every line the run's brokers wrote;
 * `security.e2e-spec.ts` sends every one of them at least once. Add here what a new fixture sends.
 */
export const SEEDED_PERSONAL_DATA: readonly string[] = [
  // Names (cases, consents, items, contact points, an agency named after a person, token subjects).
  'Tremblay',
  'Marie',
  'Jeanne',
  'Bruno Fictif',
  // Shelters named in `location.shelter` items: where a victim is.
  "Maison L'Aube",
  'Le Phare',
  // Street addresses held in items, risk-change summaries and released payloads.
  'rue des Lilas',
  'chemin du Refuge',
  'rue des Érables',
  // Phone numbers, as the fixtures write them.
  '418 555',
  '418-555',
  '819 555',
  '514-555',
  // A postal code.
  'H2X 1Y4',
];

/** Every form of the seeded data a log line could hold: as sent, and URL- or form-encoded. */
export function personalDataForms(): string[] {
  return [
    ...new Set(
      SEEDED_PERSONAL_DATA.flatMap((s) => [
        s,
        encodeURIComponent(s),
        encodeURIComponent(s).replace(/%20/g, '+'),
      ]),
    ),
  ];
}
