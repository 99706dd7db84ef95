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
