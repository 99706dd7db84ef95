import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Audit } from '../../audit/audit-context.js';
import { streamExport } from '../../audit/audit-export.js';
import { AuditLog } from '../../audit/audit-log.js';
import { AuditProofsService } from '../../audit/audit-proofs.service.js';
import {
  AuditSigner,
  CHECKPOINT_TYPE,
  verifySigned,
  type CheckpointClaims,
} from '../../audit/audit-signer.js';
import { AuditVerifyService, type ServerVerifyReport } from '../../audit/audit-verify.service.js';
import type { AuditContext } from '../../audit/audit.types.js';
import {
  CheckpointsService,
  issueRecordedCheckpoint,
  type Checkpoint,
} from '../../audit/checkpoints.service.js';
import { SERVER_VERIFY_PROBLEM_LABELS } from '../../audit/verify-problem-labels.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import {
  hasRole,
  isCoordinationPrivacyOfficer,
  Principal,
  type PrincipalContext,
} from '../../common/auth/principal.js';
import { CommonProblems } from '../../common/errors/common.problems.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { defineMessages, formatDateTime, formatNumber } from '../i18n.js';
import { csrfField, type View } from '../layout.js';
import { badge, doneBox, pick, seeOther, sendPage, view } from './page-kit.js';

export const EXPORT_FILE = 'filet-audit-export.ndjson';
export const KEYS_FILE = 'filet-audit-keys.json';

export class IntegrityPageQueryDto {
  @IsOptional()
  @IsIn(['checkpoint'])
  done?: 'checkpoint';
}

const t = defineMessages({
  title: { fr: 'Intégrité du journal', en: 'Log integrity' },
  intro: {
    fr: 'Le journal d’audit est un arbre de Merkle (RFC 6962) : chaque point de contrôle signé fixe sa taille et sa racine. Toute modification d’un enregistrement déjà couvert se voit à la vérification.',
    en: 'The audit log is a Merkle tree (RFC 6962): each signed checkpoint fixes its size and root. Any change to a record already covered shows at verification.',
  },
  latest: { fr: 'Dernier point de contrôle', en: 'Latest checkpoint' },
  noCheckpoint: {
    fr: 'Aucun point de contrôle n’a encore été émis.',
    en: 'No checkpoint has been issued yet.',
  },
  treeSize: { fr: 'Taille de l’arbre', en: 'Tree size' },
  rootHash: { fr: 'Racine (SHA-256, base64)', en: 'Root hash (SHA-256, base64)' },
  issuedAt: { fr: 'Émis le', en: 'Issued at' },
  keyId: { fr: 'Clé de signature', en: 'Signing key' },
  signature: { fr: 'Signature', en: 'Signature' },
  signatureOk: {
    fr: 'valide (vérifiée à l’instant avec les clés publiées de Filet)',
    en: "valid (checked just now with Filet's published keys)",
  },
  signatureBad: {
    fr: 'INVALIDE : la signature ou son contenu ne se vérifie pas avec les clés publiées',
    en: 'INVALID: the signature or its content does not verify with the published keys',
  },
  logSize: { fr: 'Taille du journal', en: 'Log size' },
  uncovered: {
    fr: 'Enregistrements pas encore couverts',
    en: 'Records not yet covered',
  },
  uncoveredNote: {
    fr: 'Les enregistrements postérieurs au dernier point de contrôle ne sont protégés par aucune signature tant qu’un nouveau point n’est pas émis.',
    en: 'Records after the latest checkpoint are protected by no signature until a new one is issued.',
  },
  recent: { fr: 'Points de contrôle récents', en: 'Recent checkpoints' },
  recentCaption: {
    fr: 'Les derniers points de contrôle signés, du plus récent au plus ancien',
    en: 'The latest signed checkpoints, newest first',
  },
  actions: { fr: 'Vérifier et sceller', en: 'Verify and seal' },
  verifyIntro: {
    fr: 'Filet revérifie tout le journal maintenant : chaque feuille, les colonnes de recherche, la racine et la signature de chaque point de contrôle.',
    en: 'Filet re-verifies the whole log now: every leaf, the search columns, the root and signature of every checkpoint.',
  },
  verify: { fr: 'Vérifier maintenant', en: 'Verify now' },
  issueIntro: {
    fr: 'Un point de contrôle signe l’état actuel du journal ; son émission est inscrite au journal.',
    en: 'A checkpoint signs the log as it is now; issuing it is recorded.',
  },
  issue: { fr: 'Émettre un point de contrôle maintenant', en: 'Issue a checkpoint now' },
  issued: { fr: 'Point de contrôle émis.', en: 'Checkpoint issued.' },
  result: { fr: 'Résultat de la vérification', en: 'Verification result' },
  ok: {
    fr: 'Journal intègre : tout se vérifie.',
    en: 'Log intact: everything verifies.',
  },
  notOk: {
    fr: 'Problème détecté : {problem}.',
    en: 'Problem found: {problem}.',
  },
  atSeq: { fr: 'Enregistrement en cause', en: 'Record concerned' },
  atTree: { fr: 'Taille d’arbre en cause', en: 'Tree size concerned' },
  recordsChecked: { fr: 'Enregistrements vérifiés', en: 'Records checked' },
  checkpointsChecked: { fr: 'Points de contrôle vérifiés', en: 'Checkpoints checked' },
  lastCheckpoint: {
    fr: 'Plus grand point de contrôle vérifié',
    en: 'Largest checkpoint verified',
  },
  unanchored: { fr: 'Enregistrements après lui', en: 'Records after it' },
  verifiedAt: { fr: 'Vérifié le', en: 'Verified at' },
  offline: { fr: 'Vérification hors ligne', en: 'Offline verification' },
  offlineIntro: {
    fr: 'Pour vérifier le journal sans faire confiance à ce serveur : téléchargez l’exportation et les clés publiques de Filet (conservez les clés à part, obtenues par un autre canal si possible), puis lancez le vérificateur hors ligne.',
    en: "To verify the log without trusting this server: download the export and Filet's public keys (keep the keys apart, obtained through another channel if you can), then run the offline verifier.",
  },
  download: { fr: 'Télécharger l’exportation (NDJSON)', en: 'Download the export (NDJSON)' },
  keys: {
    fr: 'Télécharger les clés publiques (JSON)',
    en: 'Download the public keys (JSON)',
  },
  command: { fr: 'Commande à lancer', en: 'Command to run' },
  copyCommand: { fr: 'Copier la commande', en: 'Copy the command' },
  exportReserved: {
    fr: 'L’exportation du journal entier est réservée aux responsables de la protection des renseignements de l’organisme coordonnateur.',
    en: "Exporting the whole log is for the coordinating agency's privacy officers only.",
  },
});

