import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, defineProblems } from '../common/errors/domain-error.js';
import { PolicyService } from '../policy/policy.service.js';

export interface Readiness {
  readonly status: 'ready';
  readonly checks: {
    readonly database: 'ok';
    readonly migrations: 'ok';
    readonly policyBundle: string;
  };
}

export const HealthProblems = defineProblems({
  databaseUnreachable: {
    code: 'health.database_unreachable',
    status: 503,
    title: { fr: 'La base de données est injoignable.', en: 'The database is unreachable.' },
  },
  migrationsPending: {
    code: 'health.migrations_pending',
    status: 503,
    title: { fr: 'Des migrations restent à appliquer.', en: 'Migrations are pending.' },
  },
});

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyService,
  ) {}

  async readiness(): Promise<Readiness> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError(HealthProblems.databaseUnreachable, {
        headers: { 'retry-after': '2' },
      });
    }
    if (await this.dataSource.showMigrations())
      throw new DomainError(HealthProblems.migrationsPending);
    return {
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', policyBundle: this.policies.current().hash },
    };
  }
}
