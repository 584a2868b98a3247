// JSON Schemas of the API's queries, bodies and replies. Objects admit no field they do not list.

const str = { type: 'string' } as const;
const strList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 }, maxItems: 256 } as const;
const obj = <P extends Record<string, unknown>>(properties: P, required: (keyof P & string)[] = []) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

export const JOB_STATUS = [
  'running',
  'ok',
  'changed',
  'failed',
  'unreachable',
  'timeout',
  'error',
  'interrupted',
  'skipped',
] as const;
export const HOST_STATUS = [
  'running',
  'ok',
  'changed',
  'failed',
  'unreachable',
  'timeout',
  'error',
  'blocked',
  'interrupted',
] as const;
const nullable = (type: string) => ({ type: [type, 'null'] }) as const;

export const errorReply = obj({ code: str, message: str, details: { type: 'array', items: str } }, ['code', 'message']);

export const jobRecord = obj(
  {
    jid: str,
    kind: { type: 'string', enum: ['highstate', 'sls', 'run'] },
    args: { type: 'object', additionalProperties: true },
    test: { type: 'boolean' },
    startedAt: str,
    finishedAt: nullable('string'),
    status: { type: 'string', enum: JOB_STATUS },
    origin: { type: 'string', enum: ['cli', 'schedule', 'api'] },
    who: str,
    durationMs: nullable('number'),
    /** the hosts the job was planned for; null for jobs recorded before they were kept */
    hosts: { type: ['array', 'null'], items: str },
    /** why a skipped job did not run */
    reason: str,
  },
  ['jid', 'kind', 'args', 'test', 'startedAt', 'finishedAt', 'status', 'origin', 'who', 'durationMs', 'reason'],
);

const errorData = {
  type: 'object',
  additionalProperties: true,
  properties: { code: str, message: str },
  required: ['code', 'message'],
} as const;

export const hostRunRecord = obj(
  {
    jid: str,
    host: str,
    status: { type: 'string', enum: HOST_STATUS },
    succeeded: { type: 'integer' },
    failed: { type: 'integer' },
    changed: { type: 'integer' },
    total: { type: 'integer' },
    durationMs: { type: 'number' },
    errors: { type: 'array', items: errorData },
    startedAt: nullable('string'),
    /** null while the host runs, and for a run interrupted before it reported its end */
    finishedAt: nullable('string'),
    /** the master never received the run's outcome */
    unresolved: { type: 'boolean' },
    /** when the outcome was completed from the agent's own record */
    recoveredAt: nullable('string'),
    position: { type: 'integer' },
    reason: str,
  },
  [
    'jid',
    'host',
    'status',
    'succeeded',
    'failed',
    'changed',
    'total',
    'durationMs',
    'errors',
    'finishedAt',
    'position',
    'reason',
  ],
);

export const stateResult = obj(
  {
    tag: str,
    id: str,
    name: str,
    sls: str,
    result: nullable('boolean'),
    changes: { type: 'object', additionalProperties: true },
    comment: str,
    start_time: str,
    duration_ms: { type: 'number' },
    run_num: { type: 'integer' },
    warnings: { type: 'array', items: str },
  },
  ['tag', 'id', 'name', 'sls', 'result', 'changes', 'comment', 'start_time', 'duration_ms', 'run_num'],
);

export const jobsQuery = obj({
  host: { type: 'string', minLength: 1, maxLength: 256 },
  status: { type: 'string', enum: JOB_STATUS },
  since: { type: 'string', minLength: 1, maxLength: 64 },
  limit: { type: 'string', pattern: '^([1-9][0-9]{0,2}|1000)$' },
});

export const jidParams = obj({ jid: { type: 'string', pattern: '^[0-9]{20}$' } }, ['jid']);
export const jidHostParams = obj(
  { jid: { type: 'string', pattern: '^[0-9]{20}$' }, host: { type: 'string', minLength: 1, maxLength: 256 } },
  ['jid', 'host'],
);

export const jobsReply = obj({ jobs: { type: 'array', items: jobRecord } }, ['jobs']);
export const jobReply = obj({ job: jobRecord, hosts: { type: 'array', items: hostRunRecord } }, ['job', 'hosts']);
export const hostResultsReply = obj(
  { job: jobRecord, run: hostRunRecord, results: { type: 'array', items: stateResult } },
  ['job', 'run', 'results'],
);

export const startJobBody = obj(
  {
    kind: { type: 'string', enum: ['highstate', 'sls', 'run'] },
    sls: { ...strList, minItems: 1 },
    command: { type: 'array', items: { type: 'string', maxLength: 4096 }, minItems: 1, maxItems: 256 },
    timeout: { type: 'number', exclusiveMinimum: 0, maximum: 86400 },
    level: strList,
    role: strList,
    host: strList,
    target: strList,
    /** every host of the roster: a job names its targets or says all */
    all: { type: 'boolean' },
    test: { type: 'boolean' },
    batch: { type: 'string', minLength: 1, maxLength: 16 },
    failhard: { type: 'boolean' },
    concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
  },
  ['kind'],
);

export const startJobReply = obj(
  { jid: str, hosts: { type: 'array', items: str }, warnings: { type: 'array', items: str } },
  ['jid', 'hosts', 'warnings'],
);

const lastRun = {
  anyOf: [
    { type: 'null' },
    obj({ jid: str, status: { type: 'string', enum: HOST_STATUS }, finishedAt: nullable('string') }, [
      'jid',
      'status',
      'finishedAt',
    ]),
  ],
} as const;

export const driftedState = obj(
  { tag: str, id: str, name: str, sls: str, changes: { type: 'object', additionalProperties: true }, comment: str },
  ['tag', 'id', 'name', 'sls', 'changes', 'comment'],
);

/**
 * null: never checked; else the last test-mode highstate (or applied one that converged the host)
 * and what would change
 */
const drift = {
  anyOf: [
    { type: 'null' },
    obj(
      {
        jid: str,
        mode: { type: 'string', enum: ['test', 'apply'] },
        checkedAt: str,
        drifted: { type: 'boolean' },
        states: { type: 'array', items: driftedState },
      },
      ['jid', 'mode', 'checkedAt', 'drifted', 'states'],
    ),
  ],
} as const;

export const hostsReply = obj(
  {
    hosts: {
      type: 'array',
      items: obj({ id: str, level: str, roles: { type: 'array', items: str }, address: str, lastRun, drift }, [
        'id',
        'level',
        'roles',
        'address',
        'lastRun',
        'drift',
      ]),
    },
  },
  ['hosts'],
);

export const eventsQuery = obj({ jid: { type: 'string', pattern: '^[0-9]{20}$' } });

export const healthReply = obj({ status: { type: 'string', enum: ['ok'] } }, ['status']);
