import { SetMetadata } from '@nestjs/common';

export const DEMONSTRATES = Symbol('DEMONSTRATES');

/** What a route shows a visitor; `GET /` lists every route with its text. */
export const Demonstrates = (text: string): MethodDecorator => SetMetadata(DEMONSTRATES, text);
