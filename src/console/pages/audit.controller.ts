import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AgenciesService } from '../../agencies/agencies.service.js';
import { Audit } from '../../audit/audit-context.js';
import { AuditLog } from '../../audit/audit-log.js';
import { AuditProofsService } from '../../audit/audit-proofs.service.js';
import {
  AuditSigner,
  CHECKPOINT_TYPE,
  verifySigned,
  type CheckpointClaims,
} from '../../audit/audit-signer.js';
import { AuditViewsService } from '../../audit/audit-views.service.js';
import { AUDIT_OUTCOMES, type AuditContext } from '../../audit/audit.types.js';
import { CheckpointsService } from '../../audit/checkpoints.service.js';
import { canonicalize } from '../../audit/core/canonical-json.js';
import { leafHash, verifyInclusion } from '../../audit/core/merkle.js';
import { BASES } from '../../audit/dto/audit-query.dto.js';
import { ConsoleAccess } from '../../common/auth/access.decorator.js';
import { Principal, type PrincipalContext } from '../../common/auth/principal.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { NonNegativeIntPipe } from '../../common/validation/int-param.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { InjectConfig } from '../../config/config.provider.js';
import { DisclosureProblems } from '../../disclosures/disclosures.problems.js';
import { DisclosuresService } from '../../disclosures/disclosures.service.js';
import { PolicyService } from '../../policy/policy.service.js';
import { defineMessages } from '../i18n.js';
import {
  directoryOf,
  recordPage,
  searchPage,
  type DecisionView,
  type ProofCheck,
} from './audit.view.js';
import { Blank, IsPeriodBound, periodBounds } from './form-values.js';
import { sendPage, view } from './page-kit.js';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** A whole number from the query string; anything else is left as is, for the validator to refuse. */
const WholeNumber = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === '' || value === undefined
      ? undefined
      : typeof value === 'string' && /^\d{1,16}$/.test(value)
        ? Number(value)
        : value,
  );

/**
 * The search form: the filters of `GET /v1/audit/records`, with periods also as a date or a
 * date-time in the table's time zone (what people type), and empty fields taken as no filter.
 */
export class AuditSearchPageQueryDto {
  @Blank()
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @Blank()
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @Blank()
  @IsOptional()
  @IsUUID()
  personId?: string;

  @Blank()
  @IsOptional()
  @IsIn(BASES)
  basis?: string;

  @Blank()
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: string;

  @Blank()
  @IsOptional()
  @Matches(/^[a-z_]{1,40}(\.[a-z_]{1,40}){0,3}$/)
  action?: string;

  @Blank()
  @IsOptional()
  @IsPeriodBound()
  from?: string;

  @Blank()
  @IsOptional()
  @IsPeriodBound()
  to?: string;

  @WholeNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  before?: number;

