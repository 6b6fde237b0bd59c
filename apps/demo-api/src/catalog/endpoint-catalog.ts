import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DEMONSTRATES } from './demonstrates.decorator.js';

/** Routes the library serves, which carry no `@Demonstrates` of the demo's own. */
const LIBRARY_ROUTES: Record<string, string> = {
  'GET /metrics':
    'CacheMetricsModule: Prometheus counters per namespace and method, write-behind and rate-limit figures',
};

export interface EndpointEntry {
  method: string;
  path: string;
  demonstrates: string;
}

/**
 * Reads the routes from the controllers themselves, so the list on `GET /`
 * can never drift from what the app actually serves.
 */
@Injectable()
export class EndpointCatalog {
  private entries?: EndpointEntry[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  list(): EndpointEntry[] {
    this.entries ??= this.discover();
    return this.entries;
  }

  private discover(): EndpointEntry[] {
    const entries: EndpointEntry[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype;
      if (!controller || !wrapper.instance) continue;
      const prefix = this.pathOf(controller);
      const prototype = Object.getPrototypeOf(wrapper.instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[methodName];
        if (typeof handler !== 'function') continue;
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (method === undefined) continue;
        const route = { method: RequestMethod[method], path: joinPath(prefix, this.pathOf(handler)) };
        const demonstrates =
          this.reflector.get<string | undefined>(DEMONSTRATES, handler) ??
          LIBRARY_ROUTES[`${route.method} ${route.path}`] ??
          '';
        entries.push({ ...route, demonstrates });
      }
    }
    return entries;
  }

  private pathOf(target: object): string {
    const path = this.reflector.get<string | string[] | undefined>(PATH_METADATA, target as never);
    return Array.isArray(path) ? path[0] : (path ?? '');
  }
}

function joinPath(prefix: string, path: string): string {
  const joined = ['', prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}