function signatureBadge(lang: View['lang'], ok: boolean): SafeHtml {
  return ok ? badge('ok', t(lang, 'signatureOk')) : badge('bad', t(lang, 'signatureBad'));
}

/**
 * Log integrity (DESIGN §4): the latest checkpoint with its signature checked now, re-verification
 * of the whole log, checkpoints on demand, and the export for the offline verifier — the same
 * services, roles and records as `GET /v1/audit/verify`, `POST /v1/audit/checkpoints`,
 * `GET /v1/audit/export` and `GET /v1/audit/keys`.
 */
@ApiExcludeController()
@Controller('console')
export class IntegrityPagesController {
  constructor(
    private readonly checkpoints: CheckpointsService,
    private readonly proofs: AuditProofsService,
    private readonly signer: AuditSigner,
    private readonly log: AuditLog,
    private readonly verifier: AuditVerifyService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('integrity')
  @ConsoleAccess('privacy_officer', 'legal_reviewer')
  async page(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Query() query: IntegrityPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.render(request, reply, caller, {
      done: query.done === 'checkpoint' ? 'issued' : undefined,
    });
  }

  /** Re-verifies the whole log (recorded first, as the API does) and shows the result at once. */
  @Post('integrity/verify')
  @HttpCode(200)
  @ConsoleAccess('privacy_officer')
  async verify(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.log.record(ctx, { action: 'audit.verify', outcome: 'success' });
    const report = await this.verifier.verify();
    await this.render(request, reply, caller, { report });
  }

  /** As `POST /v1/audit/checkpoints`: the checkpoint and the record of its issue commit together. */
  @Post('integrity/checkpoints')
  @ConsoleAccess('privacy_officer')
  async issue(@Audit() ctx: AuditContext, @Res() reply: FastifyReply): Promise<void> {
    await issueRecordedCheckpoint(this.log, this.checkpoints, ctx);
    seeOther(reply, '/console/integrity?done=checkpoint');
  }

  /** As `GET /v1/audit/export`: the whole log as NDJSON, for the coordinating agency's officers. */
  @Get('integrity/export')
  @ConsoleAccess('privacy_officer')
  async export(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!isCoordinationPrivacyOfficer(caller)) throw new DomainError(CommonProblems.forbidden);
    await this.log.record(ctx, { action: 'audit.export', outcome: 'success' });
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${EXPORT_FILE}"`)
      .send(
        Readable.from(
          streamExport(this.dataSource, this.signer.publishedKeys, this.config.audience),
        ),
      );
  }

