import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';

export const ACCESS_METADATA = 'filet:access';

/** How a route may be reached. Every route declares one; the guard refuses a route that does not. */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'roles'; readonly roles: readonly Role[] }
  /** A console page: a signed-in session (cookie), CSRF-checked when it changes anything. */
  | { readonly kind: 'console'; readonly roles: readonly Role[] };

/** No token needed: health and docs only. */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);

/** Any valid token from an active agency. Record-level checks stay in the service. */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRule);

/** A valid token carrying at least one of these roles. */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies AccessRule);

/**
 * A console page: a live console session, and at least one of these roles when any are given.
 * Anything but GET must also carry the session's CSRF token and come from the console's origin.
 */
export const ConsoleAccess = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'console', roles } satisfies AccessRule);
