import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_METADATA, type AccessRule } from '../../src/common/auth/access.decorator.js';

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
  /** `public`, `authenticated`, `roles:a|b`, or `UNDECLARED`. */
  readonly access: string;
}

function describeAccess(rule: AccessRule | undefined): string {
  if (!rule) return 'UNDECLARED';
  if (rule.kind === 'roles') return `roles:${rule.roles.join('|')}`;
  if (rule.kind === 'console')
    return rule.roles.length ? `console:${rule.roles.join('|')}` : 'console';
  return rule.kind;
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;
}

/** Every controller route of the running application with the access it declares. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteEntry[] = [];
  const controllers = [...app.get(ModulesContainer).values()].flatMap((m) => [
    ...m.controllers.values(),
  ]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
        handler,
        wrapper.metatype,
      ]);
      routes.push({ method, path: joinPath(prefix, path), access: describeAccess(rule) });
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/**
 * The API's routes, without the console's pages: those take a session cookie, not a token, and
 * their sessions, CSRF checks and roles are tested by the console suites.
 */
export function apiRouteTable(app: INestApplication): RouteEntry[] {
  return routeTable(app).filter((r) => r.path !== '/console' && !r.path.startsWith('/console/'));
}
