// The numeric order of a chunk, as Salt's order_chunks resolves the `order` argument:
//   a number stays (floats too); `first` is 0; `last` is cap + 1000000; anything else (no order,
//   a non-numeric string) is cap; a negative number n becomes cap + 1000000 + n (so -1 runs
//   just before `last`); each entry of `names` adds name_order / 10000 (1, 2, 3… in list order).
// cap is computed over the chunks in high-data order: starting at 1, an integer order that is
// positive and not below the current cap raises it to that order + 100 — always above every
// integer order, but not necessarily max + 100.

export const LAST_OFFSET = 1_000_000;

function asNumber(order: unknown): number | undefined {
  if (typeof order === 'boolean') return order ? 1 : 0;
  if (typeof order === 'number' && Number.isFinite(order)) return order;
  return undefined;
}

function isIntegerOrder(order: unknown): boolean {
  return typeof order === 'boolean' || (typeof order === 'number' && Number.isInteger(order));
}

/** Salt's cap for a list of raw `order` values given in high-data order. */
export function orderCap(orders: Iterable<unknown>): number {
  let cap = 1;
  for (const o of orders) {
    if (!isIntegerOrder(o)) continue;
    const n = asNumber(o)!;
    if (n > cap - 1 && n > 0) cap = n + 100;
  }
  return cap;
}

/** The resolved numeric order of one chunk. */
export function resolveOrder(order: unknown, nameOrder: number, cap: number): number {
  let n = asNumber(order);
  if (n === undefined) n = order === 'last' ? cap + LAST_OFFSET : order === 'first' ? 0 : cap;
  if (nameOrder) n += nameOrder / 10000;
  if (n < 0) n += cap + LAST_OFFSET;
  return n;
}
