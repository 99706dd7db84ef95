import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AGENCY_CODE } from '../../common/validation/patterns.js';

export class SafeNextDto {
  /** Where to go after signing in (a console path; anything else is ignored). */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;

  @IsOptional()
  @IsIn(['1'])
  signedOut?: string;
}

export class AgencyCodeDto {
  @Matches(AGENCY_CODE)
  agency: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;
}

export class LanguageSwitchDto {
  @IsIn(['fr', 'en'])
  to: 'fr' | 'en';

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;
}
