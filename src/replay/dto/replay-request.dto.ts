import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, registerDecorator, ValidateNested } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.js';
import { POLICY_FILES } from '../../policy/bundle.types.js';

/** A bundle's hash as the broker prints it: sha256, hex (either case accepted). */
export const BUNDLE_HASH = /^[0-9a-fA-F]{64}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_FILES = 16;
/** Far above any real policy file; the body limit bounds the whole upload anyway. */
export const MAX_POLICY_FILE_CHARS = 200_000;

/** File name → YAML text: names plain, texts bounded. Which names a bundle has is the loader's. */
export function isPolicyFiles(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    entries.length <= MAX_FILES &&
    entries.every(
      ([name, text]) =>
        FILE_NAME.test(name) && typeof text === 'string' && text.length <= MAX_POLICY_FILE_CHARS,
    )
  );
}

function IsPolicyFiles(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPolicyFiles',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: { validate: isPolicyFiles },
    });
}

export class ProposedBundleDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: `The text of each file of the bundle, as in policies/: ${POLICY_FILES.join(', ')}. Validated exactly like a bundle on disk.`,
    example: { 'taxonomy.yaml': 'categories:\n  identity:\n    …', 'sectors.yaml': '…' },
  })
  @IsPolicyFiles()
  files: Record<string, string>;
}

/**
 * Which bundle to replay under: none → the bundle in force when the decision was made; `bundleHash`
 * → a bundle once in force or a stored proposal; `bundle` → a proposal uploaded now (legal
 * reviewers of the coordinating agency), stored so that later replays can name it by its hash.
 */
export class ReplayRequestDto {
  @ApiPropertyOptional({
    pattern: BUNDLE_HASH.source,
    description: 'sha256 of a bundle once in force (GET /v1/policies) or of a stored proposal.',
  })
  @Omittable()
  @IsString()
  @Matches(BUNDLE_HASH)
  bundleHash?: string;

  @ApiPropertyOptional({
    type: ProposedBundleDto,
    description: 'A proposed bundle, uploaded by a legal reviewer of the coordinating agency.',
  })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ProposedBundleDto)
  bundle?: ProposedBundleDto;
}
