import { ApiProperty } from '@nestjs/swagger';
import type { RetentionCounts } from '../retention.service.js';

/** What one retention run did. */
export class RetentionRunDto implements RetentionCounts {
  @ApiProperty({ description: 'Items whose content (every version) was purged.' })
  purgedItems: number;
  @ApiProperty({ description: 'Consents whose period had run out, marked ended.' })
  endedConsents: number;
  @ApiProperty({ description: 'Agreements past their term, terminated as `expired`.' })
  endedAgreements: number;
  @ApiProperty({ description: 'Risk changes whose summary and contact point were cleared.' })
  purgedRiskChanges: number;
  @ApiProperty({ description: 'Alerts whose summary and contact point were cleared.' })
  purgedNotifications: number;

  static from(counts: RetentionCounts): RetentionRunDto {
    return Object.assign(new RetentionRunDto(), {
      purgedItems: counts.purgedItems,
      endedConsents: counts.endedConsents,
      endedAgreements: counts.endedAgreements,
      purgedRiskChanges: counts.purgedRiskChanges,
      purgedNotifications: counts.purgedNotifications,
    });
  }
}
