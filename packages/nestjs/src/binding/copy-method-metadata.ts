/**
 * Copies every Reflect metadata entry of `from` onto `to`. A wrapper that skips
 * this erases what decorators below it wrote (`@Get()`, `@UseGuards()`,
 * Swagger, `SetMetadata`): Nest reads those from the function it finds on the
 * prototype.
 */
export function copyMethodMetadata(from: object, to: object): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}
