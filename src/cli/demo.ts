import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { CHECKPOINT_TYPE, RECEIPT_TYPE, verifySigned } from '../audit/audit-signer.js';
import type { PublishedKey } from '../audit/broker-keys.js';
import type { ReceiptClaims } from '../audit/audit.types.js';
import { verifyInclusion } from '../audit/core/merkle.js';
import type { Decision } from '../policy/decision.types.js';
import type { Role } from '../common/auth/roles.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { findDemoKey, type DemoKeyFile } from '../demo/demo-keys.js';

/**
 * `npm run demo`: one fictional high-risk case of the demo network, told step by step against a
 * running broker — every call made as the agency concerned would make it, with its own signed
 * token — printing each decision and why. Any step that does not go as the story says stops the
 * run with exit code 1, so the demo doubles as a smoke test of a deployment.
 */

type Lang = 'fr' | 'en';
type Localized = Readonly<Record<Lang, string>>;
type Json = Record<string, unknown>;

const USAGE = `Usage: npm run demo -- [--lang fr|en] [--url <broker>]
  Raconte un dossier fictif de bout en bout contre un courtier en marche (npm start).
  Tells one fictional case end to end against a running broker (npm start).
  --lang  fr | en (défaut / default: LANG, sinon / else fr)
  --url   défaut / default: FILET_PUBLIC_URL, sinon / else http://127.0.0.1:3000`;

/** The agencies of the story (codes of the demo network), every one needed. */
const CAST = [
  'cir-vsl',
  'police-vsl',
  'maison-aube',
  'entraide-hommes',
  'aide-victimes-vsl',
] as const;
type Code = (typeof CAST)[number];

/** Who acts: an agency, a user id as its token carries it (never a name), the roles asserted. */
interface Actor {
  readonly code: Code;
  readonly sub: string;
  readonly roles: readonly Role[];
}

const ACTORS = {
  coordinator: { code: 'cir-vsl', sub: 'cir-coordination-01', roles: ['coordinator'] },
  tableUser: { code: 'cir-vsl', sub: 'cir-analyste-04', roles: ['agency_user'] },
  tablePrivacy: { code: 'cir-vsl', sub: 'cir-rprp-01', roles: ['privacy_officer'] },
  tableLegal: { code: 'cir-vsl', sub: 'cir-juriste-02', roles: ['legal_reviewer'] },
  police: { code: 'police-vsl', sub: 'pol-agente-0147', roles: ['agency_user'] },
  policePrivacy: { code: 'police-vsl', sub: 'pol-rprp-01', roles: ['privacy_officer'] },
  shelter: { code: 'maison-aube', sub: 'aube-intervenante-12', roles: ['agency_user'] },
  shelterPrivacy: { code: 'maison-aube', sub: 'aube-rprp-01', roles: ['privacy_officer'] },
  program: { code: 'entraide-hommes', sub: 'entraide-conseiller-03', roles: ['agency_user'] },
  victimServices: { code: 'aide-victimes-vsl', sub: 'cav-intervenante-07', roles: ['agency_user'] },
} as const satisfies Record<string, Actor>;

/** Each agency's legal reviewer signs the agreement for it. */
const signatory = (code: Code): Actor => ({
  code,
  sub: `${code}-juriste`,
  roles: ['legal_reviewer'],
});

const OUTCOMES: Record<string, Localized> = {
  permit: { fr: 'permise', en: 'permitted' },
  partial: { fr: 'partielle', en: 'partial' },
  deny: { fr: 'refusée', en: 'denied' },
  pending: { fr: 'en attente', en: 'pending' },
};

/** A step that did not behave as the story says: the run stops with exit code 1. */
class StoryError extends Error {}

/** The broker cannot tell this story (unreachable, no demo network): exit code 2. */
class RefusedError extends Error {}

interface Reply<T> {
  readonly status: number;
  readonly body: T;
  /** The sequence number of the audit record this call committed, from its receipt. */
  readonly seq?: number;
}

interface Agency {
  readonly id: string;
  readonly code: string;
  readonly sector: string;
  readonly names: Localized;
}

interface RuleText {
  readonly description: Localized;
  readonly citation: string;
}

interface FieldRule extends RuleText {
  readonly id: string;
  readonly category: string;
  readonly fields: '*' | readonly string[];
  readonly recipientSectors: readonly string[];
}

interface Policies {
  readonly hash: string;
  readonly rules: Readonly<Record<string, RuleText>>;
  readonly fieldRules: readonly FieldRule[];
  readonly exceptions: { readonly criteria: Readonly<Record<string, Localized>> };
  readonly workflows: { readonly riskChanges: { readonly escalationMinutes: number } };
}

interface Released {
  readonly itemId: string;
  readonly holderAgencyId: string;
  readonly category: string;
  readonly fieldNames: readonly string[];
  readonly fields?: Json;
  readonly withheldFields: readonly string[];
}

interface Disclosure {
  readonly decisionId: string;
  readonly dryRun: boolean;
  readonly outcome: string;
  readonly released: readonly Released[];
  readonly withheld: readonly {
    readonly category: string;
    readonly reasons: readonly { code: string; description: Localized; citation: string }[];
  }[];
  readonly obligations: Decision['obligations'];
  readonly duties: Decision['duties'];
  readonly receipt: string;
}

interface InboxEntry {
  readonly id: string;
  readonly kind: string;
  readonly caseId: string;
  readonly urgent: boolean;
  readonly message: Json;
}

interface ReportEntry {
  readonly seq: number;
  readonly recipientAgencyId: string;
  readonly categories: readonly string[];
  readonly basis: string;
  /** The bases that let the items out (e.g. perpetrator protection under a consent request). */
  readonly reasonCodes: readonly string[];
  readonly decisionId: string;
}

interface Report {
  readonly entries: readonly ReportEntry[];
  readonly heldEntries: number;
}

