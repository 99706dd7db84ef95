import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, Roles } from '../common/auth/access.decorator.js';
import {
  isCoordinationPrivacyOfficer,
  Principal,
  type PrincipalContext,
} from '../common/auth/principal.js';
import { CommonProblems } from '../common/errors/common.problems.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { streamExport } from './audit-export.js';
import { AuditVerifyService, type ServerVerifyReport } from './audit-verify.service.js';
import { DataSource } from 'typeorm';
import { NonNegativeIntPipe } from '../common/validation/int-param.pipe.js';
import { Audit } from './audit-context.js';
import { AuditLog } from './audit-log.js';
import {
  AuditProofsService,
  type ConsistencyProofView,
  type InclusionProofView,
} from './audit-proofs.service.js';
import { AuditProblems } from './audit.problems.js';
import type { AuditContext } from './audit.types.js';
import { AuditSigner } from './audit-signer.js';
import type { PublishedKey } from './broker-keys.js';
import {
  CheckpointsService,
  issueRecordedCheckpoint,
  type Checkpoint,
} from './checkpoints.service.js';
import {
  CheckpointListQueryDto,
  ConsistencyQueryDto,
  InclusionQueryDto,
} from './dto/audit-query.dto.js';
import { DomainError } from '../common/errors/domain-error.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly proofs: AuditProofsService,
    private readonly checkpoints: CheckpointsService,
    private readonly signer: AuditSigner,
    private readonly log: AuditLog,
    private readonly verifier: AuditVerifyService,
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('keys')
  @Authenticated()
  @ApiOkResponse({
    description: "The broker's audit public keys, current and retired (JWK, Ed25519).",
  })
  keys(): { keys: readonly PublishedKey[] } {
    return { keys: this.signer.publishedKeys };
  }

  @Get('checkpoints')
  @Authenticated()
  @ApiOkResponse({ description: 'Signed checkpoints, newest first; `before` pages back.' })
  async listCheckpoints(@Query() query: CheckpointListQueryDto): Promise<{ items: Checkpoint[] }> {
    return { items: await this.checkpoints.list(query.limit ?? 50, query.before) };
  }

  @Get('checkpoints/latest')
  @Authenticated()
  @ApiOkResponse({ description: 'The latest signed checkpoint.' })
  async latestCheckpoint(): Promise<Checkpoint> {
    const latest = await this.checkpoints.latest();
    if (!latest) throw new DomainError(AuditProblems.noCheckpoint);
    return latest;
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Roles('privacy_officer', 'admin')
  @ApiOkResponse({
    description:
      'Issues a checkpoint of the log as it is now (on demand), and records that it did.',
  })
  async issueCheckpoint(@Audit() ctx: AuditContext): Promise<Checkpoint> {
    return issueRecordedCheckpoint(this.log, this.checkpoints, ctx);
  }

  @Get('records/:seq/proof')
  @Authenticated()
  @ApiOkResponse({
    description:
      'RFC 6962 inclusion proof of one record against a tree size (default: latest checkpoint).',
  })
  async inclusion(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
    @Param('seq', NonNegativeIntPipe) seq: number,
    @Query() query: InclusionQueryDto,
  ): Promise<InclusionProofView> {
    const proof = await this.proofs.inclusion(caller, seq, query.treeSize);
    // A read of the log like any other (DESIGN §4), recorded before it is answered.
    await this.log.record(ctx, {
      action: 'audit.proof',
      outcome: 'success',
      targets: { recordSeq: seq, treeSize: proof.treeSize },
    });
    return proof;
  }

  @Get('consistency')
  @Authenticated()
  @ApiOkResponse({ description: 'RFC 6962 consistency proof between two tree sizes.' })
  async consistency(
    @Audit() ctx: AuditContext,
    @Query() query: ConsistencyQueryDto,
  ): Promise<ConsistencyProofView> {
    const proof = await this.proofs.consistency(query.from, query.to);
    await this.log.record(ctx, {
      action: 'audit.consistency',
      outcome: 'success',
      targets: { from: query.from, to: query.to },
    });
    return proof;
  }

  @Get('verify')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'Re-verifies the whole log now against the broker keys: leaves, search columns, checkpoint roots and signatures; names the first record that fails.',
  })
  async verify(@Audit() ctx: AuditContext): Promise<ServerVerifyReport> {
    await this.log.record(ctx, { action: 'audit.verify', outcome: 'success' });
    return this.verifier.verify();
  }

  @Get('export')
  @Roles('privacy_officer')
  @ApiOkResponse({
    description:
      'The whole log as NDJSON (header, broker public keys, checkpoints, records) for `npm run audit:verify`. Privacy officers of the coordinating agency only.',
  })
  async export(
    @Principal() caller: PrincipalContext,
    @Audit() ctx: AuditContext,
  ): Promise<StreamableFile> {
    if (!isCoordinationPrivacyOfficer(caller)) throw new DomainError(CommonProblems.forbidden);
    await this.log.record(ctx, { action: 'audit.export', outcome: 'success' });
    return new StreamableFile(
      Readable.from(streamExport(this.dataSource, this.signer.publishedKeys, this.config.audience)),
      {
        type: 'application/x-ndjson; charset=utf-8',
        disposition: 'attachment; filename="filet-audit-export.ndjson"',
      },
    );
  }
}