  /** As `GET /v1/audit/keys`, as a file: the `--trust` of the offline verifier. */
  @Get('integrity/keys')
  @ConsoleAccess('privacy_officer', 'legal_reviewer')
  keys(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${KEYS_FILE}"`)
      .send(`${JSON.stringify({ keys: this.signer.publishedKeys }, null, 2)}\n`);
  }

  private async render(
    request: FastifyRequest,
    reply: FastifyReply,
    caller: PrincipalContext,
    extra: { done?: 'issued'; report?: ServerVerifyReport },
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const [latest, recent, size] = await Promise.all([
      this.checkpoints.latest(),
      this.checkpoints.list(5),
      this.proofs.size(),
    ]);
    const signatureOk = latest ? await this.signatureHolds(latest) : false;
    sendPage(reply, v, {
      title: t(v.lang, 'title'),
      section: 'integrity',
      body: html`${doneBox(extra.done ? t(v.lang, extra.done) : undefined)}
        ${extra.report ? reportBox(v, extra.report) : ''}
        <p>${t(v.lang, 'intro')}</p>
        ${latestSection(v, latest, signatureOk, size)} ${recentSection(v, recent)}
        ${hasRole(caller, 'privacy_officer') ? actionsSection(v) : ''}
        ${offlineSection(v, isCoordinationPrivacyOfficer(caller))}`,
    });
  }

  /** The checkpoint's signature, checked now with the broker's published keys, says what is stored. */
  private async signatureHolds(checkpoint: Checkpoint): Promise<boolean> {
    const signed = await verifySigned<CheckpointClaims>(
      checkpoint.jws,
      CHECKPOINT_TYPE,
      this.signer.publishedKeys,
    );
    return (
      signed !== undefined &&
      signed.kid === checkpoint.keyId &&
      signed.claims.treeSize === checkpoint.treeSize &&
      signed.claims.rootHash === checkpoint.rootHash &&
      signed.claims.log === this.config.audience
    );
  }
}

function latestSection(
  v: View,
  latest: Checkpoint | undefined,
  signatureOk: boolean,
  size: number,
): HtmlValue {
  const lang = v.lang;
  if (!latest) {
    return html`<h2>${t(lang, 'latest')}</h2>
      <p>${t(lang, 'noCheckpoint')}</p>
      <dl class="facts">
        <dt>${t(lang, 'logSize')}</dt>
        <dd>${formatNumber(lang, size)}</dd>
        <dt>${t(lang, 'uncovered')}</dt>
        <dd>${formatNumber(lang, size)}</dd>
      </dl>`;
  }
  const uncovered = Math.max(0, size - latest.treeSize);
  return html`<h2>${t(lang, 'latest')}</h2>
    <dl class="facts">
      <dt>${t(lang, 'treeSize')}</dt>
      <dd>${formatNumber(lang, latest.treeSize)}</dd>
      <dt>${t(lang, 'rootHash')}</dt>
      <dd><code>${latest.rootHash}</code></dd>
      <dt>${t(lang, 'issuedAt')}</dt>
      <dd>${formatDateTime(v, latest.issuedAt)}</dd>
      <dt>${t(lang, 'keyId')}</dt>
      <dd><code>${latest.keyId}</code></dd>
      <dt>${t(lang, 'signature')}</dt>
      <dd>${signatureBadge(lang, signatureOk)}</dd>
      <dt>${t(lang, 'logSize')}</dt>
      <dd>${formatNumber(lang, size)}</dd>
      <dt>${t(lang, 'uncovered')}</dt>
      <dd>${formatNumber(lang, uncovered)}</dd>
    </dl>
    ${uncovered > 0 ? html`<p><small>${t(lang, 'uncoveredNote')}</small></p>` : ''}`;
}

