// Forked by adapters.bench.ts and e2e.bench.ts: `node hello-server.js <express|fastify>`; reports
// its port over IPC.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { ReadyMessage } from './load.js';

export type AdapterName = 'express' | 'fastify';

@Controller()
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

function createApp(adapter: string): Promise<INestApplication> {
  // abortOnError: false, so a failed start throws (and shows) instead of exiting silently.
  const options = { logger: false, abortOnError: false } as const;
  switch (adapter) {
    case 'express':
      return NestFactory.create(HelloModule, new ExpressAdapter(), options);
    case 'fastify':
      return NestFactory.create(HelloModule, new FastifyAdapter({ logger: false }), options);
    default:
      throw new Error(`Adaptateur inconnu / unknown adapter: ${adapter}`);
  }
}

if (!process.send) throw new Error('À lancer par fork() / must be started with fork()');
// Never outlive the benchmark runner, even if it crashes before killing us.
process.on('disconnect', () => process.exit(0));

const app = await createApp(process.argv[2] ?? '');
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
process.send({ port } satisfies ReadyMessage);
