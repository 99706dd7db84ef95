import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

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

export class LanguageSwitchDto {
  @IsIn(['fr', 'en'])
  to: 'fr' | 'en';

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;
}
