/**
 * The type a cache decorator presents to TypeScript: the method must be async,
 * and when the options' functions name their parameters (`(id: string) =>`),
 * those must be the method's leading parameters.
 */
export type AsyncMethodOf<Args extends unknown[], Result> = unknown[] extends Args
  ? (...args: never[]) => Promise<Result>
  : (...args: [...Args, ...never[]]) => Promise<Result>;

export type CacheMethodDecorator<Args extends unknown[], Result> = <Method extends AsyncMethodOf<Args, Result>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<Method>,
) => void;

/** An option given as a value, or as a function of the method's arguments. */
export type ValueOrArgsFn<Value, Args extends unknown[]> = Value | ((...args: Args) => Value);
