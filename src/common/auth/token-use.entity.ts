import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A token id seen once; kept until the token expires so a replay fails on every broker instance. */
@Entity({ name: 'token_use' })
@Index('token_use_expires_at_idx', ['expiresAt'])
export class TokenUseEntity {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @PrimaryColumn({ type: 'text' })
  jti: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
