// Salt's order resolution: cap, first/last, negatives, name_order.
import t from 'tap';
import { orderCap, resolveOrder, LAST_OFFSET } from '../../../agent/compile/order.ts';

t.test('cap', async (t) => {
  t.equal(orderCap([]), 1);
  t.equal(orderCap([10000, 10001, 10002]), 10100);
  t.equal(orderCap([10000, 10100]), 10200, 'an order reaching the cap raises it');
  t.equal(orderCap([5, 50, 104]), 105, 'not simply max + 100');
  t.equal(orderCap([104, 5]), 204);
  t.equal(orderCap([-5, 0, 'last', 'first', undefined, 2.5]), 1, 'only positive integers count');
  t.equal(orderCap([true]), 101, 'true counts as 1, like a Python bool');
});

t.test('resolveOrder', async (t) => {
  const cap = 10100;
  t.equal(resolveOrder(10000, 0, cap), 10000);
  t.equal(resolveOrder(2.5, 0, cap), 2.5);
  t.equal(resolveOrder('first', 0, cap), 0);
  t.equal(resolveOrder('last', 0, cap), cap + LAST_OFFSET);
  t.equal(resolveOrder(undefined, 0, cap), cap);
  t.equal(resolveOrder('5', 0, cap), cap, 'a numeric string is not a number');
  t.equal(resolveOrder(-1, 0, cap), cap + LAST_OFFSET - 1);
  t.equal(resolveOrder(10000, 2, cap), 10000.0002);
  t.equal(resolveOrder('first', 1, cap), 0.0001);
  t.equal(resolveOrder('last', 3, cap), cap + LAST_OFFSET + 0.0003);
});
