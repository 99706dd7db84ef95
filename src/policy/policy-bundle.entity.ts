import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A policy bundle as loaded, kept by hash forever (append-only) for replay. */
@Entity({ name: 'policy_bundle' })
export class PolicyBundleEntity {
  @PrimaryColumn({ type: 'text' })
  hash: string;

  @Column({ type: 'jsonb' })
  content: Record<string, unknown>;

  @Column({ name: 'first_loaded_at', type: 'timestamptz', default: () => 'now()' })
  firstLoadedAt: Date;
}

/** A bundle a legal reviewer proposed, to replay past decisions under; never in force by itself. */
@Entity({ name: 'policy_proposal' })
export class PolicyProposalEntity {
  @PrimaryColumn({ type: 'text' })
  hash: string;

  @Column({ type: 'jsonb' })
  content: Record<string, unknown>;

  @Column({ name: 'uploaded_by_agency_id', type: 'uuid' })
  uploadedByAgencyId: string;

  @Column({ name: 'uploaded_by_subject', type: 'text' })
  uploadedBySubject: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' })
  uploadedAt: Date;
}
