import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AgreementsModule } from './agreements/agreements.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthGuard } from './common/auth/auth.guard.js';
import { TokenUseStore } from './common/auth/token-use.store.js';
import { TokenVerifier } from './common/auth/token-verifier.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { LOGGER } from './common/logging/logger.provider.js';
import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG } from './config/config.provider.js';
import { CasesModule } from './cases/cases.module.js';
import { ConsentsModule } from './consents/consents.module.js';
import { DisclosuresModule } from './disclosures/disclosures.module.js';
import { HealthModule } from './health/health.module.js';
import { ItemsModule } from './items/items.module.js';
import { PolicyModule } from './policy/policy.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { ReplayModule } from './replay/replay.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { ConsoleModule } from './console/console.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  readonly logger: Logger;
}

/** Shared infrastructure every feature may inject: config, database, logger. */
@Global()
@Module({})
class CoreModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: DataSource, useValue: options.dataSource },
        { provide: LOGGER, useValue: options.logger },
      ],
      exports: [APP_CONFIG, DataSource, LOGGER],
    };
  }
}

/** Wiring only. Authentication is global: the issuer directory comes from the agencies feature. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        AuditModule,
        PolicyModule,
        HealthModule,
        AgenciesModule,
        AgreementsModule,
        CasesModule,
        ConsentsModule,
        ItemsModule,
        DisclosuresModule,
        RetentionModule,
        ReplayModule,
        NotificationsModule,
        ReviewsModule,
        NoticesModule,
        ConsoleModule,
      ],
      providers: [
        TokenUseStore,
        TokenVerifier,
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: APP_FILTER,
          useFactory: (logger: Logger) => new ProblemFilter(logger),
          inject: [LOGGER],
        },
      ],
    };
  }
}