function recentSection(v: View, recent: readonly Checkpoint[]): HtmlValue {
  const lang = v.lang;
  if (recent.length === 0) return '';
  return html`<h2>${t(lang, 'recent')}</h2>
    <table>
      <caption>
        ${t(lang, 'recentCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col" class="num">${t(lang, 'treeSize')}</th>
          <th scope="col">${t(lang, 'issuedAt')}</th>
          <th scope="col">${t(lang, 'rootHash')}</th>
          <th scope="col">${t(lang, 'keyId')}</th>
        </tr>
      </thead>
      <tbody>
        ${recent.map(
          (c) => html`<tr>
            <td class="num">${formatNumber(lang, c.treeSize)}</td>
            <td>${formatDateTime(v, c.issuedAt)}</td>
            <td><code>${c.rootHash}</code></td>
            <td><code>${c.keyId}</code></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

function actionsSection(v: View): SafeHtml {
  const lang = v.lang;
  return html`<h2>${t(lang, 'actions')}</h2>
    <div class="actions">
      <form method="post" action="/console/integrity/verify">
        ${csrfField(v)}
        <p>${t(lang, 'verifyIntro')}</p>
        <button type="submit">${t(lang, 'verify')}</button>
      </form>
      <form method="post" action="/console/integrity/checkpoints">
        ${csrfField(v)}
        <p>${t(lang, 'issueIntro')}</p>
        <button type="submit" class="secondary">${t(lang, 'issue')}</button>
      </form>
    </div>`;
}

function reportBox(v: View, report: ServerVerifyReport): SafeHtml {
  const lang = v.lang;
  const problem = report.firstProblem;
  return html`<section
    class="notice-box ${report.ok ? 'ok' : 'bad'}"
    role="${report.ok ? 'status' : 'alert'}"
    aria-labelledby="verify-result"
  >
    <h2 id="verify-result">${t(lang, 'result')}</h2>
    <p>
      ${
        report.ok
          ? badge('ok', t(lang, 'ok'))
          : badge(
              'bad',
              t(lang, 'notOk', {
                problem: pick(lang, SERVER_VERIFY_PROBLEM_LABELS, problem?.code ?? ''),
              }),
            )
      }
      ${problem ? html`<code>${problem.code}</code>` : ''}
    </p>
    <dl class="facts">
      ${
        problem?.seq !== undefined
          ? html`<dt>${t(lang, 'atSeq')}</dt>
            <dd>${problem.seq}</dd>`
          : ''
      }
      ${
        problem?.treeSize !== undefined
          ? html`<dt>${t(lang, 'atTree')}</dt>
            <dd>${problem.treeSize}</dd>`
          : ''
      }
      <dt>${t(lang, 'recordsChecked')}</dt>
      <dd>${formatNumber(lang, report.recordsChecked)}</dd>
      <dt>${t(lang, 'checkpointsChecked')}</dt>
      <dd>${formatNumber(lang, report.checkpointsChecked)}</dd>
      <dt>${t(lang, 'lastCheckpoint')}</dt>
      <dd>${formatNumber(lang, report.lastCheckpointSize)}</dd>
      <dt>${t(lang, 'unanchored')}</dt>
      <dd>${formatNumber(lang, report.unanchoredRecords)}</dd>
      <dt>${t(lang, 'verifiedAt')}</dt>
      <dd>${formatDateTime(v, report.verifiedAt)}</dd>
    </dl>
  </section>`;
}

function offlineSection(v: View, mayExport: boolean): SafeHtml {
  const lang = v.lang;
  return html`<h2>${t(lang, 'offline')}</h2>
    <p>${t(lang, 'offlineIntro')}</p>
    <ul class="plain">
      ${
        mayExport
          ? html`<li><a href="/console/integrity/export" download="${EXPORT_FILE}">${t(lang, 'download')}</a></li>`
          : ''
      }
      <li><a href="/console/integrity/keys" download="${KEYS_FILE}">${t(lang, 'keys')}</a></li>
    </ul>
    ${mayExport ? '' : html`<p>${t(lang, 'exportReserved')}</p>`}
    <h3>${t(lang, 'command')}</h3>
    <p>
      <code id="verify-command">npm run audit:verify -- ${EXPORT_FILE} --trust ${KEYS_FILE}</code>
      <button type="button" class="secondary" data-copy="verify-command" hidden>
        ${t(lang, 'copyCommand')}
      </button>
    </p>`;
}
