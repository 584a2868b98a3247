// The master's side of one exchange with a VM's bootstrap/agent (see the protocol comment in
// agent/protocol.ts): reads stdout line by line as it arrives and answers on stdin — the bundle when
// asked, the job after hello, the files the agent lacks — then closes stdin.
import { PassThrough } from 'node:stream';
import { parseEvent } from '../agent/emit.ts';
import type { AgentEvent, Grains, JobEnvelope, RunSummary, StateResult, WireMessage } from '../agent/protocol.ts';
import type { ErrorData } from '../agent/errors.ts';
import { redact } from '../agent/redact.ts';

export interface ExchangeInput {
  envelope: JobEnvelope;
  bundle: Buffer;
  /** The contents of a state-tree file by sha256. */
  file(hash: string): Buffer | undefined;
  onEvent?(event: AgentEvent): void;
  onMessage?(message: WireMessage): void;
}

const WIRE = new Set(['need-agent', 'need-node', 'hello', 'need-files']);

export class Exchange {
  readonly stdin = new PassThrough();
  bytesSent = 0;
  readonly requested = { agent: false, files: [] as string[] };
  needNode: { found?: string } | undefined;
  hello: { node: string; agent: string; pid: number } | undefined;
  readonly results: StateResult[] = [];
  readonly errors: ErrorData[] = [];
  summary: RunSummary | undefined;
  /** Addresses and grains the host reported with its `start` event (loopback excluded). */
  addresses: string[] | undefined;
  grains: Grains | undefined;
  /** Lines on stdout that are not protocol messages. */
  readonly noise: string[] = [];
  private buf = '';
  private closed = false;

  constructor(private readonly input: ExchangeInput) {}

  private send(data: Buffer | string): void {
    if (this.closed) return;
    this.bytesSent += Buffer.byteLength(data);
    this.stdin.write(data);
  }

  /** Closes the agent's stdin: nothing more will be sent. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.stdin.end();
  }

  onStdout(chunk: Buffer): void {
    this.buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.trim()) this.line(line);
    }
  }

  /** Call when stdout has ended: a last line without newline is still read. */
  flush(): void {
    if (this.buf.trim()) this.line(this.buf);
    this.buf = '';
  }

  private line(line: string): void {
    const event = parseEvent(line);
    if (event) return this.event(event);
    let msg: WireMessage | undefined;
    try {
      const v = JSON.parse(line) as { type?: unknown };
      if (typeof v === 'object' && v !== null && WIRE.has(String(v.type))) msg = v as WireMessage;
    } catch {
      // not JSON
    }
    if (!msg) {
      this.noise.push(line);
      return;
    }
    this.input.onMessage?.(msg);
    this.message(msg);
  }

  private message(msg: WireMessage): void {
    const { envelope, bundle } = this.input;
    switch (msg.type) {
      case 'need-agent':
        this.requested.agent = true;
        if (msg.bytes !== bundle.length) {
          this.errors.push({ code: 'INTERNAL', host: envelope.id, message: `the VM asked for ${msg.bytes} bytes of agent bundle, the bundle has ${bundle.length}` });
          this.end();
          return;
        }
        this.send(bundle);
        return;
      case 'need-node':
        this.needNode = msg.found !== undefined ? { found: msg.found } : {};
        this.end();
        return;
      case 'hello':
        this.hello = { node: msg.node, agent: msg.agent, pid: msg.pid };
        this.send(`${JSON.stringify({ type: 'job', ...envelope })}\n`);
        return;
      case 'need-files': {
        this.requested.files.push(...msg.hashes);
        const files: Record<string, string> = {};
        for (const h of msg.hashes) {
          const data = this.input.file(h);
          if (data) files[h] = data.toString('base64');
        }
        this.send(`${JSON.stringify({ type: 'files', files })}\n`);
        this.end();
        return;
      }
      default:
        return;
    }
  }

  private event(raw: AgentEvent): void {
    // the agent redacts; the master does it again before anything is shown or stored
    const event = redact(raw, this.input.envelope.secrets);
    this.end();
    if (event.type === 'result') {
      const { type: _t, ...result } = event;
      this.results.push(result);
    } else if (event.type === 'start') {
      if (Array.isArray(event.addresses)) this.addresses = event.addresses.filter((a) => typeof a === 'string');
      if (event.grains && typeof event.grains === 'object' && !Array.isArray(event.grains)) this.grains = event.grains;
    } else if (event.type === 'done') this.summary = event.summary;
    else if (event.type === 'error') this.errors.push(event.error.host ? event.error : { ...event.error, host: this.input.envelope.id });
    this.input.onEvent?.(event);
  }
}
