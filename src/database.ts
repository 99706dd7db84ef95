import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { AgencyKeyEntity } from './agencies/agency-key.entity.js';
import { AgencyEntity } from './agencies/agency.entity.js';
import { AgreementFlowEntity } from './agreements/agreement-flow.entity.js';
import { AgreementPartyEntity } from './agreements/agreement-party.entity.js';
import { AgreementVersionEntity } from './agreements/agreement-version.entity.js';
import { AgreementEntity } from './agreements/agreement.entity.js';
import {
  AuditCheckpointEntity,
  AuditHeadEntity,
  AuditHoldEntity,
  AuditNodeEntity,
  AuditPendingEntity,
  AuditRecordEntity,
} from './audit/audit.entities.js';
import { CaseAssignmentEntity, CaseUserAssignmentEntity } from './cases/case-assignment.entity.js';
import { CasePersonEntity } from './cases/case-person.entity.js';
import { CaseEntity } from './cases/case.entity.js';
import { RiskAssessmentEntity } from './cases/risk-assessment.entity.js';
import { ConsentEntity, ConsentVersionEntity } from './consents/consent.entity.js';
import {
  InformationItemEntity,
  InformationItemVersionEntity,
} from './items/information-item.entity.js';
import { TokenUseEntity } from './common/auth/token-use.entity.js';
import { PolicyBundleEntity, PolicyProposalEntity } from './policy/policy-bundle.entity.js';
import { ReviewCommentEntity, ReviewEntity } from './reviews/review.entity.js';
import { NoticeEntity, NoticeEventEntity } from './notices/notice.entity.js';
import {
  NotificationEntity,
  RiskChangeEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
} from './notifications/notification.entities.js';
import { DecisionApprovalEntity, DecisionEntity } from './disclosures/decision.entity.js';

/** Every entity the broker maps; the schema check compares these with the migrations. */
export const ENTITIES = [
  AgencyEntity,
  AgencyKeyEntity,
  TokenUseEntity,
  AuditRecordEntity,
  AuditNodeEntity,
  AuditHeadEntity,
  AuditCheckpointEntity,
  AuditHoldEntity,
  AuditPendingEntity,
  PolicyBundleEntity,
  DecisionEntity,
  DecisionApprovalEntity,
  AgreementEntity,
  AgreementVersionEntity,
  AgreementPartyEntity,
  AgreementFlowEntity,
  CaseEntity,
  RiskAssessmentEntity,
  CasePersonEntity,
  CaseAssignmentEntity,
  CaseUserAssignmentEntity,
  ConsentEntity,
  ConsentVersionEntity,
  InformationItemEntity,
  InformationItemVersionEntity,
  PolicyProposalEntity,
  ReviewEntity,
  ReviewCommentEntity,
  NoticeEntity,
  NoticeEventEntity,
  RiskChangeEntity,
  NotificationEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];

export interface DataSourceOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
  /**
   * PostgreSQL role every connection switches to (`SET ROLE` at connection start). The broker runs
   * as `filet_app`, which may only INSERT and SELECT the audit log; migrations run as the login role.
   */
  readonly role?: string;
}

/** The role the broker's own connections run as (created by the audit-log migration). */
export const APP_ROLE = 'filet_app';

/** The broker's one way to reach PostgreSQL. `synchronize` stays off: the schema is the migrations'. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'filet',
    extra: {
      connectionTimeoutMillis: 5000,
      statement_timeout: 15000,
      ...(options.role ? { options: `-c role=${options.role}` } : {}),
    },
  });
}
