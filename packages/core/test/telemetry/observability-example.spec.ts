import { testRedisUrl } from '@cachet/testing';
import { observabilityExample } from './observability-example.js';

it('the example of docs/observability.md runs and shows what it says', async () => {
  const { tree, names } = await observabilityExample(testRedisUrl());
  expect(tree).toEqual(['cachet.cache.load', 'cachet.cache.read miss', 'cachet.cache.read hit', 'GET /products/42']);
  expect(names).toEqual(
    expect.arrayContaining(['cachet.cache.read.duration', 'cachet.cache.load.duration', 'cachet.cache.hits']),
  );
});
