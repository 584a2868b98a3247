import t from 'tap';
import {
  STATE_FUNCTIONS,
  hasModWatch,
  isKnownStateFunction,
  unknownFunctionHint,
} from '../../../agent/states/registry.ts';

t.test('known functions', async (t) => {
  t.ok(isKnownStateFunction('pkg', 'installed'));
  t.ok(isKnownStateFunction('file', 'managed'));
  t.notOk(isKnownStateFunction('pkg', 'instaled'));
  t.notOk(isKnownStateFunction('frob', 'x'));
  t.notOk(isKnownStateFunction('toString', 'x'), 'object prototype members are not modules');
  t.notOk(isKnownStateFunction('constructor', 'name'));
});

t.test('mod_watch', async (t) => {
  t.ok(hasModWatch('service'));
  t.ok(hasModWatch('cmd'));
  t.ok(hasModWatch('test'));
  t.notOk(hasModWatch('file'));
  t.notOk(hasModWatch('frob'));
});

t.test('hints list the user-facing functions', async (t) => {
  t.match(unknownFunctionHint('service'), /running, dead, enabled, disabled$/);
  t.match(unknownFunctionHint('frob'), /no state module 'frob'/);
  t.ok(Object.isFrozen(STATE_FUNCTIONS));
});