  @WholeNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class AuditRecordPageQueryDto {
  @IsOptional()
  @IsIn(['proof'])
  check?: 'proof';
}

const t = defineMessages({
  title: { fr: 'Journal d’audit', en: 'Audit log' },
  recordTitle: { fr: 'Enregistrement n° {seq}', en: 'Record no. {seq}' },
});

/**
 * The privacy officers' audit pages (DESIGN §4): the search of `GET /v1/audit/records` and one
 * record of `GET /v1/audit/records/{seq}`, through the same services and the same record-level
 * scope; a record's decision explained through `GET /v1/decisions/{id}`'s service, its receipt,
 * and its inclusion proof checked here, server-side. Every read is recorded as the API records it.
 */
@ApiExcludeController()
@Controller('console')
export class AuditPagesController {
  constructor(
    private readonly views: AuditViewsService,
    private readonly proofs: AuditProofsService,
    private readonly checkpoints: CheckpointsService,
    private readonly signer: AuditSigner,
    private readonly log: AuditLog,
    private readonly disclosures: DisclosuresService,
    private readonly agencies: AgenciesService,
    private readonly policies: PolicyService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('audit')
  @ConsoleAccess('privacy_officer')
  async search(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Query() form: AuditSearchPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    const zone = this.config.timeZone;
    const result = await this.views.search(caller, ctx, {
      agencyId: form.agencyId,
      caseId: form.caseId,
      personId: form.personId,
      basis: form.basis,
      outcome: form.outcome,
      action: form.action,
      // Past PostgreSQL's calendar (e.g. the end of 9999 in the table's time), a bound excludes nothing.
      ...periodBounds(form.from || undefined, form.to || undefined, zone),
      before: form.before,
      limit: form.limit ?? 50,
    });
    const directory = directoryOf(await this.agencies.listDirectory());
    sendPage(reply, v, {
      title: t(v.lang, 'title'),
      section: 'audit',
      body: searchPage(v, form, directory, result, form.before !== undefined),
    });
  }

  @Get('audit/records/:seq')
  @ConsoleAccess('privacy_officer')
  async record(
    @Req() request: FastifyRequest,
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('seq', NonNegativeIntPipe) seq: number,
    @Query() query: AuditRecordPageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const v = view(request, this.config.timeZone);
    // Scoped and recorded by the service, as the API: a record the caller may not see is a 404.
    const record = await this.views.record(caller, ctx, seq);
    const leaf = record.record as {
      policyBundleHash?: string;
      targets?: { decisionId?: string };
    };
    const decisionId = leaf.targets?.decisionId;
    let decision: DecisionView | null | undefined;
    if (typeof decisionId === 'string') {
      try {
        decision = (await this.disclosures.get(caller, decisionId)) as unknown as DecisionView;
      } catch (error) {
        if (
          !(error instanceof DomainError) ||
          error.problem.code !== DisclosureProblems.decisionNotFound.code
        )
          throw error;
        decision = null;
      }
    }
    // The bundle in force when the decision was taken, never today's.
    const hash = decision?.policyBundleHash ?? leaf.policyBundleHash;
    const bundle = hash ? await this.policies.byHash(hash) : undefined;
    const [entries, receipt] = await Promise.all([
      this.agencies.listDirectory(),
      this.signer.signReceipt({
        seq: record.seq,
        leafHash: record.leafHash,
        recordedAt: record.recordedAt,
      }),
    ]);
    const proof = query.check === 'proof' ? await this.checkProof(caller, ctx, record) : undefined;
    sendPage(reply, v, {
      title: t(v.lang, 'recordTitle', { seq: record.seq }),
      section: 'audit',
      body: recordPage(v, {
        record,
        leafHashMatches:
          leafHash(Buffer.from(canonicalize(record.record), 'utf8')).toString('base64') ===
          record.leafHash,
        directory: directoryOf(entries),
        bundle,
        decision,
        receipt,
        proof,
      }),
    });
  }

  /**
   * The inclusion proof against the latest signed checkpoint, as `GET /v1/audit/records/{seq}/proof`
   * serves and records it, then verified here as a client would: the root recomputed from the leaf
   * hash and the audit path (RFC 9162 §2.1.3.2), and the checkpoint's signature checked with the
   * broker's published keys.
   */
  private async checkProof(
    caller: PrincipalContext,
    ctx: AuditContext,
    record: { seq: number; leafHash: string },
  ): Promise<ProofCheck> {
    const latest = await this.checkpoints.latest();
    if (!latest || latest.treeSize <= record.seq) return { kind: 'uncovered' };
    const proof = await this.proofs.inclusion(caller, record.seq, latest.treeSize);
    await this.log.record(ctx, {
      action: 'audit.proof',
      outcome: 'success',
      targets: { recordSeq: record.seq, treeSize: proof.treeSize },
    });
    if (proof.leafHash !== record.leafHash) return { kind: 'failed', why: 'leaf' };
    const signed = proof.checkpoint
      ? await verifySigned<CheckpointClaims>(
          proof.checkpoint.jws,
          CHECKPOINT_TYPE,
          this.signer.publishedKeys,
        )
      : undefined;
    if (!signed) return { kind: 'failed', why: 'signature' };
    const claims = signed.claims;
    if (
      claims.treeSize !== proof.treeSize ||
      claims.log !== this.config.audience ||
      claims.rootHash !== proof.rootHash
    ) {
      return { kind: 'failed', why: 'claims' };
    }
    const included = verifyInclusion({
      leafHash: Buffer.from(record.leafHash, 'base64'),
      index: record.seq,
      treeSize: claims.treeSize,
      proof: proof.proof.map((p) => Buffer.from(p, 'base64')),
      root: Buffer.from(claims.rootHash, 'base64'),
    });
    if (!included) return { kind: 'failed', why: 'path' };
    return {
      kind: 'verified',
      treeSize: claims.treeSize,
      rootHash: claims.rootHash,
      issuedAt: claims.issuedAt,
      keyId: signed.kid,
      pathLength: proof.proof.length,
    };
  }
}
