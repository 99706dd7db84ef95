import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.provider.js';
import { bundleHash, fromContent, loadPolicyContent } from './bundle-loader.js';
import type { PolicyBundle } from './bundle.types.js';

/**
 * The policy bundle in force. Loaded and validated once at start-up (the broker refuses to start on
 * any error), stored by hash so every bundle ever in force can be found again for replay.
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private bundle: PolicyBundle | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const content = await loadPolicyContent(this.config.policiesDir);
    await this.dataSource.query(
      'INSERT INTO policy_bundle (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING',
      [bundleHash(content), content],
    );
    this.bundle = fromContent(content);
  }

  /** The bundle in force; throws if called before start-up finished (never a silent empty policy). */
  current(): PolicyBundle {
    if (!this.bundle) throw new Error('policy bundle not loaded');
    return this.bundle;
  }

  /** A bundle that was in force once, by its hash. */
  async byHash(hash: string): Promise<PolicyBundle | undefined> {
    const rows: { content: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT content FROM policy_bundle WHERE hash = $1',
      [hash],
    );
    return rows[0] ? fromContent(rows[0].content) : undefined;
  }
}