function receiptClaims(jws: string): ReceiptClaims {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function short(id: string): string {
  return `${id.slice(0, 8)}…`;
}

function value(v: unknown): string {
  return Array.isArray(v) ? v.join(' ; ') : String(v);
}

/** HTTP to the broker, each call with a fresh single-use token signed by the actor's agency key. */
class Broker {
  /** Every receipt the story collected, checked offline at the end. */
  readonly receipts: string[] = [];

  constructor(
    private readonly url: string,
    private readonly config: AppConfig,
    private readonly keys: ReadonlyMap<string, DemoKeyFile>,
    private readonly lang: Lang,
  ) {}

  /** Signed as `npm run token` signs: the agency's demo key, the configured audience, 2 minutes. */
  async token(actor: Actor): Promise<string> {
    const key = this.keys.get(actor.code) as DemoKeyFile;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: actor.roles })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(key.agencyId)
      .setSubject(actor.sub)
      .setAudience(this.config.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomUUID())
      .sign(await importJWK(key.privateJwk, key.alg));
  }

  async call<T>(actor: Actor, method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.token(actor)}`,
        'accept-language': this.lang,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed =
      /^application\/(?:json|problem\+json)/.test(type) && text
        ? (JSON.parse(text) as T)
        : (text as T);
    // One receipt per record the request committed, comma-separated; the first is the action's own.
    const receipts = (res.headers.get('filet-audit-receipt') ?? '').split(',').map((r) => r.trim());
    this.receipts.push(...receipts.filter(Boolean));
    return {
      status: res.status,
      body: parsed,
      seq: receipts[0] ? receiptClaims(receipts[0]).seq : undefined,
    };
  }

  /** A call the story needs to succeed with `status`; anything else stops the story. */
  async expect<T>(
    status: number,
    actor: Actor,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Reply<T>> {
    const reply = await this.call<T>(actor, method, path, body);
    if (reply.status !== status) {
      const problem = reply.body as { code?: string; title?: string; detail?: string };
      throw new StoryError(
        `${method} ${path}: ${reply.status} ${problem.code ?? ''} ${problem.title ?? ''} ${problem.detail ?? ''} ` +
          `(attendu / expected ${status})`,
      );
    }
    return reply;
  }
}

/** The story: chapters in order, each printing what happens, the decision and why. */
class Story {
  private agencies = new Map<string, Agency>();
  private byId = new Map<string, Agency>();
  private policies!: Policies;
  private agreementId = '';
  private caseId = '';
  private victimId = '';
  private perpetratorId = '';
  private consentId = '';
  private firstDisclosureId = '';
  private exceptionDecision!: Disclosure;
  private chapterNo = 0;

  constructor(
    private readonly broker: Broker,
    private readonly lang: Lang,
    private readonly auditVerifyCli: string,
    /** Where the run keeps its export, keys and receipts (FILET_VAR_DIR/demo). */
    private readonly varDir: string,
  ) {}

  private t(fr: string, en: string): string {
    return this.lang === 'fr' ? fr : en;
  }

  private l(text: Localized): string {
    return text[this.lang];
  }

  /** French puts a space before a colon, English does not. */
  private get colon(): string {
    return this.t(' : ', ': ');
  }

  private quote(text: string): string {
    return this.t(`« ${text} »`, `“${text}”`);
  }

  private chapter(fr: string, en: string): void {
    this.chapterNo++;
    console.log(`\n${this.chapterNo}. ${this.t(fr, en)}`);
  }

  private say(fr: string, en: string): void {
    console.log(`   ${this.t(fr, en)}`);
  }

  private detail(text: string): void {
    console.log(`     ${text}`);
  }

  private check(condition: boolean, fr: string, en: string): void {
    if (!condition) throw new StoryError(this.t(fr, en));
  }

  private name(idOrCode: string): string {
    const agency = this.byId.get(idOrCode) ?? this.agencies.get(idOrCode);
    return agency ? this.l(agency.names) : idOrCode;
  }

  private id(code: Code): string {
    return (this.agencies.get(code) as Agency).id;
  }

  private rule(code: string): string {
    const rule = this.policies.rules[code];
    return rule ? `${code} — ${this.l(rule.description)} [${rule.citation}]` : code;
  }

  private receipt(seq: number | undefined): string {
    return seq === undefined ? '' : this.t(` · reçu n° ${seq}`, ` · receipt #${seq}`);
  }

  async tell(): Promise<void> {
    await this.prologue();
    await this.referral();
    await this.presentation();
    await this.threshold();
    await this.consent();
    await this.disclosures();
    await this.withdrawal();
    await this.exception();
    await this.riskChange();
    await this.review();
    await this.subjectAccess();
    await this.verification();
    console.log(
      `\n${this.t(
        'Fin de l’histoire : chaque étape s’est déroulée comme prévu, et le journal le prouve.',
        'The end: every step went as the story says, and the log proves it.',
      )}`,
    );
  }

  /** The demo network, its policies, and the table's information-sharing agreement. */
  private async prologue(): Promise<void> {
    const { broker } = this;
    const list = await broker.expect<{ items: Agency[] }>(
      200,
      ACTORS.tableUser,
      'GET',
      '/v1/agencies',
    );
    for (const agency of list.body.items) {
      this.agencies.set(agency.code, agency);
      this.byId.set(agency.id, agency);
    }
    this.policies = (
      await broker.expect<Policies>(200, ACTORS.tableUser, 'GET', '/v1/policies')
    ).body;
    this.chapter('Prologue : la cellule et son entente', 'Prologue: the table and its agreement');
    this.say(
      `Val-Saint-Loup (ville fictive) : ${list.body.items.length} organismes partenaires, politiques ${this.policies.hash.slice(0, 12)}….`,
      `Val-Saint-Loup (a fictional town): ${list.body.items.length} partner agencies, policy bundle ${this.policies.hash.slice(0, 12)}….`,
    );
    const [cir, police, shelter, program, victimServices] = CAST.map((c) => this.id(c));
    const draft = await broker.expect<{ id: string; status: string }>(
      201,
      ACTORS.coordinator,
      'POST',
      '/v1/agreements',
      {
        parties: [cir, police, shelter, program, victimServices],
        purposes: ['risk_assessment', 'safety_planning', 'risk_management'],
        flows: [
          {
            fromAgencyId: police,
            toAgencyId: cir,
            categories: ['criminal_history', 'weapons', 'court_orders', 'risk_assessment'],
          },
          {
            fromAgencyId: police,
            toAgencyId: shelter,
            categories: ['identity', 'court_orders', 'weapons', 'release_dates'],
          },
          {
            fromAgencyId: shelter,
            toAgencyId: police,
            categories: ['location.shelter', 'safety_plan'],
          },
          { fromAgencyId: shelter, toAgencyId: victimServices, categories: ['safety_plan'] },
        ],
        transmissionTerms: this.t(
          'Par le courtier Filet seulement. Aucun envoi par courriel ni par télécopieur.',
          'Through the Filet broker only. Never by email or fax.',
        ),
        securityMeasures: this.t(
          'Accès réservé aux intervenants désignés ; journal d’audit inviolable.',
          'Access for designated workers only; tamper-evident audit log.',
        ),
        frequency: 'as_needed',
        effectiveFrom: new Date(Date.now() - 60_000).toISOString(),
        effectiveTo: null,
        retentionDays: 365,
        breachContact: 'vie-privee@cir-vsl.example',
      },
    );
    this.agreementId = draft.body.id;
    this.say(
      'La coordination rédige l’entente de partage (A-2.1 art. 68) : cinq parties, quatre flux, trois fins.',
      'The coordinator drafts the sharing agreement (A-2.1 s. 68): five parties, four flows, three purposes.',
    );
    let last: Reply<{ status: string }> | undefined;
    for (const code of CAST) {
      last = await broker.expect(
        201,
        signatory(code),
        'POST',
        `/v1/agreements/${this.agreementId}/signatures`,
        {
          version: 1,
        },
      );
    }
    this.check(
      last?.body.status === 'active',
      `l’entente devait entrer en vigueur, statut ${last?.body.status}`,
      `the agreement should be in force, status ${last?.body.status}`,
    );
    this.say(
      `Le juriste de chaque partie signe ; la dernière signature la met en vigueur${this.receipt(last?.seq)}.`,
      `Each party's legal reviewer signs; the last signature brings it into force${this.receipt(last?.seq)}.`,
    );
  }

  private async referral(): Promise<void> {
    const { broker } = this;
    this.chapter('Le signalement', 'The referral');
    const kase = await broker.expect<{ id: string; stage: string }>(
      201,
      ACTORS.police,
      'POST',
      '/v1/cases',
      {
        reason: 'strangulation',
        incidentDate: today(-2),
      },
    );
    this.caseId = kase.body.id;
    this.say(
      `Après un étranglement, la police signale la situation : un dossier ${short(this.caseId)}, étape « ${kase.body.stage} »${this.receipt(kase.seq)}.`,
      `After a strangulation, the police refer the situation: case ${short(this.caseId)}, stage "${kase.body.stage}"${this.receipt(kase.seq)}.`,
    );
    this.check(
      kase.body.stage === 'deidentified',
      'le dossier doit naître dépersonnalisé',
      'a case is born de-identified',
    );
    const person = async (role: string) =>
      (
        await broker.expect<{ id: string }>(
          201,
          ACTORS.police,
          'POST',
          `/v1/cases/${this.caseId}/persons`,
          {
            role,
            capacity: 'capable',
            minor: false,
          },
        )
      ).body.id;
    this.victimId = await person('victim');
    this.perpetratorId = await person('perpetrator');
    this.say(
      `Deux personnes, sans nom : Mme A. (victime, ${short(this.victimId)}) et M. B. (qui pose le risque, ${short(this.perpetratorId)}).`,
      `Two persons, no names: Ms A. (victim, ${short(this.victimId)}) and Mr B. (posing the risk, ${short(this.perpetratorId)}).`,
    );
    const odara = await broker.expect(
      201,
      ACTORS.police,
      'POST',
      `/v1/cases/${this.caseId}/risk-assessments`,
      {
        tool: 'odara',
        score: 9,
      },
    );
    this.say(
      `La police évalue le risque : ODARA 9 sur 13${this.receipt(odara.seq)}.`,
      `The police assess the risk: ODARA 9 of 13${this.receipt(odara.seq)}.`,
    );
    for (const [category, fields] of [
      [
        'criminal_history',
        {
          convictions: [this.t('Voies de fait (2021)', 'Assault (2021)')],
          pending_charges: [this.t('Menaces de mort', 'Uttering death threats')],
        },
      ],
      [
        'weapons',
        {
          access_to_firearms: true,
          licence_holder: true,
          description: this.t('Carabine de chasse', 'Hunting rifle'),
        },
      ],
      [
        'court_orders',
        {
          order_type: 'no_contact',
          conditions: this.t(
            'Aucun contact avec Mme A. ; ne pas s’approcher à moins de 500 m de son domicile.',
            'No contact with Ms A.; stay 500 m away from her home.',
          ),
          expires_on: today(365),
        },
      ],
    ] as const) {
      await this.contribute(ACTORS.police, this.perpetratorId, category, fields);
    }
    this.say(
      'Elle verse au dossier les facteurs de risque de M. B. : antécédents, armes, ordonnance de non-communication.',
      "They add Mr B.'s risk factors: criminal history, weapons, a no-contact order.",
    );
    const identity = await broker.call<{ code: string; title: string }>(
      ACTORS.police,
      'POST',
      `/v1/cases/${this.caseId}/information`,
      this.item(this.perpetratorId, 'identity', {
        name: 'Bruno Fictif',
        date_of_birth: '1984-03-14',
      }),
    );
    this.check(
      identity.status === 409 && identity.body.code === 'item.identifying_before_confirmation',
      `l’identité devait être refusée, reçu ${identity.status}`,
      `identity should be refused, got ${identity.status}`,
    );
    this.say(
      'Elle tente d’y verser son identité : refusé.',
      'They try to add his identity: refused.',
    );
    this.detail(
      `${identity.status} ${identity.body.code} — ${identity.body.title}${this.receipt(identity.seq)}`,
    );
  }

  private item(personId: string, category: string, fields: object): Json {
    return { personId, category, fields, retainUntil: today(730) };
  }

  private async contribute(
    actor: Actor,
    personId: string,
    category: string,
    fields: object,
  ): Promise<string> {
    const reply = await this.broker.expect<{ id: string }>(
      201,
      actor,
      'POST',
      `/v1/cases/${this.caseId}/information`,
      this.item(personId, category, fields),
    );
    return reply.body.id;
  }

  private async presentation(): Promise<void> {
    this.chapter('La présentation dépersonnalisée', 'The de-identified presentation');
    this.say(
      'À la table, la coordination demande ce que la police sait de M. B. pour évaluer le risque — identité comprise.',
      'At the table, the coordinator asks what the police know of Mr B. to assess the risk — identity included.',
    );
    const d = await this.disclose(ACTORS.tableUser, {
      personId: this.perpetratorId,
      categories: ['criminal_history', 'weapons', 'identity'],
      purpose: 'risk_assessment',
      basis: 'consent',
    });
    this.expectOutcome(d, 'partial', ['criminal_history', 'weapons'], { identity: 'R-STAGE' });
    this.say(
      'Les facteurs de risque circulent ; l’identité attend que le seuil du risque élevé soit franchi (filtre 2).',
      'Risk factors flow; identity waits until the high-risk threshold is met (filter 2).',
    );
  }

  private async threshold(): Promise<void> {
    const { broker } = this;
    this.chapter('Le seuil', 'The threshold');
    const confirmed = await broker.expect<{
      stage: string;
      thresholdDecision: { met: boolean; rule: string; thresholds: Record<string, number> };
    }>(200, ACTORS.coordinator, 'POST', `/v1/cases/${this.caseId}/stage`, {
      stage: 'high_risk_confirmed',
    });
    const decision = confirmed.body.thresholdDecision;
    this.check(
      confirmed.body.stage === 'high_risk_confirmed' &&
        decision.met &&
        decision.rule === 'tool_threshold',
      'le seuil devait être atteint par l’outil',
      'the tool should meet the threshold',
    );
    this.say(
      `La coordination confirme le risque élevé : ODARA 9 ≥ ${decision.thresholds.odara} (policies/thresholds.yaml), règle « ${decision.rule} »${this.receipt(confirmed.seq)}.`,
      `The coordinator confirms high risk: ODARA 9 ≥ ${decision.thresholds.odara} (policies/thresholds.yaml), rule "${decision.rule}"${this.receipt(confirmed.seq)}.`,
    );
    for (const code of [
      'police-vsl',
      'maison-aube',
      'entraide-hommes',
      'aide-victimes-vsl',
    ] as const) {
      await broker.expect(201, ACTORS.coordinator, 'POST', `/v1/cases/${this.caseId}/assignments`, {
        agencyId: this.id(code),
      });
    }
    for (const [actor, side] of [
      [ACTORS.shelter, 'victim'],
      [ACTORS.victimServices, 'victim'],
      [ACTORS.program, 'perpetrator'],
    ] as const) {
      await broker.expect(201, actor, 'POST', `/v1/cases/${this.caseId}/user-assignments`, {
        agencyId: this.id(actor.code),
        subject: actor.sub,
        side,
      });
    }
    const active = await broker.expect<{ stage: string }>(
      200,
      ACTORS.coordinator,
      'POST',
      `/v1/cases/${this.caseId}/stage`,
      {
        stage: 'active',
      },
    );
    this.say(
      `Quatre organismes sont assignés ; l’intervenante de la maison et celle du CAVAC travaillent du côté de la victime, le conseiller d’Entraide du côté de l’auteur. Le dossier est « ${active.body.stage} »${this.receipt(active.seq)}.`,
      `Four agencies are assigned; the shelter and victim-services workers are on the victim's side, Entraide's counsellor on the perpetrator's. The case is "${active.body.stage}"${this.receipt(active.seq)}.`,
    );
    await this.contribute(ACTORS.police, this.perpetratorId, 'identity', {
      name: 'Bruno Fictif',
      date_of_birth: '1984-03-14',
    });
    this.say(
      'Son identité peut maintenant être versée au dossier.',
      'His identity may now be added to the case.',
    );
  }

  private async consent(): Promise<void> {
    const { broker } = this;
    this.chapter('Le consentement', 'Consent');
    await this.contribute(ACTORS.shelter, this.victimId, 'location.shelter', {
      shelter_name: "Maison L'Aube",
      address: this.t(
        '1, chemin de l’Aube (adresse confidentielle fictive)',
        '1 chemin de l’Aube (fictional confidential address)',
      ),
      phone: '418-555-0199',
      planned_departure: today(45),
    });
    await this.contribute(ACTORS.shelter, this.victimId, 'safety_plan', {
      measures: [
        this.t('Alarme personnelle remise', 'Personal alarm issued'),
        this.t('Trajet vers l’école accompagné', 'Accompanied school run'),
      ],
      code_word: this.t('tournesol', 'sunflower'),
      next_review: today(14),
    });
    this.say(
      'Mme A. est hébergée à la Maison L’Aube, qui tient son plan de sécurité et le lieu d’hébergement.',
      "Ms A. is staying at L'Aube House, which holds her safety plan and the shelter's location.",
    );
    const consent = await broker.expect<{ id: string }>(
      201,
      ACTORS.shelter,
      'POST',
      `/v1/cases/${this.caseId}/consents`,
      {
        personId: this.victimId,
        recipientAgencyIds: [this.id('police-vsl'), this.id('aide-victimes-vsl')],
        categories: ['safety_plan'],
        purposes: ['safety_planning'],
        howObtained: 'in_person',
        capacityNote: 'capable_presumed',
      },
    );
    this.consentId = consent.body.id;
    this.say(
      `Elle consent, en personne, à ce que son plan de sécurité aille à la police et au CAVAC pour planifier sa sécurité — rien d’autre${this.receipt(consent.seq)}.`,
      `She consents, in person, to her safety plan going to the police and victim services for safety planning — nothing else${this.receipt(consent.seq)}.`,
    );
  }

  private async disclosures(): Promise<void> {
    this.chapter('Les communications', 'Disclosures');
    const ask = {
      personId: this.victimId,
      categories: ['safety_plan', 'location.shelter'],
      purpose: 'safety_planning',
      basis: 'consent',
    };
    this.say(
      'L’agente de police vérifie d’abord ce qu’elle recevrait (essai à blanc : rien n’est communiqué).',
      'The police officer first checks what she would receive (dry run: nothing is released).',
    );
    const dry = await this.disclose(ACTORS.police, ask, true);
    this.expectOutcome(dry, 'partial', ['safety_plan'], { 'location.shelter': 'R-DEFAULT-DENY' });
    this.check(
      dry.released.every((r) => r.fields === undefined),
      'un essai à blanc ne montre aucune valeur',
      'a dry run shows no values',
    );

    this.say('Puis elle demande pour de vrai.', 'Then she asks for real.');
    const real = await this.disclose(ACTORS.police, ask, false, ['code_word']);
    this.expectOutcome(real, 'partial', ['safety_plan'], { 'location.shelter': 'R-DEFAULT-DENY' });
    this.firstDisclosureId = real.decisionId;
    this.say(
      'Le mot de passe du plan part vers la police, qui répondra à un appel d’urgence ; le lieu d’hébergement, non couvert par le consentement, reste à la maison — et la police n’apprend même pas s’il existe.',
      'The code word goes to the police, who will answer an emergency call; the shelter location, which the consent does not cover, stays with the shelter — the police do not even learn whether it exists.',
    );

    this.say(
      'Le CAVAC demande le même plan de sécurité.',
      'Victim services ask for the same safety plan.',
    );
    const cav = await this.disclose(ACTORS.victimServices, { ...ask, categories: ['safety_plan'] });
    this.expectOutcome(cav, 'permit', ['safety_plan'], {});
    this.check(
      cav.released[0]?.withheldFields.includes('code_word') === true,
      'le mot de passe ne devait pas aller au CAVAC',
      'the code word should not go to victim services',
    );

    this.say(
      'Le conseiller d’Entraide, du côté de l’auteur, demande où se trouve Mme A.',
      "Entraide's counsellor, on the perpetrator's side, asks where Ms A. is.",
    );
    const program = await this.disclose(ACTORS.program, {
      personId: this.victimId,
      categories: ['location.shelter'],
      purpose: 'risk_management',
      basis: 'consent',
    });
    this.expectOutcome(program, 'deny', [], { 'location.shelter': 'R-DEFAULT-DENY' });
    const full = await this.broker.expect<{
      trace: { rule: string; verdict: string; scope: string }[];
    }>(200, ACTORS.tablePrivacy, 'GET', `/v1/decisions/${program.decisionId}`);
    const failed = [
      ...new Set(full.body.trace.filter((e) => e.verdict === 'fail').map((e) => e.rule)),
    ];
    this.check(
      failed.includes('R-SEPARATION-OF-DUTIES'),
      `la trace devait nommer R-SEPARATION-OF-DUTIES (${failed.join(', ')})`,
      `the trace should name R-SEPARATION-OF-DUTIES (${failed.join(', ')})`,
    );
    this.say(
      'Le programme ne sait rien de plus. La responsable de la protection des renseignements de la cellule lit la trace complète de la décision :',
      "The program learns nothing more. The table's privacy officer reads the decision's full trace:",
    );
    for (const rule of failed) this.detail(`✗ ${this.rule(rule)}`);

    this.say(
      'La maison demande à la police ce qu’elle sait de M. B. pour le plan de sécurité — sans son consentement à lui.',
      'The shelter asks the police what they know of Mr B. for the safety plan — without his consent.',
    );
    const shelter = await this.disclose(
      ACTORS.shelter,
      {
        personId: this.perpetratorId,
        categories: ['identity', 'court_orders', 'weapons'],
        purpose: 'safety_planning',
        basis: 'consent',
      },
      false,
      ['name', 'conditions'],
    );
    this.expectOutcome(shelter, 'permit', ['identity', 'court_orders', 'weapons'], {});
    await this.bases(ACTORS.shelter, shelter.decisionId, 'perpetrator_protection');
  }

  /** The bases the stored decision records per item: the requester may read its own decision. */
  private async bases(actor: Actor, decisionId: string, expected: string): Promise<void> {
    const stored = await this.broker.expect<{ released: { category: string; basis: string }[] }>(
      200,
      actor,
      'GET',
      `/v1/decisions/${decisionId}`,
    );
    const bases = [...new Set(stored.body.released.map((r) => r.basis))];
    this.check(
      bases.length === 1 && bases[0] === expected,
      `base attendue ${expected}, obtenue ${bases.join(', ')}`,
      `expected basis ${expected}, got ${bases.join(', ')}`,
    );
    this.detail(
      this.t('base de chaque renseignement : ', 'basis of each item: ') +
        this.rule(expected === 'perpetrator_protection' ? 'R-PERPETRATOR-PROTECTION' : expected),
    );
  }

  private async withdrawal(): Promise<void> {
    const { broker } = this;
    this.chapter('Le retrait du consentement', 'Consent withdrawn');
    const withdrawn = await broker.expect(
      200,
      ACTORS.shelter,
      'POST',
      `/v1/consents/${this.consentId}/withdraw`,
      {
        reason: 'person_request',
      },
    );
    this.say(
      `Une semaine plus tard, Mme A. retire son consentement ; la maison l’enregistre${this.receipt(withdrawn.seq)}.`,
      `A week later, Ms A. withdraws her consent; the shelter records it${this.receipt(withdrawn.seq)}.`,
    );
    const notice = (await this.inbox(ACTORS.police, 'consent_withdrawn'))[0];
    this.check(
      notice !== undefined,
      'la police devait être avisée du retrait',
      'the police should be told of the withdrawal',
    );
    const message = notice.message as {
      disclosures: { decisionId: string }[];
      obligation: { code: string; description: Localized };
    };
    this.check(
      message.disclosures.some((d) => d.decisionId === this.firstDisclosureId),
      'l’avis devait nommer la communication faite sous ce consentement',
      'the notice should name the disclosure made under that consent',
    );
    this.say(
      `La police, qui a reçu le plan sous ce consentement, en est avisée (${message.disclosures.length} communication nommée) :`,
      `The police, who received the plan under that consent, are told (${message.disclosures.length} disclosure named):`,
    );
    this.detail(`${message.obligation.code} — ${this.l(message.obligation.description)}`);
    await broker.expect(200, ACTORS.police, 'POST', `/v1/inbox/${notice.id}/ack`);
    this.say('Elle redemande le plan de sécurité :', 'She asks for the safety plan again:');
    const again = await this.disclose(ACTORS.police, {
      personId: this.victimId,
      categories: ['safety_plan'],
      purpose: 'safety_planning',
      basis: 'consent',
    });
    this.expectOutcome(again, 'deny', [], { safety_plan: 'R-DEFAULT-DENY' });
  }

  private async exception(): Promise<void> {
    const { broker } = this;
    this.chapter('L’exception de protection', 'The life/safety exception');
    this.say(
      'Trois semaines plus tard, à 2 h du matin, M. B. est vu près de l’ancien domicile ; il a dit à un voisin qu’il « finirait le travail ». Mme A. a retiré son consentement ; la police doit savoir où la protéger cette nuit.',
      'Three weeks later, at 2 a.m., Mr B. is seen near the former home; he told a neighbour he would "finish the job". Ms A. withdrew her consent; the police must know where to protect her tonight.',
    );
    const request = {
      caseId: this.caseId,
      personId: this.victimId,
      categories: ['location.shelter'],
      purpose: 'emergency',
      basis: 'life_safety',
    };
    const criteria = { reasonable_cause: true, serious_risk: true, identified_person: true };
    const incomplete = await broker.call<{ code: string; title: string; detail?: string }>(
      ACTORS.police,
      'POST',
      '/v1/disclosures',
      { ...request, attestation: { criteria, attestedAt: new Date().toISOString() } },
    );
    this.check(
      incomplete.status === 422 && incomplete.body.code === 'disclosure.attestation_incomplete',
      `une attestation incomplète devait être refusée (${incomplete.status})`,
      `an incomplete attestation should be refused (${incomplete.status})`,
    );
    this.say(
      'Une première demande oublie l’urgence : refusée.',
      'A first request leaves out urgency: refused.',
    );
    this.detail(
      `${incomplete.status} ${incomplete.body.code} — ${incomplete.body.title} ${incomplete.body.detail ?? ''}`,
    );
    this.say(
      'Elle atteste chaque critère de l’art. 18.1 (le régime de la maison, détentrice) :',
      'She attests each criterion of s. 18.1 (the regime of the shelter, the holder):',
    );
    const all = { ...criteria, urgency: true };
    for (const c of Object.keys(all)) {
      this.detail(`✓ ${this.l(this.policies.exceptions.criteria[c] ?? { fr: c, en: c })}`);
    }
    const d = await this.disclose(
      ACTORS.police,
      {
        personId: this.victimId,
        categories: ['location.shelter'],
        purpose: 'emergency',
        basis: 'life_safety',
        attestation: { criteria: all, attestedAt: new Date().toISOString() },
      },
      false,
      ['shelter_name', 'address', 'phone'],
    );
    this.expectOutcome(d, 'permit', ['location.shelter'], {});
    this.check(
      d.duties.reviewReasons.includes('life_safety_exception') && d.duties.reviewRequired,
      'l’exception devait ouvrir une révision',
      'the exception should open a review',
    );
    this.exceptionDecision = d;
    this.say(
      'L’entente ne prévoit pas la fin « urgence » : sous l’exception, la loi est l’autorité, et l’absence d’entente est consignée pour la révision.',
      'The agreement does not provide for the "emergency" purpose: under the exception the law is the authority, and the missing agreement is recorded for the review.',
    );
    // The privacy officers of the holder and of the table hear of the exception use at once.
    for (const officer of [ACTORS.shelterPrivacy, ACTORS.tablePrivacy]) {
      const alert = (await this.inbox(officer, 'exception_used')).find(
        (m) => m.message.decisionId === d.decisionId,
      );
      this.check(
        alert !== undefined,
        `la RPRP de ${officer.code} devait être alertée`,
        `the privacy officer of ${officer.code} should be alerted`,
      );
      await broker.expect(200, officer, 'POST', `/v1/inbox/${alert?.id}/ack`);
    }
    this.say(
      'Les responsables de la protection des renseignements de la maison et de la cellule sont alertées de l’usage de l’exception ; elles en accusent réception.',
      'The privacy officers of the shelter and of the table are alerted to the exception use; they acknowledge it.',
    );
  }

  private async riskChange(): Promise<void> {
    const { broker } = this;
    this.chapter('L’alerte de changement du risque', 'The risk-change alert');
    const reported = await broker.expect<{ alerted: number; urgent: boolean }>(
      201,
      ACTORS.police,
      'POST',
      `/v1/cases/${this.caseId}/risk-changes`,
      {
        kind: 'new_threat',
        occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
        personIds: [this.perpetratorId],
        summary: this.t(
          'Menace de mort proférée cette nuit près de l’ancien domicile.',
          'Death threat uttered tonight near the former home.',
        ),
        contactPoint: this.t(
          'Centre de répartition 24/7 — 418-555-0100',
          'Dispatch centre 24/7 — 418-555-0100',
        ),
      },
    );
    this.check(
      reported.body.urgent && reported.body.alerted >= 4,
      `au moins 4 organismes devaient être alertés (${reported.body.alerted})`,
      `at least 4 agencies should be alerted (${reported.body.alerted})`,
    );
    this.say(
      `La police signale la nouvelle menace : ${reported.body.alerted} organismes alertés — elle sait combien, pas lesquels${this.receipt(reported.seq)}.`,
      `The police report the new threat: ${reported.body.alerted} agencies alerted — they learn how many, not which${this.receipt(reported.seq)}.`,
    );
    const alert = (await this.inbox(ACTORS.shelter, 'risk_change'))[0];
    this.check(
      alert?.urgent === true,
      'la maison devait recevoir une alerte urgente',
      'the shelter should get an urgent alert',
    );
    const m = alert.message as { label: Localized; summary?: string; contactPoint?: string };
    this.say('Dans la boîte de réception de la maison :', "In the shelter's inbox:");
    this.detail(
      `URGENT — ${this.l(m.label)}${this.colon}${m.summary ?? '—'} (${m.contactPoint ?? '—'})`,
    );
    await broker.expect(200, ACTORS.shelter, 'POST', `/v1/inbox/${alert.id}/ack`);
    const escalation = this.policies.workflows.riskChanges.escalationMinutes;
    this.say(
      `L’intervenante en accuse réception ; une alerte urgente laissée sans accusé monte à la coordination après ${escalation} minutes.`,
      `The worker acknowledges it; an urgent alert left unacknowledged goes up to the coordinator after ${escalation} minutes.`,
    );
  }

  private async review(): Promise<void> {
    const { broker } = this;
    const decisionId = this.exceptionDecision.decisionId;
    this.chapter('La révision juridique', 'The legal review');
    const list = await broker.expect<
      { id: string; reasons: string[]; dueAt: string; status: string }[]
    >(200, ACTORS.tableLegal, 'GET', `/v1/reviews?decisionId=${decisionId}`);
    const open = list.body[0];
    this.check(
      open?.status === 'open',
      'une révision devait être ouverte',
      'a review should be open',
    );
    this.say(
      `Une révision s’est ouverte avec la décision : motifs ${open.reasons.join(', ')}, échéance ${open.dueAt.slice(0, 10)}.`,
      `A review opened with the decision: reasons ${open.reasons.join(', ')}, due ${open.dueAt.slice(0, 10)}.`,
    );
    const full = await broker.expect<{
      decision?: {
        attestation?: { criteria: Record<string, boolean> };
        trace?: { rule: string; verdict: string }[];
      };
    }>(200, ACTORS.tableLegal, 'GET', `/v1/reviews/${open.id}`);
    const attested = Object.values(full.body.decision?.attestation?.criteria ?? {}).filter(Boolean);
    const trace = full.body.decision?.trace ?? [];
    this.check(
      attested.length === 4 &&
        trace.some((e) => e.rule === 'R-BASIS-LIFE-SAFETY' && e.verdict === 'pass'),
      'le juriste devait lire l’attestation et la trace',
      'the reviewer should read the attestation and the trace',
    );
    this.say(
      `Le juriste de la cellule lit la décision entière : ${attested.length} critères attestés, ${trace.length} règles évaluées dans la trace.`,
      `The table's legal reviewer reads the whole decision: ${attested.length} criteria attested, ${trace.length} rules evaluated in its trace.`,
    );
    const replay = await broker.expect<{ reproduced: boolean; bundle: { hash: string } }>(
      200,
      ACTORS.tableLegal,
      'POST',
      `/v1/decisions/${decisionId}/replay`,
      {},
    );
    this.check(
      replay.body.reproduced,
      'la décision rejouée devait se reproduire',
      'the replayed decision should reproduce',
    );
    this.say(
      `Le juriste la rejoue sous les politiques alors en vigueur (${replay.body.bundle.hash.slice(0, 12)}…) : reproduite à l’identique${this.receipt(replay.seq)}.`,
      `The reviewer replays it under the policies then in force (${replay.body.bundle.hash.slice(0, 12)}…): reproduced exactly${this.receipt(replay.seq)}.`,
    );
    const decided = await broker.expect<{ status: string; outcome: string }>(
      200,
      ACTORS.tableLegal,
      'POST',
      `/v1/reviews/${open.id}/decision`,
      {
        outcome: 'upheld',
        reasons: this.t(
          'Les quatre critères de l’art. 18.1 étaient réunis ; seul le lieu d’hébergement a été communiqué, à la police.',
          'All four criteria of s. 18.1 were met; only the shelter location went, to the police only.',
        ),
      },
    );
    this.check(
      decided.body.outcome === 'upheld',
      'la révision devait être maintenue',
      'the review should be upheld',
    );
    this.say(
      `Décision de révision : « ${decided.body.outcome} », motivée, définitive${this.receipt(decided.seq)}.`,
      `Review outcome: "${decided.body.outcome}", with reasons, final${this.receipt(decided.seq)}.`,
    );
  }

  private async subjectAccess(): Promise<void> {
    const { broker } = this;
    this.chapter(
      'Le rapport d’accès et la retenue de sécurité',
      'The subject access report and the safety hold',
    );
    this.say(
      'M. B. demande à la police à qui ses renseignements ont été communiqués.',
      'Mr B. asks the police who received his information.',
    );
    const report = async (): Promise<Report> =>
      (
        await broker.expect<Report>(
          200,
          ACTORS.policePrivacy,
          'GET',
          `/v1/persons/${this.perpetratorId}/disclosure-report`,
        )
      ).body;
    const before = await report();
    const toShelter = before.entries.find((e) => e.recipientAgencyId === this.id('maison-aube'));
    this.check(
      before.entries.length === 2 && before.heldEntries === 0 && toShelter !== undefined,
      `deux communications attendues (${before.entries.length})`,
      `two disclosures expected (${before.entries.length})`,
    );
    this.printReport(before);
    this.say(
      'Lui dire que la Maison L’Aube a reçu ses renseignements lui dirait où se réfugie Mme A. La RPRP de la police retient cette ligne :',
      "Telling him L'Aube House received his information would tell him where Ms A. is sheltering. The police privacy officer holds that line:",
    );
    const hold = await broker.expect<{ id: string; seq: number }>(
      201,
      ACTORS.policePrivacy,
      'POST',
      '/v1/audit/holds',
      {
        seq: toShelter?.seq,
        reason: 'shelter_location',
      },
    );
    this.detail(
      this.t(
        `retenue de l’enregistrement n° ${hold.body.seq}, motif shelter_location${this.receipt(hold.seq)}`,
        `hold on record #${hold.body.seq}, reason shelter_location${this.receipt(hold.seq)}`,
      ),
    );
    const held = await report();
    this.check(
      held.entries.length === 1 && held.heldEntries === 1,
      'une ligne devait être retenue',
      'one line should be held',
    );
    this.say('Le rapport remis à M. B. :', 'The report given to Mr B.:');
    this.printReport(held);
    const released = await broker.expect(
      201,
      ACTORS.policePrivacy,
      'POST',
      `/v1/audit/holds/${hold.body.id}/release`,
    );
    const after = await report();
    this.check(
      after.entries.length === 2 && after.heldEntries === 0,
      'la retenue levée, deux lignes',
      'hold released, two lines',
    );
    this.say(
      `Mme A. quitte la maison pour un logement sûr ; la retenue est levée${this.receipt(released.seq)} et le rapport redevient complet (${after.entries.length} lignes). La retenue et sa levée sont au journal.`,
      `Ms A. leaves the shelter for safe housing; the hold is released${this.receipt(released.seq)} and the report is whole again (${after.entries.length} lines). Both are in the log.`,
    );
  }

  private printReport(report: Report): void {
    for (const e of report.entries) {
      this.detail(
        `${this.t('n°', '#')}${this.t(' ', '')}${e.seq} → ${this.name(e.recipientAgencyId)}${this.colon}${e.categories.join(', ')} (${this.t('base', 'basis')} ${e.reasonCodes.join(', ') || e.basis})`,
      );
    }
    this.detail(
      this.t(`lignes retenues : ${report.heldEntries}`, `lines held: ${report.heldEntries}`),
    );
  }

  private async verification(): Promise<void> {
    const { broker } = this;
    this.chapter('La vérification hors ligne', 'Offline verification');
    const checkpoint = await broker.expect<{ treeSize: number; rootHash: string; jws: string }>(
      200,
      ACTORS.tablePrivacy,
      'POST',
      '/v1/audit/checkpoints',
    );
    this.say(
      `La RPRP de la cellule fait signer un point de contrôle du journal : ${checkpoint.body.treeSize} enregistrements.`,
      `The table's privacy officer has the broker sign a checkpoint of the log: ${checkpoint.body.treeSize} records.`,
    );
    const keys = (
      await broker.expect<{ keys: PublishedKey[] }>(200, ACTORS.police, 'GET', '/v1/audit/keys')
    ).body;
    const receipt = this.exceptionDecision.receipt;
    const claims = await verifySigned<ReceiptClaims>(receipt, RECEIPT_TYPE, keys.keys);
    this.check(
      claims !== undefined,
      'le reçu devait être signé par le courtier',
      'the receipt should be signed by the broker',
    );
    const { seq, leafHash } = (claims as { claims: ReceiptClaims }).claims;
    const proof = await broker.expect<{
      treeSize: number;
      rootHash: string;
      proof: string[];
      checkpoint: { jws: string } | null;
    }>(200, ACTORS.police, 'GET', `/v1/audit/records/${seq}/proof`);
    const signed = proof.body.checkpoint
      ? await verifySigned<{ treeSize: number; rootHash: string }>(
          proof.body.checkpoint.jws,
          CHECKPOINT_TYPE,
          keys.keys,
        )
      : undefined;
    const included =
      signed !== undefined &&
      signed.claims.treeSize === proof.body.treeSize &&
      signed.claims.rootHash === proof.body.rootHash &&
      verifyInclusion({
        leafHash: Buffer.from(leafHash, 'base64'),
        index: seq,
        treeSize: proof.body.treeSize,
        proof: proof.body.proof.map((h) => Buffer.from(h, 'base64')),
        root: Buffer.from(proof.body.rootHash, 'base64'),
      });
    this.check(
      included,
      'la preuve d’inclusion devait se vérifier',
      'the inclusion proof should verify',
    );
    this.say(
      `La police vérifie le reçu de l’exception (n° ${seq}) : signature du courtier, puis preuve d’inclusion dans le point de contrôle signé de ${proof.body.treeSize} enregistrements — vérifiée.`,
      `The police check the exception's receipt (#${seq}): the broker's signature, then an inclusion proof into the signed checkpoint of ${proof.body.treeSize} records — verified.`,
    );

    await mkdir(join(this.varDir, 'demo'), { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(
      join(this.varDir, 'demo', `${new Date().toISOString().slice(0, 10)}-`),
    );
    const exported = await broker.expect<string>(
      200,
      ACTORS.tablePrivacy,
      'GET',
      '/v1/audit/export',
    );
    const files = {
      log: join(dir, 'journal.ndjson'),
      keys: join(dir, 'keys.json'),
      receipts: join(dir, 'receipts.txt'),
    };
    await writeFile(files.log, exported.body);
    await writeFile(files.keys, `${JSON.stringify(keys, null, 2)}\n`);
    await writeFile(files.receipts, `${broker.receipts.join('\n')}\n`);
    this.say(
      `Elle exporte le journal entier et le vérifie hors ligne, avec les clés publiques du courtier et les ${broker.receipts.length} reçus de cette histoire :`,
      `She exports the whole log and verifies it offline, with the broker's public keys and this story's ${broker.receipts.length} receipts:`,
    );
    this.detail(
      `npm run audit:verify -- ${files.log} --trust ${files.keys} --receipts ${files.receipts}`,
    );
    const result = await run(process.execPath, [
      this.auditVerifyCli,
      files.log,
      '--trust',
      files.keys,
      '--receipts',
      files.receipts,
    ]);
    for (const line of result.output.trim().split('\n')) this.detail(line);
    this.check(
      result.code === 0 && result.output.includes(`${broker.receipts.length} receipts verified`),
      `la vérification hors ligne a échoué (code ${result.code})`,
      `offline verification failed (exit ${result.code})`,
    );
  }

  /** A disclosure (or dry run) on the story's case, printed as the requester sees the answer. */
  private async disclose(
    actor: Actor,
    body: Json,
    dryRun = false,
    show: readonly string[] = [],
  ): Promise<Disclosure> {
    const path = dryRun ? '/v1/disclosures/dry-run' : '/v1/disclosures';
    const reply = await this.broker.expect<Disclosure>(200, actor, 'POST', path, {
      caseId: this.caseId,
      ...body,
    });
    this.printDecision(reply.body, actor, show);
    return reply.body;
  }

  private printDecision(d: Disclosure, actor: Actor, show: readonly string[]): void {
    const seq = receiptClaims(d.receipt).seq;
    const said = this.l(OUTCOMES[d.outcome] ?? { fr: d.outcome, en: d.outcome });
    const outcome = said === d.outcome ? said : `${said} [${d.outcome}]`;
    console.log(
      `   → ${this.t('Décision', 'Decision')}${this.colon}${outcome}${d.dryRun ? this.t(' (essai à blanc)', ' (dry run)') : ''}${this.receipt(seq)}`,
    );
    const sector = this.agencies.get(actor.code)?.sector ?? '';
    for (const r of d.released) {
      const verb = d.dryRun
        ? this.t('communiquerait', 'would release')
        : this.t('communiqué', 'released');
      this.detail(
        `${verb}${this.colon}${r.category} [${r.fieldNames.join(', ')}] — ${this.t('détenteur', 'holder')} ${this.name(r.holderAgencyId)}`,
      );
      for (const field of show) {
        if (r.fields && field in r.fields)
          this.detail(`  ${field} = ${this.quote(value(r.fields[field]))}`);
      }
      for (const field of r.withheldFields) {
        const rule = this.policies.fieldRules.find(
          (f) =>
            f.category === r.category &&
            (f.fields === '*' || f.fields.includes(field)) &&
            f.recipientSectors.includes(sector),
        );
        this.detail(
          `${this.t('champ retenu', 'field withheld')}${this.colon}${field}` +
            (rule ? ` — ${rule.id} — ${this.l(rule.description)} [${rule.citation}]` : ''),
        );
      }
    }
    for (const w of d.withheld) {
      for (const reason of w.reasons) {
        this.detail(
          `${this.t('retenu', 'withheld')}${this.colon}${w.category} — ${reason.code} — ${this.l(reason.description)} [${reason.citation}]`,
        );
      }
    }
    if (!d.dryRun && d.released.length > 0) {
      const o = d.obligations;
      this.detail(
        `obligations${this.colon}${[
          o.noRedisclosure ? this.t('ne pas communiquer à nouveau', 'no onward disclosure') : '',
          o.retainUntil
            ? this.t(
                `conserver jusqu’au ${o.retainUntil.slice(0, 10)}`,
                `keep until ${o.retainUntil.slice(0, 10)}`,
              )
            : '',
          o.notifyOnChange ? this.t('aviser de tout changement', 'notify on change') : '',
        ]
          .filter(Boolean)
          .join(' · ')}`,
      );
      const duties = [
        ...d.duties.registerEntries.map((h) =>
          this.t(`registre de ${this.name(h)}`, `register of ${this.name(h)}`),
        ),
        ...(d.duties.reviewRequired
          ? [
              this.t(
                `révision juridique (${d.duties.reviewReasons.join(', ')})`,
                `legal review (${d.duties.reviewReasons.join(', ')})`,
              ),
            ]
          : []),
      ];
      if (duties.length)
        this.detail(`${this.t('devoirs', 'duties')}${this.colon}${duties.join(' · ')}`);
    }
  }

  private expectOutcome(
    d: Disclosure,
    outcome: string,
    released: readonly string[],
    withheld: Readonly<Record<string, string>>,
  ): void {
    const got = {
      outcome: d.outcome,
      released: [...new Set(d.released.map((r) => r.category))].sort(),
      withheld: Object.fromEntries(
        d.withheld.map((w) => [w.category, w.reasons.map((r) => r.code).join(',')]),
      ),
    };
    const want = { outcome, released: [...released].sort(), withheld };
    const same =
      got.outcome === want.outcome &&
      JSON.stringify(got.released) === JSON.stringify(want.released) &&
      JSON.stringify(Object.entries(got.withheld).sort()) ===
        JSON.stringify(Object.entries(want.withheld).sort());
    this.check(
      same,
      `décision inattendue : ${JSON.stringify(got)} au lieu de ${JSON.stringify(want)}`,
      `unexpected decision: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`,
    );
  }

  /**
   * The actor's unacknowledged messages of one kind on the story's case. Oldest come first and
   * earlier runs may have left some unacknowledged, so every page is read.
   */
  private async inbox(actor: Actor, kind: string): Promise<InboxEntry[]> {
    const found: InboxEntry[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: Reply<{ items: InboxEntry[]; nextCursor: string | null }> =
        await this.broker.expect(200, actor, 'GET', `/v1/inbox?limit=200${query}`);
      found.push(...page.body.items.filter((m) => m.kind === kind && m.caseId === this.caseId));
      cursor = page.body.nextCursor;
    } while (cursor);
    return found;
  }
}

function run(
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The broker answers, and knows the demo network whose keys are under var/keys. */
async function preflight(url: string, config: AppConfig): Promise<Map<string, DemoKeyFile>> {
  try {
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    if (!health.ok) throw new Error(`HTTP ${health.status}`);
  } catch (error) {
    throw new RefusedError(
      `Le courtier ne répond pas à ${url} (${error instanceof Error ? error.message : String(error)}). Lancez-le d’abord : npm start\n` +
        `The broker does not answer at ${url}. Start it first: npm start  (or give --url)`,
    );
  }
  const keys = new Map<string, DemoKeyFile>();
  for (const code of CAST) {
    const key = await findDemoKey(config.keysDir, code);
    if (key) keys.set(code, key);
  }
  const missing = CAST.filter((code) => !keys.has(code));
  if (missing.length > 0) {
    throw new RefusedError(
      `Réseau de démonstration introuvable : pas de clé pour ${missing.join(', ')} sous ${config.keysDir}. ` +
        `Lancez le courtier avec le réseau de démonstration (npm start, FILET_DEMO_SEED) et le même FILET_VAR_DIR.\n` +
        `Demo network missing: no key for ${missing.join(', ')} under ${config.keysDir}. ` +
        `Run the broker with the demo network (npm start, FILET_DEMO_SEED) and the same FILET_VAR_DIR.`,
    );
  }
  const probe = new Broker(url, config, keys, 'en');
  const directory = await probe.call<{ items?: { id: string; code: string }[]; code?: string }>(
    { code: 'cir-vsl', sub: 'filet-demo', roles: ['agency_user'] },
    'GET',
    '/v1/agencies',
  );
  const registered = new Map((directory.body.items ?? []).map((a) => [a.code, a.id]));
  const unknown = CAST.filter((code) => registered.get(code) !== keys.get(code)?.agencyId);
  if (directory.status !== 200 || unknown.length > 0) {
    throw new RefusedError(
      `Ce courtier ne connaît pas le réseau de démonstration de ${config.keysDir} (${directory.status} ${directory.body.code ?? ''}). ` +
        `Le courtier a-t-il été lancé avec le même FILET_VAR_DIR ?\n` +
        `This broker does not know the demo network of ${config.keysDir} (${directory.status} ${directory.body.code ?? ''}). ` +
        `Was it started with the same FILET_VAR_DIR?`,
    );
  }
  return keys;
}

function languageOf(option: string | undefined): Lang {
  if (option !== undefined) {
    if (option !== 'fr' && option !== 'en') throw new RefusedError(`--lang: fr | en (${option})`);
    return option;
  }
  return (process.env.LANG ?? '').toLowerCase().startsWith('en') ? 'en' : 'fr';
}

async function main(): Promise<number> {
  let values: { lang?: string; url?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        lang: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  try {
    const lang = languageOf(values.lang);
    const url = (values.url ?? config.publicUrl).replace(/\/+$/, '');
    const keys = await preflight(url, config);
    const broker = new Broker(url, config, keys, lang);
    const auditVerify = fileURLToPath(new URL('./audit-verify.js', import.meta.url));
    console.log(
      lang === 'fr'
        ? `Filet — démonstration : un dossier fictif de bout en bout (${url})`
        : `Filet — demo: one fictional case end to end (${url})`,
    );
    await new Story(broker, lang, auditVerify, config.varDir).tell();
    return 0;
  } catch (error) {
    if (error instanceof RefusedError) {
      console.error(`Refusé / Refused: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      `\n✗ L’histoire ne s’est pas déroulée comme prévu / the story did not go as expected:\n  ${message}`,
    );
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
