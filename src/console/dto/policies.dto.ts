import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { POLICY_FILES } from '../../policy/bundle.types.js';
import { BUNDLE_HASH, MAX_POLICY_FILE_CHARS } from '../../replay/dto/replay-request.dto.js';

export class ReplayPageQueryDto {
  @IsOptional()
  @IsUUID()
  decisionId?: string;

  @IsOptional()
  @Matches(BUNDLE_HASH)
  bundleHash?: string;

  @IsOptional()
  @IsIn(POLICY_FILES)
  file?: string;
}

export class ReplayFormDto {
  @IsUUID()
  decisionId: string;

  @IsIn(['then', 'hash', 'proposal'])
  mode: 'then' | 'hash' | 'proposal';

  /** Only read for `hash`; an empty field from the form is ignored otherwise. */
  @IsOptional()
  @IsString()
  @Matches(/^(?:[0-9a-fA-F]{64})?$/)
  bundleHash?: string;

  @IsOptional()
  @IsIn([...POLICY_FILES, ''])
  file?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_POLICY_FILE_CHARS)
  content?: string;
}
